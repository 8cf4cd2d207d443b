/**
 * linkgate settings, read from app settings (environment). Every setting is documented in docs/settings.md's
 * "Settings" table and listed in local.settings.json.example. Parsing is strict: a malformed value is an
 * error naming the setting, never a silent default.
 */
import { ArmEndpointError, resolveArmEndpoint, type ResolvedArmEndpoint } from "./adapters/arm/constants";

export interface Settings {
  /** Malformed sweep-only settings the events path ignored (loadSettings `purpose: "events"`); else empty. */
  ignored: string[];
  /** Path of the policy file deployed with the app. */
  policyFile: string;
  /** Subscriptions to sweep and reconcile. */
  subscriptions: string[];
  /** Optional management group whose subscriptions are swept (through Resource Graph). */
  managementGroup?: string;
  /** NCRONTAB (six fields) for the sweep timer. */
  sweepSchedule: string;
  /** Whether the timer's sweep decides (and in enforce mode writes) Pending connections; the CLI asks --reconcile. */
  sweepReconcile: boolean;
  /** Subscriptions per shard when the timer fans the sweep out over a Storage queue (core/shard); 0: one sweep, no queue. */
  sweepShardSize: number;
  /** The Storage queue shards are enqueued on (and the shard function listens to). */
  sweepQueue: string;
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
  /** Table of per-target leases that serialize approvals across instances (same storage as findings). */
  lockTable: string;
  /** PEM file of an extra CA to trust for the table endpoint (a local HTTPS Azurite). */
  tableCaFile?: string;
  /** Sweep reads in flight at once for one subscription (ARM throttles reads per subscription). */
  maxConcurrency: number;
  /** Sweep reads in flight at once over all subscriptions. */
  maxConcurrencyTotal: number;
  /** Tag (value `true`) on a Relay namespace demanding private-only access; absent: the check's default. */
  privateOnlyTagName?: string;
  /** Every Relay namespace with private endpoints must be private-only. */
  relayPrivateOnly: boolean;
  /** LINKGATE_ARM_ENDPOINT, checked against the public and sovereign ARM endpoints. */
  armEndpoint: string;
  /** Token scope for armEndpoint (that cloud's ARM audience). */
  armScope: string;
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

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw new SettingsError(name, `"${raw}" is not true or false`);
}

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return (env[name] ?? "").trim() || undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_SWEEP_SCHEDULE = "0 */15 * * * *";

/**
 * LINKGATE_SWEEP_SCHEDULE alone: the timer reads it at registration, where another malformed setting must
 * not change (or break) the schedule.
 */
export function loadSweepSchedule(env: NodeJS.ProcessEnv = process.env): string {
  const schedule = text(env, "LINKGATE_SWEEP_SCHEDULE") ?? DEFAULT_SWEEP_SCHEDULE;
  if (schedule.split(/\s+/).length !== 6) {
    throw new SettingsError(
      "LINKGATE_SWEEP_SCHEDULE",
      `"${schedule}" is not a six-field NCRONTAB expression (e.g. "${DEFAULT_SWEEP_SCHEDULE}")`,
    );
  }
  // Six fields is not enough: each must be a valid second/minute/hour/day/month/weekday (cron-parser reads the
  // same six-field form as the Functions host's NCRONTAB), so "a b c d e f" fails here, not at host start.
  // The default needs no parser (test/unit/configLoading.test.ts parses it once); nor does a schedule already
  // accepted by this process.
  if (schedule === DEFAULT_SWEEP_SCHEDULE || schedule === acceptedSchedule) return schedule;
  // Loaded here, not at import: every function imports this file at registration, and cron-parser (with the
  // luxon it brings) is needed only to check a schedule other than the default.
  /* eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, synchronous (CommonJS output) */
  const { CronExpressionParser } = require("cron-parser") as typeof import("cron-parser");
  try {
    CronExpressionParser.parse(schedule);
  } catch (e) {
    throw new SettingsError(
      "LINKGATE_SWEEP_SCHEDULE",
      `"${schedule}" is not a valid NCRONTAB expression (${e instanceof Error ? e.message : String(e)}); ` +
        `fields are second minute hour day month weekday, e.g. "${DEFAULT_SWEEP_SCHEDULE}"`,
    );
  }
  acceptedSchedule = schedule;
  return schedule;
}

/** The last schedule cron-parser accepted: loadSettings runs per invocation, the schedule rarely changes. */
let acceptedSchedule: string | undefined;

/** Throws a SettingsError naming `setting` (a setting or a CLI option) unless every entry is a GUID. */
export function checkSubscriptionIds(ids: readonly string[], setting: string): void {
  for (const s of ids) {
    if (!GUID.test(s)) throw new SettingsError(setting, `"${s}" is not a subscription ID (GUID)`);
  }
}

/**
 * LINKGATE_ARM_ENDPOINT: only the public and sovereign ARM endpoints (and loopback in emulator mode), so
 * the managed identity's token can never be sent to another host.
 */
export function loadArmEndpoint(env: NodeJS.ProcessEnv = process.env): ResolvedArmEndpoint {
  try {
    return resolveArmEndpoint(env["LINKGATE_ARM_ENDPOINT"], { emulator: !!text(env, "LINKGATE_EMULATOR") });
  } catch (e) {
    if (e instanceof ArmEndpointError) throw new SettingsError(e.setting, e.detail);
    throw e;
  }
}

/**
 * A setting a function reads at registration, where a throw would stop the whole app from registering: a
 * malformed value is reported (with what happens instead) and `fallback` is used until it is fixed.
 */
export function settingAtRegistration<T>(
  load: () => T,
  fallback: T,
  instead: string,
  report: (message: string) => void,
): T {
  try {
    return load();
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    report(`${e.message}; ${instead}`);
    return fallback;
  }
}

export const DEFAULT_SWEEP_QUEUE = "linkgate-sweep-shards";
/** Storage queue names: 3-63 lower-case letters, digits and single hyphens, starting and ending alphanumeric. */
const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * LINKGATE_SWEEP_QUEUE alone: the shard function reads it at registration (like the schedule), where another
 * malformed setting must not stop the app from registering.
 */
export function loadSweepQueue(env: NodeJS.ProcessEnv = process.env): string {
  const name = text(env, "LINKGATE_SWEEP_QUEUE") ?? DEFAULT_SWEEP_QUEUE;
  if (!QUEUE_NAME.test(name)) {
    throw new SettingsError(
      "LINKGATE_SWEEP_QUEUE",
      `"${name}" is not a queue name (3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)`,
    );
  }
  return name;
}

function shardSize(env: NodeJS.ProcessEnv): number {
  const n = num(env, "LINKGATE_SWEEP_SHARD_SIZE", 0, 0, 200);
  if (!Number.isInteger(n))
    throw new SettingsError(
      "LINKGATE_SWEEP_SHARD_SIZE",
      `"${env["LINKGATE_SWEEP_SHARD_SIZE"]}" is not a whole number`,
    );
  return n;
}

export interface LoadSettingsOptions {
  /**
   * `events`: the Event Grid path. A malformed setting that only the sweep reads is ignored (its default is
   * used and `ignored` says so) rather than stopping approvals; the settings the events path reads stay
   * strict. Default `all`: every malformed setting is a SettingsError.
   */
  purpose?: "all" | "events";
}

export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadSettingsOptions = {},
): Settings {
  const subscriptions = list(env["LINKGATE_SUBSCRIPTIONS"]);
  checkSubscriptionIds(subscriptions, "LINKGATE_SUBSCRIPTIONS");
  const arm = loadArmEndpoint(env);
  const ignored: string[] = [];
  /** A sweep-only setting: strict for the sweep, its default (noted in `ignored`) on the events path. */
  const sweepOnly = <T>(parse: () => T, fallback: T): T => {
    if (options.purpose !== "events") return parse();
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      ignored.push(`${e.message} (only the sweep reads it; event handling uses the default)`);
      return fallback;
    }
  };
  return {
    ignored,
    policyFile: text(env, "LINKGATE_POLICY_FILE") ?? "policy.yaml",
    subscriptions,
    managementGroup: text(env, "LINKGATE_MANAGEMENT_GROUP"),
    sweepSchedule: sweepOnly(() => loadSweepSchedule(env), DEFAULT_SWEEP_SCHEDULE),
    sweepReconcile: sweepOnly(() => bool(env, "LINKGATE_SWEEP_RECONCILE", true), true),
    sweepShardSize: sweepOnly(() => shardSize(env), 0),
    sweepQueue: sweepOnly(() => loadSweepQueue(env), DEFAULT_SWEEP_QUEUE),
    checks: list(env["LINKGATE_CHECKS"]),
    disabledChecks: list(env["LINKGATE_DISABLED_CHECKS"]),
    pendingThresholdHours: sweepOnly(() => num(env, "LINKGATE_PENDING_THRESHOLD_HOURS", 24, 0, 24 * 365), 24),
    trafficWindowMinutes: sweepOnly(
      () => num(env, "LINKGATE_TRAFFIC_WINDOW_MINUTES", 60, 15, 60 * 24 * 30),
      60,
    ),
    natPortThresholdPercent: sweepOnly(() => num(env, "LINKGATE_NAT_PORT_THRESHOLD_PERCENT", 80, 1, 100), 80),
    dnsResolver: text(env, "LINKGATE_DNS_RESOLVER"),
    tableEndpoint: text(env, "LINKGATE_TABLE_ENDPOINT"),
    findingsTable: text(env, "LINKGATE_FINDINGS_TABLE") ?? "linkgateFindings",
    lockTable: text(env, "LINKGATE_LOCK_TABLE") ?? "linkgateLocks",
    tableCaFile: text(env, "LINKGATE_TABLE_CA"),
    maxConcurrency: num(env, "LINKGATE_MAX_CONCURRENCY", 4, 1, 64),
    maxConcurrencyTotal: num(env, "LINKGATE_MAX_CONCURRENCY_TOTAL", 16, 1, 256),
    privateOnlyTagName: text(env, "LINKGATE_PRIVATE_ONLY_TAG"),
    relayPrivateOnly: sweepOnly(() => bool(env, "LINKGATE_RELAY_PRIVATE_ONLY", false), false),
    armEndpoint: arm.endpoint,
    armScope: arm.scope,
  };
}
