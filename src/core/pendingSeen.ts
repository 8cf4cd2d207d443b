/**
 * First-seen-Pending bookkeeping: which connections linkgate has watched wait in Pending, and since when.
 *
 * Pure: given what was recorded before, the connections this sweep collected and what the sweep could not
 * read, it says what to add and what to forget. The record stays small: a connection is forgotten as soon as
 * a sweep that could read its target sees it no longer Pending or no longer there, and at most MAX_TRACKED
 * connections are tracked (consumers, possibly strangers, create Pending requests at will).
 */
import type { PrivateEndpointConnection } from "./model";
import { normalizeResourceId } from "./resourceId";
import type { PendingSeenEntry } from "../ports/pendingSeen";

/** Upper bound on tracked connections per sweep scope. */
export const MAX_TRACKED = 10_000;

/** The check whose findings a failed read must cover for a connection's first-seen time to be kept. */
export const PENDING_CHECK_ID = "connection-pending-too-long";

export interface PendingSeenUpdate {
  /** Normalized connection ID -> first seen Pending, for the checks. */
  firstSeen: Map<string, Date>;
  add: PendingSeenEntry[];
  forget: string[];
  /** Pending connections not tracked because MAX_TRACKED was reached. */
  dropped: number;
}

/**
 * @param blind true for a connection whose target this sweep could not read (its scope failed): its entry is
 *   kept even though the connection is not in the inventory.
 */
export function updatePendingSeen(
  previous: readonly PendingSeenEntry[],
  connections: readonly PrivateEndpointConnection[],
  now: Date,
  blind: (connectionId: string) => boolean,
  maxTracked = MAX_TRACKED,
): PendingSeenUpdate {
  const before = new Map<string, PendingSeenEntry>();
  for (const e of previous) {
    const at = new Date(e.firstSeen);
    // A row someone edited into nonsense is forgotten rather than trusted.
    if (e.connectionId && !Number.isNaN(at.getTime())) before.set(normalizeResourceId(e.connectionId), e);
  }
  const pendingNow = new Map<string, PrivateEndpointConnection>();
  for (const c of connections) if (c.status === "Pending") pendingNow.set(normalizeResourceId(c.id), c);

  const firstSeen = new Map<string, Date>();
  const forget: string[] = [];
  for (const [key, e] of before) {
    if (pendingNow.has(key) || blind(e.connectionId)) firstSeen.set(key, new Date(e.firstSeen));
    else forget.push(e.connectionId);
  }
  // Invalid rows are forgotten too (by their ID as stored).
  for (const e of previous) {
    if (e.connectionId && Number.isNaN(new Date(e.firstSeen).getTime())) forget.push(e.connectionId);
  }
  const add: PendingSeenEntry[] = [];
  let dropped = 0;
  for (const [key, c] of pendingNow) {
    if (firstSeen.has(key)) continue;
    if (firstSeen.size >= maxTracked) {
      dropped++;
      continue;
    }
    firstSeen.set(key, now);
    add.push({ connectionId: c.id, firstSeen: now.toISOString() });
  }
  return { firstSeen, add, forget, dropped };
}
