/**
 * Guarded revocation: the sweep's step that rejects Approved connections the policy's revocation plan names
 * (./plan.ts). Same safety rules as approval (core/reconcile.ts): the target's lock (deps.lock, the one the
 * Event Grid handler and reconcile take), a re-read under it, If-Match with the connection's etag, never a
 * write on top of a change someone made since the inventory was read, and audit mode never writes.
 *
 * The blast-radius guard is all-or-nothing: more candidates than `maxPerSweep` revoke none (the
 * revocation-guard-tripped check reports it from the same plan). A degraded inventory revokes none either: a
 * scope that could not be read may hide candidates, so the count the guard judges is not known.
 */
import { connectionDescription, type RevocationSettings } from "../policy";
import { ArmError, errorMessage, isTransient } from "../errors";
import { DEFAULT_LOCK_WAIT_MS, LockLostError, PROCESS_LOCK, targetLockKey } from "../lock";
import type { PrivateEndpointConnection } from "../model";
import { splitConnectionId } from "../resourceId";
import type {
  ArmReader,
  Clock,
  ConnectionWriter,
  Logger,
  OperationOptions,
  TargetLock,
  TargetLockHandle,
  TelemetrySink,
} from "../../ports";
import type { RevocationCandidate, RevocationPlan } from "./plan";

export interface RevocationDeps {
  reader: ArmReader;
  writer: ConnectionWriter;
  telemetry: TelemetrySink;
  logger: Logger;
  clock: Clock;
  /** The per-target lock approval takes; absent (tests, tools): one shared by this process. */
  lock?: TargetLock;
}

export interface RevocationContext {
  /** Identifies the policy in telemetry (sha256 of its text, from the composition root). */
  policyHash?: string;
  /** Where the policy came from, for logs. */
  policySource?: string;
  /** Collection errors in this sweep's inventory: any means revoke none. */
  degraded: boolean;
  cause?: string;
  lockWaitInMs?: number;
}

/**
 * - `revoked`: our PUT set Rejected;
 * - `audited`: revocation mode audit: reported, never written;
 * - `skipped`: the connection changed since the inventory (someone else acted), is gone, or a 412 said so;
 * - `failed`: the write failed (the next sweep tries again if still due).
 */
export type RevocationOutcome = "revoked" | "audited" | "skipped" | "failed";

export interface RevocationRecord {
  connectionId: string;
  targetId: string;
  reason: RevocationCandidate["reason"];
  ruleId: string;
  expiresAt?: string;
  previousState: string;
  outcome: RevocationOutcome;
  mode: RevocationSettings["mode"];
  detail?: string;
}

export interface RevocationResult {
  /** Candidates the plan named. */
  planned: number;
  /** True when the guard tripped or the inventory was degraded: nothing was attempted. */
  withheld: boolean;
  withheldReason?: string;
  records: RevocationRecord[];
}

/** The description a revocation writes: the marker (rule id first, so it survives truncation) and why. */
export function revocationDescription(c: RevocationCandidate): string {
  const message =
    c.reason === "expired"
      ? `Revoked by linkgate: time-bound approval expired ${c.expiresAt ?? ""}`.trim()
      : `Revoked by linkgate rule ${c.ruleId}`;
  return connectionDescription({ action: "reject", ruleId: c.ruleId, message, reasons: [] });
}

export async function revokePlanned(
  plan: RevocationPlan,
  deps: RevocationDeps,
  ctx: RevocationContext,
  options: OperationOptions = {},
): Promise<RevocationResult> {
  const result: RevocationResult = { planned: plan.candidates.length, withheld: false, records: [] };
  if (plan.candidates.length === 0) return result;
  if (plan.guardTripped || ctx.degraded) {
    result.withheld = true;
    result.withheldReason = plan.guardTripped
      ? `${plan.candidates.length} revocation(s) exceed revocation.maxPerSweep ${plan.settings.maxPerSweep}: none revoked (revocation-guard-tripped)`
      : `the inventory is incomplete (collection errors), so the guard cannot count: none of ${plan.candidates.length} revocation(s) attempted`;
    // The revocation-guard-tripped finding is the alert; this line is the sweep log's account of it.
    deps.logger.info(`revocation: ${result.withheldReason}`, { planned: plan.candidates.length });
    return result;
  }
  for (const c of plan.candidates) {
    const record = await revokeOne(c, plan.settings.mode, deps, ctx, options);
    result.records.push(record);
    track(deps, record, ctx);
  }
  return result;
}

async function revokeOne(
  c: RevocationCandidate,
  mode: RevocationSettings["mode"],
  deps: RevocationDeps,
  ctx: RevocationContext,
  options: OperationOptions,
): Promise<RevocationRecord> {
  const targetId = splitConnectionId(c.connection.id)?.parentId ?? c.connection.targetId;
  const base = {
    connectionId: c.connection.id,
    targetId,
    reason: c.reason,
    ruleId: c.ruleId,
    expiresAt: c.expiresAt,
    previousState: c.connection.status ?? c.connection.rawStatus ?? "unknown",
    mode,
  };
  // Audit mode never writes, so it takes no lock (as reconcile's audit mode).
  if (mode !== "enforce") return { ...base, outcome: "audited", detail: c.why };
  let handle: TargetLockHandle;
  try {
    handle = await (deps.lock ?? PROCESS_LOCK).acquire(targetLockKey(targetId), {
      abortSignal: options.abortSignal,
      waitTimeoutInMs: ctx.lockWaitInMs ?? DEFAULT_LOCK_WAIT_MS,
    });
  } catch (e) {
    return { ...base, outcome: "failed", detail: `the target's lock: ${errorMessage(e)}` };
  }
  try {
    // Re-read under the lock: act only on the state the plan judged (same status, same description).
    const now = await deps.reader.getConnection(c.connection.id, options);
    if (!now) return { ...base, outcome: "skipped", detail: "the connection is gone" };
    if (!unchanged(now, c.connection)) {
      return {
        ...base,
        outcome: "skipped",
        detail: `changed since the sweep read it (now ${now.status ?? "unknown"}); the next sweep judges it again`,
      };
    }
    if (handle.lost.aborted) throw new LockLostError(handle.key, "lease not renewed");
    const updated = await deps.writer.setConnectionState(now, "Rejected", revocationDescription(c), {
      ...options,
      etag: now.etag,
    });
    if (updated.status !== "Rejected") {
      return {
        ...base,
        outcome: "skipped",
        detail: `${updated.status ?? "unknown"} after our write: someone else's write landed; not retried`,
      };
    }
    return { ...base, outcome: "revoked", detail: c.why };
  } catch (e) {
    if (e instanceof ArmError && e.statusCode === 412) {
      return {
        ...base,
        outcome: "skipped",
        detail: "If-Match failed: changed concurrently; not overwritten",
      };
    }
    deps.logger.error(
      `revocation: revoking ${c.connection.id} failed${isTransient(e) ? " (transient; the next sweep retries)" : ""}`,
      { connectionId: c.connection.id, error: errorMessage(e) },
    );
    return { ...base, outcome: "failed", detail: errorMessage(e) };
  } finally {
    // What was done is done: a release that fails (the lease then expires on its own) must not lose the
    // record of this revocation, nor the ones after it.
    await handle.release().catch((e: unknown) =>
      deps.logger.warn(`revocation: releasing the lock of ${targetId} failed (it expires on its own)`, {
        targetId,
        error: errorMessage(e),
      }),
    );
  }
}

function unchanged(now: PrivateEndpointConnection, seen: PrivateEndpointConnection): boolean {
  return now.status === seen.status && (now.description ?? "") === (seen.description ?? "");
}

function track(deps: RevocationDeps, r: RevocationRecord, ctx: RevocationContext): void {
  deps.telemetry.trackEvent("LinkGate.Revocation", {
    connectionId: r.connectionId,
    targetId: r.targetId,
    ruleId: r.ruleId,
    reason: r.reason,
    expiresAt: r.expiresAt,
    policyHash: ctx.policyHash,
    previousState: r.previousState,
    mode: r.mode,
    outcome: r.outcome,
    written: r.outcome === "revoked" ? "true" : "false",
    detail: r.detail?.slice(0, 1024),
    cause: ctx.cause,
  });
  const level = r.outcome === "failed" ? "error" : "info";
  deps.logger[level](
    `revocation: ${r.outcome} ${r.connectionId} (${r.reason}, rule ${r.ruleId}, ${r.mode})`,
    {
      connectionId: r.connectionId,
      ruleId: r.ruleId,
      outcome: r.outcome,
      policySource: ctx.policySource,
    },
  );
}
