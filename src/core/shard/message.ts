/**
 * The message the timer (coordinator) enqueues for one shard, and its validation on receipt.
 *
 * `{sweepId, shardId, subscriptions, attempt}`. Whoever can write to the queue can hand a worker a message,
 * so a received one is judged before anything is swept: sizes are bounded, every subscription must be a
 * GUID inside the configured scope (a message can never widen what linkgate reads or writes), and the
 * shardId must be the hash of its subscriptions (a message cannot pass one shard's partition off as
 * another's). A malformed message is rejected with one clear log line and sweeps nothing.
 */
import { MAX_SHARD_SIZE, isSubscriptionId, normalizeSubscriptions, shardIdOf } from "./plan";

export interface ShardMessage {
  /** Which sweep (timer tick) this shard belongs to. */
  sweepId: string;
  shardId: string;
  /** Lower-case, sorted, de-duplicated. */
  subscriptions: string[];
  /** 0 for the coordinator's first enqueue; raised when the coordinator re-enqueues a shard that never finished. */
  attempt: number;
}

/** A queue message is at most 64 KiB; anything larger is not ours. */
export const MAX_MESSAGE_CHARS = 64 * 1024;
export const MAX_ATTEMPT = 100;
const SWEEP_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
const SHARD_ID = /^shard-[0-9a-f]{16}$/;
const KEYS = new Set(["sweepId", "shardId", "subscriptions", "attempt"]);

export type ParsedShardMessage = { ok: true; message: ShardMessage } | { ok: false; error: string };

function fail(error: string): ParsedShardMessage {
  return { ok: false, error };
}

/**
 * Parses a received message: a JSON string, or the object the Functions host already decoded. `allowed`
 * is the configured scope (LINKGATE_SUBSCRIPTIONS): every subscription of the shard must be in it.
 */
export function parseShardMessage(raw: unknown, allowed: readonly string[]): ParsedShardMessage {
  let value: unknown = raw;
  if (typeof raw === "string") {
    if (raw.length > MAX_MESSAGE_CHARS)
      return fail(`message is ${raw.length} characters, over ${MAX_MESSAGE_CHARS}`);
    try {
      value = JSON.parse(raw);
    } catch {
      return fail("message is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("message is not a JSON object {sweepId, shardId, subscriptions, attempt}");
  }
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !KEYS.has(k));
  if (extra.length > 0)
    return fail(
      `unknown field(s) ${extra
        .slice(0, 5)
        .map((k) => JSON.stringify(k.slice(0, 40)))
        .join(", ")}`,
    );
  const { sweepId, shardId, subscriptions, attempt } = o;
  if (typeof sweepId !== "string" || !SWEEP_ID.test(sweepId)) {
    return fail("sweepId must be 1-80 characters of letters, digits and . _ : -");
  }
  if (typeof shardId !== "string" || !SHARD_ID.test(shardId)) {
    return fail(`shardId must be "shard-" and 16 hex digits`);
  }
  if (!Array.isArray(subscriptions) || subscriptions.length === 0 || subscriptions.length > MAX_SHARD_SIZE) {
    return fail(`subscriptions must be a list of 1 to ${MAX_SHARD_SIZE} subscription IDs`);
  }
  if (!subscriptions.every((s): s is string => typeof s === "string" && isSubscriptionId(s.toLowerCase()))) {
    return fail("subscriptions must hold subscription IDs (GUIDs) only");
  }
  if (typeof attempt !== "number" || !Number.isInteger(attempt) || attempt < 0 || attempt > MAX_ATTEMPT) {
    return fail(`attempt must be an integer from 0 to ${MAX_ATTEMPT}`);
  }
  const subs = normalizeSubscriptions(subscriptions);
  if (subs.length !== subscriptions.length) return fail("subscriptions holds duplicates");
  const scope = new Set(normalizeSubscriptions(allowed));
  if (scope.size === 0)
    return fail("no configured scope (LINKGATE_SUBSCRIPTIONS) to check the shard against");
  const outside = subs.filter((s) => !scope.has(s));
  if (outside.length > 0) {
    return fail(
      `${outside.length} subscription(s) outside LINKGATE_SUBSCRIPTIONS (e.g. ${outside[0]}): a shard never widens the scope`,
    );
  }
  if (shardIdOf(subs) !== shardId) return fail(`shardId ${shardId} is not the id of its subscriptions`);
  return { ok: true, message: { sweepId, shardId, subscriptions: subs, attempt } };
}

export function encodeShardMessage(m: ShardMessage): string {
  return JSON.stringify({
    sweepId: m.sweepId,
    shardId: m.shardId,
    subscriptions: m.subscriptions,
    attempt: m.attempt,
  });
}
