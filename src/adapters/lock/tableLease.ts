/**
 * A per-target lease in Azure Table Storage, so exactly one linkgate instance decides a target at a time
 * (the stock "ETag-guarded table entity" pattern, shaped like Kubernetes' Lease):
 *
 * - one entity per target: PartitionKey `target`, RowKey = SHA-256 of the normalized target ID (Table keys
 *   forbid `/ \ # ?`), properties owner, expiresAtMs, targetId and the unconfirmed writes (JSON);
 * - claim = insert if absent, or replace with If-Match of an entity whose lease has expired (or was
 *   released); a 409/412 means someone else won the race, and we poll until the wait bound;
 * - renew = replace with If-Match of our own etag every ttl/3 while held; a renewal that fails with
 *   412/404 (taken over after we stalled past the TTL) marks the handle `lost`, and reconcile writes nothing
 *   more under it;
 * - release = delete with If-Match (or, when unconfirmed writes must outlive us, replace with an expired
 *   lease that keeps them), never unconditionally, so a holder that lost its lease cannot free another's.
 *
 * Expiry is compared with each instance's clock: the TTL (60 s) dwarfs the clock skew of NTP-synced hosts.
 */
import { createHash, randomUUID } from "node:crypto";
import * as os from "node:os";
import type { TableClient } from "@azure/data-tables";
import { errorMessage } from "../../core/errors";
import { DEFAULT_LOCK_WAIT_MS, LockTimeoutError } from "../../core/lock";
import type { AcquireLockOptions, Logger, TargetLock, TargetLockHandle, UnconfirmedWrite } from "../../ports";
import { sleep } from "../sleep";
import { parseUnconfirmed } from "./unconfirmed";
import { statusOf } from "../restStatus";

export const LOCK_PARTITION = "target";
export const DEFAULT_LEASE_TTL_MS = 60_000;
/** A Table string property holds 32 K UTF-16 characters; the unconfirmed list stays well under it. */
const MAX_NOTES_LENGTH = 30_000;

export interface TableLeaseOptions {
  /** Lease duration; renewed every ttl/3 while held. Default 60 s. */
  ttlInMs?: number;
  /** First poll interval while another instance holds the lease; doubles up to 500 ms, with jitter. */
  pollInMs?: number;
  /** Identifies this process in the entity (diagnostics). Default host/pid/random. */
  owner?: string;
  now?: () => number;
  logger?: Logger;
}

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  owner: string;
  expiresAtMs: number;
  targetId: string;
  unconfirmed: string;
}

/** The Table RowKey of a lock key: hex SHA-256 (fixed length, only characters keys allow). */
export function leaseRowKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function serializeNotes(writes: readonly UnconfirmedWrite[]): string {
  let list = [...writes];
  let text = JSON.stringify(list);
  while (text.length > MAX_NOTES_LENGTH && list.length > 0) {
    list = list.slice(1);
    text = JSON.stringify(list);
  }
  return list.length === 0 ? "" : text;
}

export class TableLeaseLock implements TargetLock {
  readonly description: string;
  private ensured: Promise<void> | undefined;
  private readonly ttl: number;
  private readonly poll: number;
  private readonly owner: string;
  private claims = 0;
  private readonly now: () => number;

  constructor(
    private readonly client: TableClient,
    private readonly options: TableLeaseOptions = {},
  ) {
    // The URL only: a connection string's key or SAS never reaches a log.
    this.description = `table ${client.tableName} at ${new URL(client.url).origin}`;
    this.ttl = options.ttlInMs ?? DEFAULT_LEASE_TTL_MS;
    this.poll = options.pollInMs ?? 50;
    this.owner = options.owner ?? `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? Date.now;
  }

  private ensureTable(signal?: AbortSignal): Promise<void> {
    // Once per process. Where the deployment created the table and granted data access on it only, creating
    // answers 403: that is fine, the first claim says clearly if the table is missing.
    this.ensured ??= this.client
      .createTable({ abortSignal: signal })
      .then(() => undefined)
      .catch((e: unknown) => {
        if (statusOf(e) === 403 || statusOf(e) === 409) return;
        this.ensured = undefined;
        throw e;
      });
    return this.ensured;
  }

  async acquire(key: string, options: AcquireLockOptions = {}): Promise<TargetLockHandle> {
    const wait = options.waitTimeoutInMs ?? DEFAULT_LOCK_WAIT_MS;
    const deadline = this.now() + wait;
    const signal = options.abortSignal;
    await this.ensureTable(signal);
    const rowKey = leaseRowKey(key);
    // Per acquisition, so a claim of ours whose response was lost (the SDK retried the insert and got 409)
    // is recognised as ours rather than waited out as someone else's.
    const token = `${this.owner}#${++this.claims}`;
    let delay = this.poll;
    for (;;) {
      const claimed = await this.tryClaim(key, rowKey, token, signal);
      if (claimed) return this.handle(key, rowKey, token, claimed.etag, claimed.notes);
      const left = deadline - this.now();
      if (left <= 0) throw new LockTimeoutError(key, wait, this.description);
      // Jitter, so instances polling the same entity do not move in lockstep.
      await sleep(Math.min(left, delay / 2 + Math.random() * delay), signal);
      delay = Math.min(delay * 2, 500);
    }
  }

  private entity(
    key: string,
    rowKey: string,
    owner: string,
    expiresAtMs: number,
    notes: string,
  ): LeaseEntity {
    return {
      partitionKey: LOCK_PARTITION,
      rowKey,
      owner,
      expiresAtMs,
      targetId: key.slice(0, 1024),
      unconfirmed: notes,
    };
  }

  /** One attempt: the new etag and the notes left by earlier holders, or undefined while someone holds it. */
  private async tryClaim(
    key: string,
    rowKey: string,
    token: string,
    signal?: AbortSignal,
  ): Promise<{ etag: string; notes: UnconfirmedWrite[] } | undefined> {
    // Insert if absent first: the common case (nobody holds the target) costs one request.
    try {
      const res = await this.client.createEntity(this.entity(key, rowKey, token, this.now() + this.ttl, ""), {
        abortSignal: signal,
      });
      return { etag: res.etag ?? "", notes: [] };
    } catch (e) {
      if (statusOf(e) !== 409) throw this.wrap(e, key, "claim");
    }
    let existing: { etag: string; owner: unknown; expiresAtMs: number; unconfirmed: unknown };
    try {
      const e = await this.client.getEntity<Record<string, unknown>>(LOCK_PARTITION, rowKey, {
        abortSignal: signal,
      });
      existing = {
        etag: e.etag,
        owner: e["owner"],
        expiresAtMs: Number(e["expiresAtMs"]),
        unconfirmed: e["unconfirmed"],
      };
    } catch (e) {
      // 404: released between our insert and our read; the next attempt inserts.
      if (statusOf(e) === 404) return undefined;
      throw this.wrap(e, key, "read");
    }
    if (existing.owner === token) return { etag: existing.etag, notes: [] };
    // A lease whose expiry is not a number is treated as expired: a broken row must not block forever.
    if (Number.isFinite(existing.expiresAtMs) && existing.expiresAtMs > this.now()) return undefined;
    const notes = parseUnconfirmed(existing.unconfirmed);
    try {
      const res = await this.client.updateEntity(
        this.entity(key, rowKey, token, this.now() + this.ttl, serializeNotes(notes)),
        "Replace",
        { etag: existing.etag, abortSignal: signal },
      );
      return { etag: res.etag ?? "", notes };
    } catch (e) {
      // 412: taken over (or renewed) by someone else first; 404: deleted by its holder meanwhile.
      if (statusOf(e) === 412 || statusOf(e) === 404) return undefined;
      throw this.wrap(e, key, "claim");
    }
  }

  private wrap(e: unknown, key: string, what: string): Error {
    const status = statusOf(e);
    const hint =
      status === 403
        ? ": grant the app's identity Storage Table Data Contributor on this table"
        : status === 404
          ? ": the table does not exist; create it (infra) or set LINKGATE_LOCK_TABLE"
          : "";
    const err = new Error(
      `${this.description}: ${what} of the lease for ${key} failed (${status ?? "no response"})${hint}: ${errorMessage(e)}`,
    );
    err.name = "TargetLockError";
    return err;
  }

  private handle(
    key: string,
    rowKey: string,
    token: string,
    firstEtag: string,
    notes: UnconfirmedWrite[],
  ): TargetLockHandle {
    let etag = firstEtag;
    let current = notes;
    let released = false;
    const lost = new AbortController();
    let expiresAt = this.now() + this.ttl;
    // Renewals, note updates and the release run one after another: each needs the etag the last one got.
    let chain: Promise<void> = Promise.resolve();
    const serial = (step: () => Promise<void>): Promise<void> => {
      const next = chain.then(step);
      chain = next.catch(() => undefined);
      return next;
    };
    const replace = async (expiresAtMs: number): Promise<void> => {
      try {
        const res = await this.client.updateEntity(
          this.entity(key, rowKey, token, expiresAtMs, serializeNotes(current)),
          "Replace",
          { etag },
        );
        etag = res.etag ?? etag;
      } catch (e) {
        // A 412 after the SDK retried our own update whose response was lost: the entity still carries our
        // token, so the lease is ours and its etag is the one to use. Anyone else's write replaces the token.
        if (statusOf(e) !== 412) throw e;
        const now = await this.client.getEntity<Record<string, unknown>>(LOCK_PARTITION, rowKey);
        if (now["owner"] !== token || Number(now["expiresAtMs"]) !== expiresAtMs) throw e;
        etag = now.etag;
      }
    };
    const renew = (): Promise<void> =>
      serial(async () => {
        if (released || lost.signal.aborted) return;
        const next = this.now() + this.ttl;
        try {
          await replace(next);
          expiresAt = next;
        } catch (e) {
          const s = statusOf(e);
          if (s === 412 || s === 404 || this.now() >= expiresAt) {
            lost.abort(new Error(`lease renewal failed (${s ?? "no response"})`));
            this.options.logger?.error("target lock: lease lost; stopping work on the target", {
              key,
              table: this.description,
              error: errorMessage(e),
            });
          }
        }
      });
    const timer = setInterval(() => void renew(), Math.max(1_000, Math.floor(this.ttl / 3)));
    timer.unref();
    return {
      key,
      lost: lost.signal,
      unconfirmed: notes,
      recordUnconfirmed: (writes) =>
        serial(async () => {
          if (lost.signal.aborted) throw new Error(`${key}: lease lost; unconfirmed writes not kept`);
          current = [...writes];
          await replace(expiresAt);
        }),
      release: () =>
        serial(async () => {
          if (released) return;
          released = true;
          clearInterval(timer);
          if (lost.signal.aborted) return;
          try {
            if (current.length === 0) {
              await this.client.deleteEntity(LOCK_PARTITION, rowKey, { etag });
            } else {
              // Keep the notes for the next holder; an expired lease is free to claim.
              await replace(0);
            }
          } catch (e) {
            // Not ours any more (412/404), or storage is down: the lease then expires on its own.
            this.options.logger?.warn("target lock: release failed; the lease expires on its own", {
              key,
              error: errorMessage(e),
            });
          }
        }),
    };
  }
}
