/** The in-process lock pieces of core/lock: key normalization, the keyed FIFO mutex, the local queue. */
import {
  InProcessTargetLock,
  KeyedMutex,
  LockTimeoutError,
  queuedLocally,
  targetLockKey,
} from "../../../src/core/lock";
import type { AcquireLockOptions, TargetLock, TargetLockHandle } from "../../../src/ports";
import { RELAY_ID } from "./fakes";

describe("targetLockKey", () => {
  it.each([
    [RELAY_ID, RELAY_ID.toLowerCase()],
    [RELAY_ID.toUpperCase(), RELAY_ID.toLowerCase()],
    [`${RELAY_ID}/`, RELAY_ID.toLowerCase()],
    [`  ${RELAY_ID}  `, RELAY_ID.toLowerCase()],
  ])("%s locks as the normalized ID", (id, key) => {
    expect(targetLockKey(id)).toBe(key);
  });
});

describe("KeyedMutex", () => {
  it("grants waiters in arrival order, one at a time, per key; other keys do not wait", async () => {
    const m = new KeyedMutex();
    const order: string[] = [];
    const first = await m.acquire("a");
    const waiting = ["w1", "w2", "w3"].map((name) =>
      m.acquire("a").then((release) => {
        order.push(name);
        release();
      }),
    );
    const other = await m.acquire("b", { waitTimeoutInMs: 10 });
    other();
    expect(order).toEqual([]);
    first();
    await Promise.all(waiting);
    expect(order).toEqual(["w1", "w2", "w3"]);
    expect(m.size).toBe(0);
  });

  it.each([
    ["times out", { waitTimeoutInMs: 15 }, LockTimeoutError],
    ["is aborted", "abort", Error],
  ] as const)(
    "a waiter that %s leaves the queue; the next one still gets the lock",
    async (_n, how, type) => {
      const m = new KeyedMutex();
      const held = await m.acquire("a");
      const ac = new AbortController();
      const options: AcquireLockOptions = how === "abort" ? { abortSignal: ac.signal } : how;
      const gaveUp = m.acquire("a", options);
      const next = m.acquire("a");
      if (how === "abort") ac.abort(new Error("caller gave up"));
      await expect(gaveUp).rejects.toBeInstanceOf(type);
      held();
      const release = await next;
      release();
      expect(m.size).toBe(0);
    },
  );

  it("a release called twice frees the lock once", async () => {
    const m = new KeyedMutex();
    const r1 = await m.acquire("a");
    const p2 = m.acquire("a");
    const p3 = m.acquire("a", { waitTimeoutInMs: 30 });
    r1();
    r1();
    const r2 = await p2;
    await expect(p3).rejects.toBeInstanceOf(LockTimeoutError);
    r2();
  });
});

describe("queuedLocally", () => {
  /** A shared lock that counts how many callers contend for it at once. */
  function counting(): TargetLock & { maxConcurrent: number; calls: number } {
    const inner = new InProcessTargetLock();
    const self = {
      description: "counting",
      maxConcurrent: 0,
      calls: 0,
      inFlight: 0,
      async acquire(key: string, options?: AcquireLockOptions): Promise<TargetLockHandle> {
        self.calls += 1;
        self.inFlight += 1;
        self.maxConcurrent = Math.max(self.maxConcurrent, self.inFlight);
        try {
          return await inner.acquire(key, options);
        } finally {
          self.inFlight -= 1;
        }
      },
    };
    return self;
  }

  it("only the head of a key's local queue contends for the shared lock", async () => {
    const shared = counting();
    const lock = queuedLocally(shared);
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const h = await lock.acquire("k");
        await new Promise((r) => setTimeout(r, 2));
        await h.release();
      }),
    );
    expect(shared.calls).toBe(5);
    expect(shared.maxConcurrent).toBe(1);
  });

  it("the wait bound covers both stages, and a failed shared acquire frees the local queue", async () => {
    const failing: TargetLock = {
      description: "failing",
      acquire: async () => {
        throw new Error("storage down");
      },
    };
    const lock = queuedLocally(failing);
    await expect(lock.acquire("k")).rejects.toThrow("storage down");
    await expect(lock.acquire("k", { waitTimeoutInMs: 10 })).rejects.toThrow("storage down");
  });
});
