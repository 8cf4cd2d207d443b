/**
 * Composition root: builds the approval dependencies from the environment, the same way for the Event Grid
 * function and for the CLI, so `linkgate handle-event` exercises exactly what runs in Azure.
 *
 * - ARM: Azure (managed identity / developer credential) or the emulator (LINKGATE_EMULATOR + _CA).
 * - Policy: LINKGATE_POLICY_FILE (or an explicit path); a policy that fails to load decides fail-closed.
 * - Scope: LINKGATE_SUBSCRIPTIONS, when set, bounds which targets may be acted on.
 * - Telemetry: Application Insights when configured, otherwise nothing (telemetry loss never stops work).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as fsSync from "node:fs";
import * as path from "node:path";
import type { HandleEventDeps } from "../core/events/handle";
import { errorMessage } from "../core/errors";
import { boundLogMessage, boundLogProperties } from "../core/logBounds";
import {
  FAIL_CLOSED_DECISION,
  connectionDescription,
  dependsOnOtherConnections,
  evaluate,
  formatPolicyError,
  managedOwnerGlobs,
  parsePolicy,
} from "../core/policy";
import type { PolicyRuntime } from "../core/reconcile";
import { tryParseResourceId } from "../core/resourceId";
import { systemClock, type Clock, type Logger, type TargetLock, type TelemetrySink } from "../ports";
import { loadSettings, type Settings } from "../config";
import { ArmApprovalAdapter } from "./arm/armReader";
import { ArmTenantResolver } from "./arm/tenantResolver";
import { isPrivateLinkTargetType } from "./arm/apiVersions";
import { armContextFromEnv, EVENT_PATH_RETRY_BUDGET_IN_MS, type ArmContext } from "./arm/context";
import { createTelemetrySink } from "./telemetry/appInsights";
import { targetLockFromEnv } from "./lock";
import { ArmManagedDefinitionReader } from "./managed/reader";

/**
 * Log lines as JSON, one per line, on a stream (the CLI's stderr). Never carries tokens: callers pass facts.
 * Message and properties are bounded (core/logBounds.ts): much of what is logged comes from outside.
 */
export function streamLogger(stream: NodeJS.WritableStream, minimum: "info" | "warn" = "info"): Logger {
  const write = (level: string, message: string, properties?: Record<string, unknown>): void => {
    const line = { level, message: boundLogMessage(message), ...(boundLogProperties(properties) ?? {}) };
    stream.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (m, p) => {
      if (minimum === "info") write("info", m, p);
    },
    warn: (m, p) => write("warn", m, p),
    error: (m, p) => write("error", m, p),
  };
}

/** The Functions host's per-invocation log methods (InvocationContext), as a Logger (bounded like streamLogger). */
export function invocationLogger(context: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}): Logger {
  const m = boundLogMessage;
  const p = (props: Record<string, unknown> | undefined) => boundLogProperties(props) ?? {};
  return {
    info: (message, props) => context.log(m(message), p(props)),
    warn: (message, props) => context.warn(m(message), p(props)),
    error: (message, props) => context.error(m(message), p(props)),
  };
}

/** A scope check from LINKGATE_SUBSCRIPTIONS: everything when unset, else only those subscriptions. */
export function scopeFromSettings(settings: Pick<Settings, "subscriptions">): (targetId: string) => boolean {
  const allowed = new Set(settings.subscriptions.map((s) => s.toLowerCase()));
  return (targetId: string) => {
    if (allowed.size === 0) return true;
    const p = tryParseResourceId(targetId);
    return !!p && allowed.has(p.subscriptionId.toLowerCase());
  };
}

export interface ApprovalPortsOptions {
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  telemetry?: TelemetrySink;
  clock?: Clock;
  /** Reuse a context (tests, or a host that already built one). */
  arm?: ArmContext;
  /** Settings already loaded from `env` (so they are parsed once); default: loaded from `env`. */
  settings?: Settings;
  /** Per-target lock; default from `env`: Table lease when storage is configured, else machine-local files. */
  lock?: TargetLock;
}

export interface ApprovalRuntimeOptions extends ApprovalPortsOptions {
  policy: PolicyRuntime;
}

/** The ports approval works through (ARM reader and writer, tenants, telemetry...), without a policy. */
export function approvalPorts(options: ApprovalPortsOptions): Omit<HandleEventDeps, "policy"> & {
  arm: ArmContext;
  lock: TargetLock;
  managed: ArmManagedDefinitionReader;
} {
  const env = options.env ?? process.env;
  const settings = options.settings ?? loadSettings(env);
  const arm = options.arm ?? armContextFromEnv(env);
  const adapter = new ArmApprovalAdapter(arm);
  return {
    arm,
    reader: adapter,
    writer: adapter,
    tenants: new ArmTenantResolver(arm),
    telemetry: options.telemetry ?? createTelemetrySink(env, { logger: options.logger }),
    logger: options.logger,
    clock: options.clock ?? systemClock,
    supportsTargetType: isPrivateLinkTargetType,
    inScope: scopeFromSettings(settings),
    // Managed private endpoint definitions (issue 13), read only when the policy uses requester.managedBy.
    managed: new ArmManagedDefinitionReader(arm, { subscriptions: settings.subscriptions }),
    // Serializes enforce-mode decisions per target (caps, If-Match races): see src/adapters/lock.
    lock: options.lock ?? targetLockFromEnv(env, settings, { logger: options.logger }),
  };
}

/** Everything `handleEventInput` and `reconcileTarget` need, wired to ARM (or the emulator). */
export function approvalDeps(
  options: ApprovalRuntimeOptions,
): HandleEventDeps & { arm: ArmContext; lock: TargetLock } {
  return { ...approvalPorts(options), policy: options.policy };
}

export interface LoadedPolicy {
  runtime: PolicyRuntime;
  /** `FILE:LINE:COL field: message` lines; empty when the policy is valid. */
  errors: string[];
}

/**
 * Reads and validates a policy file. Never throws: an unreadable or invalid policy yields a runtime that
 * decides fail-closed (nothing is ever approved) in audit mode, so it does not even write rejections, and
 * the errors are logged with file, line and field.
 */
export async function loadPolicyRuntime(file: string, logger: Logger): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (e) {
    return failClosed(file, [`${file}: cannot read the policy file: ${errorMessage(e)}`], logger);
  }
  const parsed = parsePolicy(text, file);
  if ("errors" in parsed) return failClosed(file, parsed.errors.map(formatPolicyError), logger);
  const policy = parsed.policy;
  logger.info(
    `policy loaded: ${policy.rules.length} rule(s), mode ${policy.mode}, default ${policy.default}`,
    {
      policyFile: file,
    },
  );
  return {
    errors: [],
    runtime: {
      mode: policy.mode,
      source: file,
      decide: (facts) => evaluate(policy, facts),
      describe: (decision) => connectionDescription(decision),
      revocation: policy.revocation,
      hash: createHash("sha256").update(text).digest("hex"),
      managedOwners: managedOwnerGlobs(policy),
      dependsOnOtherConnections: dependsOnOtherConnections(policy),
    },
  };
}

function failClosed(file: string, errors: string[], logger: Logger): LoadedPolicy {
  for (const e of errors) logger.error(`policy invalid; deciding fail-closed: ${e}`, { policyFile: file });
  const decision = FAIL_CLOSED_DECISION(errors);
  return {
    errors,
    runtime: {
      mode: "audit",
      source: file,
      decide: () => decision,
      describe: (d) => connectionDescription(d),
    },
  };
}

/**
 * The app root: the nearest folder above this file that holds host.json (the deployed package root, or
 * the repo). The Functions worker's working directory is not guaranteed to be it on every hosting plan.
 */
export function appRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fsSync.existsSync(path.join(dir, "host.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Relative setting paths (LINKGATE_POLICY_FILE) are relative to the app root; absolute ones stay. */
export function resolveAppPath(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(appRoot(), p);
}

export interface RuntimeFromEnvOptions {
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  telemetry?: TelemetrySink;
}

/** The deployed policy the Functions run with: LINKGATE_POLICY_FILE, resolved against the app root. */
export function loadDeployedPolicy(
  settings: Pick<Settings, "policyFile">,
  logger: Logger,
): Promise<LoadedPolicy> {
  return loadPolicyRuntime(resolveAppPath(settings.policyFile), logger);
}

/** What the Event Grid function runs with: the deployed policy, ARM from the environment. */
export async function approvalRuntimeFromEnv(options: RuntimeFromEnvOptions): Promise<HandleEventDeps> {
  const env = options.env ?? process.env;
  // A malformed sweep-only setting must not stop approvals: it is ignored here (and refused by the sweep).
  const settings = loadSettings(env, { purpose: "events" });
  for (const note of settings.ignored) options.logger.warn(`linkgate: ${note}`);
  const loaded = await loadDeployedPolicy(settings, options.logger);
  return approvalDeps({
    env,
    settings,
    logger: options.logger,
    policy: loaded.runtime,
    telemetry: options.telemetry,
    // The Event Grid path: throttling fails fast past the budget and Event Grid's retry carries the event.
    arm: armContextFromEnv(env, { retryBudgetInMs: EVENT_PATH_RETRY_BUDGET_IN_MS }),
  });
}
