/**
 * Ports of the sharded sweep (core/shard): the queue the coordinator fans shards out on, and the record of
 * sweeps and their shards (Table Storage, or a fake). Kept in their own file, apart from ./index.ts.
 */
import type { OperationOptions } from "./index";

export interface ShardQueue {
  /** Where the queue is (URL without credentials), for logs. */
  readonly description: string;
  /** Enqueues one message (the encoded ShardMessage). */
  send(text: string, options?: OperationOptions): Promise<void>;
}

export interface SweepRecord {
  sweepId: string;
  /** ISO 8601. */
  startedAt: string;
  shards: { shardId: string; subscriptions: string[] }[];
}

export interface ShardRunRecord {
  sweepId: string;
  shardId: string;
  /** ISO 8601. */
  completedAt: string;
  degraded: boolean;
  openFindings: number;
  opened: number;
  resolved: number;
  decisions: number;
}

export interface SweepRunStore {
  readonly description: string;
  recordSweep(record: SweepRecord, options?: OperationOptions): Promise<void>;
  /** The most recent sweep the coordinator recorded; undefined when none. */
  latestSweep(options?: OperationOptions): Promise<SweepRecord | undefined>;
  recordShard(record: ShardRunRecord, options?: OperationOptions): Promise<void>;
  /** The completion of one shard of one sweep; undefined when it has not completed. */
  shardRun(sweepId: string, shardId: string, options?: OperationOptions): Promise<ShardRunRecord | undefined>;
  listShardRuns(sweepId: string, options?: OperationOptions): Promise<ShardRunRecord[]>;
}
