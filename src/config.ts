/**
 * linkgate settings, read from app settings (environment). Every setting is documented in the README's
 * "Settings" table and listed in local.settings.json.example. Parsing is strict: a malformed value is an
 * error naming the setting, never a silent default.
 */

export interface Settings {
  /** Path of the policy file deployed with the app. */
  policyFile: string;
  /** Subscriptions to sweep and reconcile. */
  subscriptions: string[];
  /** Optional management group whose subscriptions are swept (through Resource Graph). */
  managementGroup?: string;
  /** NCRONTAB (six fields) for the sweep timer. */
  sweepSchedule: string;
  /** Check ids to run; empty means all. */
  checks: string[];
  /** Check ids never to run. */
  disabledChecks: string[];
  pendingThresholdHours: number;
  trafficWindowMinutes: number;
  natPortThresholdPercent: number;
  /** DNS server (IP[:port]) for the live DNS check; empty means the system resolver. */
  dnsResolver?: string;
  /** Table service endpoint for finding state (identity-based); falls back to AzureWebJobsStorage. */
  tableEndpoint?: string;
  findingsTable: string;
  maxConcurrency: number;
}

export class SettingsError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`setting ${setting}: ${message}`);
    this.name = "SettingsError";
  }
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new SettingsError(name, `"${raw}" is not a number between ${min} and ${max}`);
  }
  return n;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_SWEEP_SCHEDULE = "0 */15 * * * *";

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const subscriptions = list(env["LINKGATE_SUBSCRIPTIONS"]);
  for (const s of subscriptions) {
    if (!GUID.test(s))
      throw new SettingsError("LINKGATE_SUBSCRIPTIONS", `"${s}" is not a subscription ID (GUID)`);
  }
  const schedule = (env["LINKGATE_SWEEP_SCHEDULE"] ?? "").trim() || DEFAULT_SWEEP_SCHEDULE;
  if (schedule.split(/\s+/).length !== 6) {
    throw new SettingsError(
      "LINKGATE_SWEEP_SCHEDULE",
      `"${schedule}" is not a six-field NCRONTAB expression (e.g. "${DEFAULT_SWEEP_SCHEDULE}")`,
    );
  }
  return {
    policyFile: (env["LINKGATE_POLICY_FILE"] ?? "").trim() || "policy.yaml",
    subscriptions,
    managementGroup: (env["LINKGATE_MANAGEMENT_GROUP"] ?? "").trim() || undefined,
    sweepSchedule: schedule,
    checks: list(env["LINKGATE_CHECKS"]),
    disabledChecks: list(env["LINKGATE_DISABLED_CHECKS"]),
    pendingThresholdHours: num(env, "LINKGATE_PENDING_THRESHOLD_HOURS", 24, 0, 24 * 365),
    trafficWindowMinutes: num(env, "LINKGATE_TRAFFIC_WINDOW_MINUTES", 60, 15, 60 * 24 * 30),
    natPortThresholdPercent: num(env, "LINKGATE_NAT_PORT_THRESHOLD_PERCENT", 80, 1, 100),
    dnsResolver: (env["LINKGATE_DNS_RESOLVER"] ?? "").trim() || undefined,
    tableEndpoint: (env["LINKGATE_TABLE_ENDPOINT"] ?? "").trim() || undefined,
    findingsTable: (env["LINKGATE_FINDINGS_TABLE"] ?? "").trim() || "linkgateFindings",
    maxConcurrency: num(env, "LINKGATE_MAX_CONCURRENCY", 4, 1, 64),
  };
}
