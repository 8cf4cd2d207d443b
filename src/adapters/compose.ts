/**
 * Composition root: builds the approval dependencies from the environment, the same way for the Event Grid
 * function and for the CLI, so `linkgate handle-event` exercises exactly what runs in Azure.
 *
 * - ARM: Azure (managed identity / developer credential) or the emulator (LINKGATE_EMULATOR + _CA).
 * - Policy: LINKGATE_POLICY_FILE (or an explicit path); a policy that fails to load decides fail-closed.
 * - Scope: LINKGATE_SUBSCRIPTIONS, when set, bounds which targets may be acted on.
 * - Telemetry: Application Insights when configured, otherwise nothing (telemetry loss never stops work).
 */
import type { HandleEventDeps } from "../core/events/handle";
import type { PolicyRuntime } from "../core/reconcile";
import { tryParseResourceId } from "../core/resourceId";
import { nullTelemetry, systemClock, type Clock, type Logger, type TelemetrySink } from "../ports";
import { loadSettings, type Settings } from "../config";
import { ArmApprovalAdapter, ArmTenantResolver } from "./arm/armReader";
import { isPrivateLinkTargetType } from "./arm/apiVersions";
import { armContextFromEnv, type ArmContext } from "./arm/context";

/** Log lines as JSON, one per line, on a stream (the CLI's stderr). Never carries tokens: callers pass facts. */
export function streamLogger(stream: NodeJS.WritableStream, minimum: "info" | "warn" = "info"): Logger {
  const write = (level: string, message: string, properties?: Record<string, unknown>): void => {
    stream.write(`${JSON.stringify({ level, message, ...(properties ?? {}) })}\n`);
  };
  return {
    info: (m, p) => {
      if (minimum === "info") write("info", m, p);
    },
    warn: (m, p) => write("warn", m, p),
    error: (m, p) => write("error", m, p),
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

export interface ApprovalRuntimeOptions {
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  policy: PolicyRuntime;
  telemetry?: TelemetrySink;
  clock?: Clock;
  /** Reuse a context (tests, or a host that already built one). */
  arm?: ArmContext;
}

/** Everything `handleEventInput` and `reconcileTarget` need, wired to ARM (or the emulator). */
export function approvalDeps(options: ApprovalRuntimeOptions): HandleEventDeps & { arm: ArmContext } {
  const env = options.env ?? process.env;
  const settings = loadSettings(env);
  const arm = options.arm ?? armContextFromEnv(env);
  const adapter = new ArmApprovalAdapter(arm);
  return {
    arm,
    reader: adapter,
    writer: adapter,
    tenants: new ArmTenantResolver(arm),
    telemetry: options.telemetry ?? nullTelemetry,
    logger: options.logger,
    clock: options.clock ?? systemClock,
    policy: options.policy,
    supportsTargetType: isPrivateLinkTargetType,
    inScope: scopeFromSettings(settings),
  };
}
