/**
 * When linkgate first saw each private endpoint connection Pending, kept between sweeps (Table Storage, or a
 * fake). Private Link Service connections carry no systemData and the consumer's endpoint is usually in a
 * subscription or tenant linkgate cannot read, so this is the only age linkgate can give them.
 *
 * Kept in its own file so the capability stays separate from the shared ports in ./index.ts.
 */
import type { OperationOptions } from "./index";

export interface PendingSeenEntry {
  /** The connection's ARM ID as first seen (compared case-insensitively). */
  connectionId: string;
  /** ISO 8601: the sweep that first saw it Pending. */
  firstSeen: string;
}

export interface PendingSeenStore {
  /** Where the record lives (table URL without credentials, partition), for logs. */
  readonly description: string;
  list(options?: OperationOptions): Promise<PendingSeenEntry[]>;
  /** Records `add` (a connection newly seen Pending) and forgets `forget` (connection IDs). */
  save(
    change: { add: readonly PendingSeenEntry[]; forget: readonly string[] },
    options?: OperationOptions,
  ): Promise<void>;
}
