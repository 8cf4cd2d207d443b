/**
 * One shard of a sharded sweep, as the queue-triggered function runs it:
 * 1 validate the message (message.ts): a malformed one is rejected and sweeps nothing;
 * 2 take the shard's lease, so a redelivered message (or the next sweep's message for the same shard) never
 *   sweeps the shard twice at once;
 * 3 a shard already completed for this sweepId (a redelivery after success) is acknowledged, not re-swept;
 * 4 run the ordinary sweep (core/sweep.ts) on the shard's subscriptions, with the cross-shard collector
 *   (crossShard.ts) and the finding state of the shard's own partition (the caller keys the store by
 *   `shardScope`), so it opens and resolves only its own findings, and a degraded shard carries its own
 *   findings forward exactly as a degraded single sweep does (core/degraded.ts);
 * 5 record the completion; 6 release.
 * A shard that throws is retried by the queue and poisoned after maxDequeueCount (host.json); its partition
 * is untouched meanwhile, and the coordinator's next tick names it as unfinished.
 */
import { errorMessage } from "../errors";
import { runSweep, type SweepDeps, type SweepOptions, type SweepResult } from "../sweep";
import type { ArmReader, SweepScope, TargetLock } from "../../ports";
import type { SweepRunStore } from "../../ports/shard";
import { shardCollector } from "./crossShard";
import { parseShardMessage, type ShardMessage } from "./message";

/** How long a delivery waits for another holder of the shard's lease before giving up (the queue retries). */
export const SHARD_LEASE_WAIT_MS = 5_000;

export class ShardBusyError extends Error {
  constructor(shardId: string, detail: string) {
    super(
      `shard ${shardId} is being swept by another delivery (${detail}); the queue delivers this one again later`,
    );
    this.name = "ShardBusyError";
  }
}

/** The scope (and so the finding-state partition) of a shard: its own subscriptions. */
export function shardScope(message: Pick<ShardMessage, "subscriptions">): SweepScope {
  return { subscriptions: [...message.subscriptions] };
}

export function shardLeaseKey(shardId: string): string {
  return `sweep-shard:${shardId}`;
}

export interface ShardSweepDeps {
  /** The sweep's ports, with `store`/`pendingSeen` keyed by `shardScope(message)` (see ShardSweepDeps.forShard). */
  forShard(message: ShardMessage): SweepDeps;
  reader: Pick<ArmReader, "getResource">;
  lease: TargetLock;
  runs: SweepRunStore;
}

export type ShardOutcome =
  | { status: "rejected"; error: string }
  | { status: "duplicate"; message: ShardMessage }
  | { status: "swept"; message: ShardMessage; result: SweepResult };

export async function sweepShard(
  raw: unknown,
  deps: ShardSweepDeps,
  options: Omit<SweepOptions, "scope"> & {
    estateSubscriptions: readonly string[];
    leaseWaitInMs?: number;
    /** Runs once the message is valid, its lease held and its shard not yet done: right before the sweep. */
    beforeSweep?: () => void;
  },
): Promise<ShardOutcome> {
  // 1. Judge the message before anything else.
  const parsed = parseShardMessage(raw, options.estateSubscriptions);
  if (!parsed.ok) return { status: "rejected", error: parsed.error };
  const message = parsed.message;
  const sweepDeps = deps.forShard(message);
  const { logger } = sweepDeps;

  // 2. One delivery per shard at a time.
  let handle;
  try {
    handle = await deps.lease.acquire(shardLeaseKey(message.shardId), {
      waitTimeoutInMs: options.leaseWaitInMs ?? SHARD_LEASE_WAIT_MS,
      abortSignal: options.abortSignal,
    });
  } catch (e) {
    throw new ShardBusyError(message.shardId, errorMessage(e));
  }
  try {
    // 3. Done already for this sweep: a redelivery after success.
    const done = await deps.runs.shardRun(message.sweepId, message.shardId, {
      abortSignal: options.abortSignal,
    });
    if (done) {
      logger.info(
        `sweep shard ${message.shardId} of sweep ${message.sweepId} already completed at ${done.completedAt}; not sweeping it again`,
        {
          sweepId: message.sweepId,
          shardId: message.shardId,
        },
      );
      return { status: "duplicate", message };
    }
    // 4. Sweep, stopping if the lease is lost (another delivery may then own the shard).
    const abortSignal = options.abortSignal
      ? AbortSignal.any([options.abortSignal, handle.lost])
      : handle.lost;
    options.beforeSweep?.();
    const result = await runSweep(
      {
        ...sweepDeps,
        collector: shardCollector(sweepDeps.collector, deps.reader, options.estateSubscriptions),
      },
      { ...options, scope: shardScope(message), abortSignal },
    );
    if (handle.lost.aborted)
      throw new Error(`shard ${message.shardId}: lease lost while sweeping; the queue retries`);
    // 5. Record completion (a failure here only means a redelivery sweeps it once more). Not when the
    //    finding state could not be read or saved: the function throws, and the queue's retry must sweep
    //    the shard again rather than find it complete.
    const s = result.summary;
    if (s.stateError) return { status: "swept", message, result };
    try {
      await deps.runs.recordShard(
        {
          sweepId: message.sweepId,
          shardId: message.shardId,
          completedAt: sweepDeps.clock.now().toISOString(),
          degraded: s.degraded,
          openFindings: s.findings.total,
          opened: s.opened,
          resolved: s.resolved,
          decisions: s.decisions,
        },
        { abortSignal: options.abortSignal },
      );
    } catch (e) {
      logger.warn(
        `sweep shard ${message.shardId}: recording completion in ${deps.runs.description} failed: ${errorMessage(e)}`,
      );
    }
    return { status: "swept", message, result };
  } finally {
    // 6.
    await handle
      .release()
      .catch((e: unknown) =>
        logger.warn(`sweep shard ${message.shardId}: releasing its lease failed: ${errorMessage(e)}`),
      );
  }
}
