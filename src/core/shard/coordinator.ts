/**
 * The coordinator (the timer, when sharding is on): 1 report the shards of the previous sweep that never
 * completed, 2 cut the scope into shards, 3 record the sweep, 4 enqueue one message per shard. It only
 * enqueues and aggregates; the shards sweep (sweepShard.ts). Enqueueing is idempotent per shard at the
 * receiving end: a shard already completed for this sweepId is not swept again.
 */
import { errorMessage } from "../errors";
import { bounded } from "../degraded";
import type { Clock, Logger, OperationOptions } from "../../ports";
import type { ShardQueue, SweepRunStore } from "../../ports/shard";
import { encodeShardMessage } from "./message";
import { planShards, type Shard } from "./plan";

export interface CoordinatorDeps {
  queue: ShardQueue;
  runs: SweepRunStore;
  clock: Clock;
  logger: Logger;
}

export interface CoordinatorResult {
  sweepId: string;
  shards: Shard[];
  /** Shards of the previous sweep with no completion record (failed, poisoned, or still running). */
  unfinishedBefore: string[];
  /** Shards whose message could not be enqueued (the next tick enqueues them again). */
  notEnqueued: string[];
}

/** A sortable, unique-enough id: the tick's instant and a random suffix from the caller. */
export function sweepIdAt(now: Date, suffix: string): string {
  return `${now.toISOString().replace(/[-:.]/g, "")}-${suffix.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}`;
}

export async function startShardedSweep(
  deps: CoordinatorDeps,
  input: { subscriptions: readonly string[]; shardSize: number; sweepId: string },
  options: OperationOptions = {},
): Promise<CoordinatorResult> {
  const { logger } = deps;
  // 1. What the previous sweep left undone: visible as failed scopes, never silently forgotten.
  const unfinishedBefore: string[] = [];
  try {
    const previous = await deps.runs.latestSweep(options);
    if (previous) {
      const done = new Set((await deps.runs.listShardRuns(previous.sweepId, options)).map((r) => r.shardId));
      for (const s of previous.shards) if (!done.has(s.shardId)) unfinishedBefore.push(s.shardId);
      if (unfinishedBefore.length > 0) {
        const subs = previous.shards
          .filter((s) => unfinishedBefore.includes(s.shardId))
          .flatMap((s) => s.subscriptions);
        logger.error(
          `sweep coordinator: ${unfinishedBefore.length} of ${previous.shards.length} shard(s) of sweep ${previous.sweepId} never completed ` +
            `(failed, poisoned or still running): their findings were neither refreshed nor resolved; ` +
            `look for the shard's error in the logs or on the poison queue`,
          { sweepId: previous.sweepId, shards: bounded(unfinishedBefore), subscriptions: bounded(subs) },
        );
      }
    }
  } catch (e) {
    logger.warn(
      `sweep coordinator: could not read the previous sweep from ${deps.runs.description}: ${errorMessage(e)}`,
    );
  }
  // 2-3. Plan and record (a record that cannot be written is fatal: shards could not be accounted for).
  const shards = planShards(input.subscriptions, input.shardSize);
  const startedAt = deps.clock.now().toISOString();
  await deps.runs.recordSweep({ sweepId: input.sweepId, startedAt, shards }, options);
  // 4. Enqueue; a failed send is reported and the rest still go out.
  const notEnqueued: string[] = [];
  for (const s of shards) {
    try {
      await deps.queue.send(
        encodeShardMessage({
          sweepId: input.sweepId,
          shardId: s.shardId,
          subscriptions: s.subscriptions,
          attempt: 0,
        }),
        options,
      );
    } catch (e) {
      notEnqueued.push(s.shardId);
      logger.error(
        `sweep coordinator: enqueueing ${s.shardId} on ${deps.queue.description} failed: ${errorMessage(e)}`,
        {
          sweepId: input.sweepId,
          shardId: s.shardId,
        },
      );
    }
  }
  logger.info(
    `sweep coordinator: sweep ${input.sweepId} fanned out as ${shards.length - notEnqueued.length} of ${shards.length} shard(s) ` +
      `over ${shards.reduce((n, s) => n + s.subscriptions.length, 0)} subscription(s)`,
    { sweepId: input.sweepId, shards: shards.length, notEnqueued: notEnqueued.length },
  );
  return { sweepId: input.sweepId, shards, unfinishedBefore, notEnqueued };
}
