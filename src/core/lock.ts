/**
 * The per-target lock concept: what key a target locks under, the errors a lock raises, and an in-process
 * keyed mutex. The mutex is the whole lock inside one process (tests, tools) and the local queue in front of
 * a cross-instance lock (`queuedLocally`), so concurrent invocations in one worker wait here first instead
 * of polling the Table service against each other.
 */
import { normalizeResourceId } from "./resourceId";
import type { AcquireLockOptions, TargetLock, TargetLockHandle, UnconfirmedWrite } from "../ports";

/** The key a target is locked under: its normalized ID, so casing or a trailing slash never splits a lock. */
export function targetLockKey(targetId: string): string {
  return normalizeResourceId(targetId);
}

/** The lock stayed held by someone else past the wait bound. Transient: Event Grid redelivers, the sweep retries. */
export class LockTimeoutError extends Error {
  constructor(
    readonly key: string,
    readonly waitedInMs: number,
    where: string,
  ) {
    super(
      `${key}: another linkgate instance held the target's lock (${where}) for longer than ${waitedInMs} ms; ` +
        `giving up for now (transient: Event Grid redelivers the event, the next sweep retries)`,
    );
    this.name = "LockTimeoutError";
  }
}

/** The lease could not be kept (renewal failed or it expired): stop acting, the retry starts from a fresh read. */
export class LockLostError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: the target's lock was lost (${reason}); stopped before writing, the retry re-reads`);
    this.name = "LockLostError";
  }
}

interface Waiter {
  grant: () => void;
  fail: (e: unknown) => void;
}

/** Default bound on waiting for a lock: under Event Grid's 30 s delivery timeout, with room to act after. */
export const DEFAULT_LOCK_WAIT_MS = 20_000;

/**
 * A FIFO mutex per key, in memory. `acquire` resolves with a release function, or rejects with
 * LockTimeoutError after `waitTimeoutInMs`, or with the abort reason when the signal fires.
 */
export class KeyedMutex {
  private readonly held = new Map<string, Waiter[]>();

  /** Keys currently held (for tests and diagnostics). */
  get size(): number {
    return this.held.size;
  }

  acquire(key: string, options: AcquireLockOptions = {}, where = "in-process"): Promise<() => void> {
    const wait = options.waitTimeoutInMs ?? DEFAULT_LOCK_WAIT_MS;
    const signal = options.abortSignal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const queue = this.held.get(key);
      const next = queue?.shift();
      if (next) next.grant();
      else this.held.delete(key);
    };
    const queue = this.held.get(key);
    if (!queue) {
      this.held.set(key, []);
      return Promise.resolve(release);
    }
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = (): void => {
        finish();
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new LockTimeoutError(key, wait, where));
      }, wait);
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const q = this.held.get(key);
        const i = q ? q.indexOf(waiter) : -1;
        if (q && i >= 0) q.splice(i, 1);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new Error("aborted");
}

const NEVER_LOST = new AbortController().signal;

/**
 * The lock of one process: enough for tests and for anything that runs in a single process, never across
 * instances. Unconfirmed writes are kept in memory with the key.
 */
export class InProcessTargetLock implements TargetLock {
  readonly description = "in-process lock";
  private readonly mutex = new KeyedMutex();
  private readonly notes = new Map<string, UnconfirmedWrite[]>();

  async acquire(key: string, options: AcquireLockOptions = {}): Promise<TargetLockHandle> {
    const release = await this.mutex.acquire(key, options);
    const notes = this.notes;
    return {
      key,
      lost: NEVER_LOST,
      unconfirmed: [...(notes.get(key) ?? [])],
      async recordUnconfirmed(writes) {
        if (writes.length === 0) notes.delete(key);
        else notes.set(key, [...writes]);
      },
      async release() {
        release();
      },
    };
  }
}

/**
 * Puts an in-process queue in front of a cross-instance lock: concurrent invocations in one worker take
 * turns locally and only the head of each key's queue contends for the shared lock. The wait bound covers
 * both stages.
 */
export function queuedLocally(inner: TargetLock, now: () => number = Date.now): TargetLock {
  const mutex = new KeyedMutex();
  return {
    description: inner.description,
    async acquire(key, options = {}) {
      const wait = options.waitTimeoutInMs ?? DEFAULT_LOCK_WAIT_MS;
      const started = now();
      const releaseLocal = await mutex.acquire(key, { ...options, waitTimeoutInMs: wait }, inner.description);
      let handle: TargetLockHandle;
      try {
        const left = Math.max(0, wait - (now() - started));
        handle = await inner.acquire(key, { ...options, waitTimeoutInMs: left });
      } catch (e) {
        releaseLocal();
        throw e;
      }
      return {
        key: handle.key,
        lost: handle.lost,
        unconfirmed: handle.unconfirmed,
        recordUnconfirmed: (writes) => handle.recordUnconfirmed(writes),
        async release() {
          try {
            await handle.release();
          } finally {
            releaseLocal();
          }
        },
      };
    },
  };
}

/**
 * The lock reconcile and revocation take when their deps carry none: ONE per process, shared by both, so
 * an approval and a revocation of the same target in one process are serialized with each other.
 */
export const PROCESS_LOCK: TargetLock = new InProcessTargetLock();
