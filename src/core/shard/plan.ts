/**
 * Splitting a sweep scope into shards: subscription batches that Function instances sweep independently
 * (docs/performance.md "Beyond one instance"). A shard is the unit of work, of state and of failure: its
 * findings live in their own partition (keyed by its subscriptions, see state.ts), so one shard can never
 * resolve another's.
 *
 * Deterministic: the same subscriptions (any order, any case, duplicates) and the same size give the same
 * shards with the same ids, so a shard's state partition is stable from one sweep to the next while the
 * scope does not change. Adding or removing a subscription re-cuts the shards after it (their findings are
 * then reported against the new partitions, as a changed LINKGATE_SUBSCRIPTIONS does for a single sweep).
 */
import { fnv1a64 } from "../findings";

/** Subscriptions per shard by default: about 5,000 connections in the bench estate, well inside 256 MB. */
export const DEFAULT_SHARD_SIZE = 25;
/** Upper bound of a shard's subscriptions: keeps a message far under the 64 KiB queue limit. */
export const MAX_SHARD_SIZE = 200;
/** Upper bound of shards per sweep (and so of messages the timer enqueues per tick). */
export const MAX_SHARDS = 1_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Shard {
  /** `shard-` and 16 hex digits: a hash of the shard's (normalized, sorted) subscriptions. */
  shardId: string;
  /** Lower-case subscription IDs, sorted. */
  subscriptions: string[];
}

export class ShardPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShardPlanError";
  }
}

export function isSubscriptionId(value: string): boolean {
  return GUID.test(value);
}

/** Lower-case, de-duplicated, sorted. */
export function normalizeSubscriptions(subscriptions: readonly string[]): string[] {
  return [...new Set(subscriptions.map((s) => s.trim().toLowerCase()).filter(Boolean))].sort();
}

/** The id of a shard of these subscriptions (order and case do not matter). */
export function shardIdOf(subscriptions: readonly string[]): string {
  return `shard-${fnv1a64(normalizeSubscriptions(subscriptions).join(","))}`;
}

/**
 * Cuts the scope into shards of at most `shardSize` subscriptions, as even as that allows (500 by 25: 20
 * shards of 25; 26 by 25: 2 of 13), in sorted order.
 */
export function planShards(
  subscriptions: readonly string[],
  shardSize: number = DEFAULT_SHARD_SIZE,
): Shard[] {
  if (!Number.isInteger(shardSize) || shardSize < 1 || shardSize > MAX_SHARD_SIZE) {
    throw new ShardPlanError(`shard size ${shardSize} is not an integer from 1 to ${MAX_SHARD_SIZE}`);
  }
  const subs = normalizeSubscriptions(subscriptions);
  const bad = subs.find((s) => !isSubscriptionId(s));
  if (bad !== undefined) throw new ShardPlanError(`"${bad}" is not a subscription ID (GUID)`);
  if (subs.length === 0) return [];
  const count = Math.ceil(subs.length / shardSize);
  if (count > MAX_SHARDS) {
    throw new ShardPlanError(
      `${subs.length} subscriptions in shards of ${shardSize} make ${count} shards, more than ${MAX_SHARDS}: raise the shard size`,
    );
  }
  const shards: Shard[] = [];
  for (let i = 0; i < count; i++) {
    // Even cut: shard i takes [floor(i*n/count), floor((i+1)*n/count)).
    const part = subs.slice(
      Math.floor((i * subs.length) / count),
      Math.floor(((i + 1) * subs.length) / count),
    );
    shards.push({ shardId: shardIdOf(part), subscriptions: part });
  }
  return shards;
}
