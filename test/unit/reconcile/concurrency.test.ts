/**
 * Reconcile under concurrency, with fakes: the per-target lock, the recount before each approving write,
 * restarts after a 412, writes for providers without etags, and the audit record of a write whose
 * response was lost.
 */
import { isTransient } from "../../../src/core/errors";
import { InProcessTargetLock, LockLostError, LockTimeoutError, targetLockKey } from "../../../src/core/lock";
import type { Decision, PrivateEndpointConnection } from "../../../src/core/model";
import { MAX_RESTARTS, reconcileTarget, StaleConnectionError } from "../../../src/core/reconcile";
import type { AcquireLockOptions, TargetLock, TargetLockHandle } from "../../../src/ports";
import { approveAll, FakeArm, FakeTelemetry, makeDeps, PLS_ID, policyOf, RELAY_ID } from "./fakes";

/** Approves while the target stays at or under `cap` approved connections (like maxApprovedPerTarget). */
const capAt =
  (cap: number) =>
  (facts: { approvedCount?: number }): Decision =>
    (facts.approvedCount ?? Infinity) + 1 <= cap
      ? { action: "approve", ruleId: "cap", message: "ok", reasons: ["under the cap"] }
      : { action: "pending", ruleId: "default", message: "full", reasons: ["cap reached"] };

const rejectAll = (): Decision => ({ action: "reject", ruleId: "deny", message: "no", reasons: ["deny"] });

/** A lock that records what was asked of it and delegates to an in-process lock. */
class RecordingLock implements TargetLock {
  readonly description = "recording lock";
  readonly acquired: string[] = [];
  released = 0;
  readonly inner = new InProcessTargetLock();
  async acquire(key: string, options?: AcquireLockOptions): Promise<TargetLockHandle> {
    const h = await this.inner.acquire(key, options);
    this.acquired.push(key);
    return {
      ...h,
      unconfirmed: h.unconfirmed,
      recordUnconfirmed: (w) => h.recordUnconfirmed(w),
      release: async () => {
        this.released += 1;
        await h.release();
      },
    };
  }
}

function relay(approved: number, pending: number): FakeArm {
  const arm = new FakeArm();
  arm.addTarget(RELAY_ID);
  for (let i = 0; i < approved; i++) arm.addConnection(RELAY_ID, `a${i}`, "Approved");
  for (let i = 0; i < pending; i++) arm.addConnection(RELAY_ID, `p${i}`, "Pending");
  return arm;
}

const pendingId = (i: number) => `${RELAY_ID}/privateEndpointConnections/p${i}`;

describe("a concurrent writer between our read and our write never pushes a target past its cap", () => {
  // Each row: approved and pending at the start, after which of our list reads the other writer approves
  // which Pending connections (1 = our first read; 2 = our recount before the first write...), and how many
  // approved connections the target ends with (the cap is 64).
  it.each([
    ["approves the last Pending one after our first read", 62, 3, 1, [2], 64],
    ["approves two Pending ones after our first read", 62, 3, 1, [1, 2], 64],
    ["approves one after our recount for the 1st write", 61, 4, 2, [3], 64],
    ["approves nothing", 62, 3, 1, [], 64],
    ["approves one, under a low count: room for all", 10, 3, 1, [2], 13],
  ] as const)("other writer %s", async (_name, approved, pending, afterList, others, expected) => {
    const arm = relay(approved, pending);
    arm.afterList = (n) => {
      if (n === afterList) for (const i of others) arm.externalChange(pendingId(i), "Approved");
    };
    const deps = makeDeps(arm, policyOf(capAt(64)));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(arm.approvedOn(RELAY_ID)).toBe(expected);
    // Never a record for a connection someone else approved.
    for (const i of others) expect(r.decisions.map((d) => d.connectionId)).not.toContain(pendingId(i));
  });

  it("recounts from a fresh list right before each approving write (one list per approval, plus the pass)", async () => {
    const arm = relay(0, 3);
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))));
    expect(arm.puts).toHaveLength(3);
    expect(arm.lists).toBe(1 + 3);
  });

  it("two reconciles of one target run one after the other, never interleaved, and stop at the cap", async () => {
    const arm = relay(60, 8);
    const lock = new InProcessTargetLock();
    const a = makeDeps(arm, policyOf(capAt(64)), { lock });
    const b = makeDeps(arm, policyOf(capAt(64)), { lock });
    const [ra, rb] = await Promise.all([reconcileTarget(RELAY_ID, a), reconcileTarget(RELAY_ID, b)]);
    expect(arm.approvedOn(RELAY_ID)).toBe(64);
    expect([...ra.decisions, ...rb.decisions].filter((d) => d.written)).toHaveLength(4);
  });
});

describe("after a 412 the pass restarts from a fresh list", () => {
  it.each([
    // name, what happens to our connection before our write, expected status, written records, restarts
    ["someone approved it", "Approved", "Approved", 0, 1],
    ["someone rejected it", "Rejected", "Rejected", 0, 1],
    ["it was touched but is still Pending", "Pending", "Approved", 1, 1],
  ] as const)("%s", async (_name, change, finalStatus, written, restarts) => {
    const arm = relay(0, 1);
    let once = false;
    arm.beforeWrite = (c) => {
      if (once) return;
      once = true;
      arm.externalChange(c.id, change);
    };
    const deps = makeDeps(arm, policyOf(approveAll));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(arm.connections.get(pendingId(0).toLowerCase())?.status).toBe(finalStatus);
    expect(r.decisions.filter((d) => d.written)).toHaveLength(written);
    expect(r.restarts).toBe(restarts);
    // Left as someone else decided it: counted once as untouched, never as ours.
    expect(r.untouched).toBe(1 - written);
    expect(deps.telemetry.named("LinkGate.Decision")).toHaveLength(written);
  });

  it("a 412 after another connection was approved meanwhile is recounted, not overrun", async () => {
    const arm = relay(63, 2);
    let once = false;
    arm.beforeWrite = (c) => {
      if (once) return;
      once = true;
      arm.externalChange(pendingId(1), "Approved");
      arm.externalChange(c.id, "Pending");
    };
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))));
    expect(arm.approvedOn(RELAY_ID)).toBe(64);
    expect(r.decisions.map((d) => d.action)).toEqual(["pending"]);
  });

  it(`gives up after ${MAX_RESTARTS} restarts with a transient error, having written nothing`, async () => {
    const arm = relay(0, 1);
    arm.beforeWrite = (c) => arm.externalChange(c.id, "Pending");
    const deps = makeDeps(arm, policyOf(approveAll));
    const err = await reconcileTarget(RELAY_ID, deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleConnectionError);
    expect(isTransient(err)).toBe(true);
    expect(arm.puts).toHaveLength(0);
    expect(arm.lists).toBe(2 * (MAX_RESTARTS + 1));
  });
});

describe("the target lock", () => {
  it("is taken in enforce mode for the normalized target ID and released", async () => {
    const arm = relay(0, 1);
    const lock = new RecordingLock();
    await reconcileTarget(RELAY_ID.toUpperCase() + "/", makeDeps(arm, policyOf(approveAll), { lock }));
    expect(lock.acquired).toEqual([targetLockKey(RELAY_ID)]);
    expect(lock.released).toBe(1);
  });

  it.each([
    ["audit mode", "audit", false],
    ["dry run", "enforce", true],
  ] as const)("is not taken in %s", async (_name, mode, dryRun) => {
    const arm = relay(0, 1);
    const lock = new RecordingLock();
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll, mode), { lock }), {
      dryRun,
    });
    expect(lock.acquired).toEqual([]);
    expect(r.decisions).toHaveLength(1);
  });

  it("a lock held past the wait bound is a transient LockTimeoutError, before anything is read", async () => {
    const arm = relay(0, 1);
    const lock = new InProcessTargetLock();
    const held = await lock.acquire(targetLockKey(RELAY_ID));
    const err = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll), { lock }), {
      lockWaitInMs: 20,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(isTransient(err)).toBe(true);
    expect(arm.reads).toBe(0);
    expect(arm.puts).toHaveLength(0);
    await held.release();
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll), { lock }));
    expect(arm.puts).toHaveLength(1);
  });

  it.each([
    ["a transient write failure", 503],
    ["a terminal write failure", 403],
    ["a read failure", "read"],
  ] as const)("is released after %s", async (_name, failure) => {
    const arm = relay(0, 1);
    if (failure === "read") arm.failWith = 503;
    else arm.failNextWriteWith = failure;
    const lock = new RecordingLock();
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll), { lock })).catch(() => undefined);
    expect(lock.released).toBe(1);
    const again = await lock.inner.acquire(targetLockKey(RELAY_ID), { waitTimeoutInMs: 10 });
    await again.release();
  });

  it("a lost lease stops before the write", async () => {
    const arm = relay(0, 1);
    const lost = new AbortController();
    lost.abort();
    const lock: TargetLock = {
      description: "lost",
      acquire: async (key) => ({
        key,
        lost: lost.signal,
        unconfirmed: [],
        recordUnconfirmed: async () => {},
        release: async () => {},
      }),
    };
    const err = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll), { lock })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LockLostError);
    expect(isTransient(err)).toBe(true);
    expect(arm.puts).toHaveLength(0);
  });
});

describe("providers without etags (Relay): re-read right before the PUT, never write over a change", () => {
  it.each([
    ["nobody interferes: written after one GET", undefined, "Approved", 1],
    ["a human approves between our list and our GET", "Approved", "Approved", 0],
    ["a human rejects between our list and our GET", "Rejected", "Rejected", 0],
  ] as const)("%s", async (_name, human, finalStatus, puts) => {
    const arm = relay(0, 1);
    arm.noEtags = true;
    arm.beforeGet = (id) => {
      if (human) arm.externalChange(id, human);
    };
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(rejectAll)));
    expect(arm.puts).toHaveLength(puts);
    expect(arm.puts.every((p) => p.etag === undefined)).toBe(true);
    expect(arm.gets).toBeGreaterThanOrEqual(1);
    expect(arm.connections.get(pendingId(0).toLowerCase())?.status).toBe(human ? finalStatus : "Rejected");
    expect(r.decisions.filter((d) => d.written)).toHaveLength(puts);
  });

  it.each([
    // [name, declaresEtags, action, GETs before the PUT]
    ["schema without etags: an approval writes right after the recount's list, no GET", false, "approve", 0],
    ["schema with etags (or unknown): an approval still GETs for an etag", true, "approve", 1],
    ["schema without etags: a reject still re-reads its connection with a GET", false, "reject", 1],
  ] as const)("%s", async (_name, declaresEtags, action, gets) => {
    const arm = relay(0, 1);
    arm.noEtags = true;
    arm.declaresEtags = declaresEtags;
    const r = await reconcileTarget(
      RELAY_ID,
      makeDeps(arm, policyOf(action === "approve" ? approveAll : rejectAll)),
    );
    expect(arm.gets).toBe(gets);
    expect(arm.puts).toHaveLength(1);
    expect(arm.puts[0]?.etag).toBeUndefined();
    expect(r.decisions.filter((d) => d.written)).toHaveLength(1);
  });

  it("schema without etags: a human who rejected before our recount's list is seen, never written over", async () => {
    const arm = relay(0, 1);
    arm.noEtags = true;
    arm.declaresEtags = false;
    // The pass list is list 1; the human acts before the recount (list 2) reads.
    const listed = arm.listConnections.bind(arm);
    arm.listConnections = async function* (id: string) {
      if (arm.lists === 1) arm.externalChange(pendingId(0), "Rejected");
      yield* listed(id);
    };
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)));
    expect(arm.puts).toHaveLength(0);
    expect(arm.connections.get(pendingId(0).toLowerCase())?.status).toBe("Rejected");
  });

  it("with an etag on the GET but not on the list, the PUT carries the GET's etag", async () => {
    const arm = relay(0, 1);
    const listed = arm.listConnections.bind(arm);
    arm.listConnections = async function* (id: string) {
      for await (const c of listed(id)) yield { ...c, etag: undefined };
    };
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)));
    expect(arm.puts).toHaveLength(1);
    expect(arm.puts[0]?.etag).toMatch(/^W\/"\d+"$/);
    expect(arm.gets).toBe(1);
  });
});

describe("a write whose response was lost is audited once, as confirmed", () => {
  it.each([
    ["412 on the SDK's retry", 412],
    ["no response at all", "network"],
  ] as const)("%s", async (_name, as) => {
    const arm = relay(0, 1);
    arm.loseNextResponses = { times: 1, as };
    const deps = makeDeps(arm, policyOf(approveAll));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(arm.approvedOn(RELAY_ID)).toBe(1);
    expect(r.decisions).toHaveLength(1);
    expect(r.decisions[0]).toMatchObject({ action: "approve", outcome: "confirmed", written: false });
    const events = deps.telemetry.named("LinkGate.Decision");
    expect(events.map((e) => [e.properties["outcome"], e.properties["written"]])).toEqual([
      ["confirmed", "false"],
    ]);
    // A redelivery finds it Approved and emits nothing more.
    await reconcileTarget(RELAY_ID, deps);
    expect(deps.telemetry.named("LinkGate.Decision")).toHaveLength(1);
  });

  it("a connection another writer approved with a description of its own is not claimed as ours", async () => {
    const arm = relay(0, 1);
    arm.beforeWrite = (c) => arm.externalChange(c.id, "Approved", "approved by a human");
    const deps = makeDeps(arm, policyOf(approveAll));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(r.decisions).toHaveLength(0);
    expect(deps.telemetry.named("LinkGate.Decision")).toHaveLength(0);
  });

  it("when even the check GET fails, the write is kept with the lock and the next holder confirms it once", async () => {
    const arm = relay(0, 1);
    arm.loseNextResponses = { times: 1, as: "network" };
    arm.failGetWith = 503;
    const lock = new InProcessTargetLock();
    const telemetry = new FakeTelemetry();
    const deps = makeDeps(arm, policyOf(approveAll), { lock, telemetry });
    await expect(reconcileTarget(RELAY_ID, deps, { cause: "event e1" })).rejects.toMatchObject({
      statusCode: undefined,
    });
    expect(telemetry.named("LinkGate.Decision")).toHaveLength(0);
    expect(arm.approvedOn(RELAY_ID)).toBe(1);

    arm.failGetWith = undefined;
    // The redelivery: the connection is no longer Pending, but linkgate owes its audit record.
    const r = await reconcileTarget(RELAY_ID, deps, { cause: "event e1 (redelivered)" });
    expect(r.decisions.map((d) => [d.action, d.outcome, d.written])).toEqual([
      ["approve", "confirmed", false],
    ]);
    expect(telemetry.named("LinkGate.Decision")[0]?.properties).toMatchObject({
      outcome: "confirmed",
      written: "false",
      ruleId: "allow-all",
      cause: "event e1",
    });
    await reconcileTarget(RELAY_ID, deps);
    expect(telemetry.named("LinkGate.Decision")).toHaveLength(1);
  });

  it("an unconfirmed write someone else overrode is dropped, not claimed", async () => {
    const arm = relay(0, 1);
    arm.loseNextResponses = { times: 1, as: "network" };
    arm.failGetWith = 503;
    const lock = new InProcessTargetLock();
    const deps = makeDeps(arm, policyOf(approveAll), { lock });
    await reconcileTarget(RELAY_ID, deps).catch(() => undefined);
    arm.failGetWith = undefined;
    arm.externalChange(pendingId(0), "Rejected", "rejected by a human");
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(r.decisions).toHaveLength(0);
    const h = await lock.acquire(targetLockKey(RELAY_ID));
    expect(h.unconfirmed).toEqual([]);
    await h.release();
  });
});

describe("requests queued behind a reconcile that began after them are answered by it (one process)", () => {
  it("three concurrent requests for one target: one reads and decides, two are coalesced", async () => {
    const arm = relay(62, 4);
    const deps = makeDeps(arm, policyOf(capAt(64)));
    const results = await Promise.all([1, 2, 3].map(() => reconcileTarget(RELAY_ID, deps)));
    expect(results.map((r) => r.coalesced ?? false)).toEqual([false, true, true]);
    expect(results.map((r) => r.found)).toEqual([true, true, true]);
    expect(arm.approvedOn(RELAY_ID)).toBe(64);
    // One observing list plus one recount per approval: the coalesced requests read nothing.
    expect(arm.lists).toBe(1 + 2);
  });

  it("a request made after the running reconcile began reading is not coalesced: it reads again", async () => {
    const arm = relay(0, 1);
    const deps = makeDeps(arm, policyOf(approveAll));
    let late: Promise<unknown> | undefined;
    arm.afterList = (n) => {
      if (n === 1) late = reconcileTarget(RELAY_ID, deps);
    };
    const first = await reconcileTarget(RELAY_ID, deps);
    const second = (await late) as { coalesced?: boolean; untouched: number };
    expect(first.coalesced).toBeUndefined();
    expect(second.coalesced).toBeUndefined();
    expect(second.untouched).toBe(1);
  });

  it.each([
    ["another policy", "policy"],
    ["another ARM reader", "reader"],
  ] as const)("a reconcile with %s never answers for a request", async (_name, differs) => {
    const arm = relay(0, 2);
    const lock = new InProcessTargetLock();
    const a = makeDeps(arm, policyOf(approveAll), { lock });
    const b =
      differs === "policy"
        ? { ...a, policy: policyOf(approveAll) }
        : { ...a, reader: Object.create(arm) as FakeArm };
    const [, rb] = await Promise.all([reconcileTarget(RELAY_ID, a), reconcileTarget(RELAY_ID, b)]);
    expect(rb.coalesced).toBeUndefined();
  });

  it("a reconcile that failed never answers for another request", async () => {
    const arm = relay(0, 1);
    arm.failNextWriteWith = 503;
    const deps = makeDeps(arm, policyOf(approveAll));
    const [first, second] = await Promise.allSettled([
      reconcileTarget(RELAY_ID, deps),
      reconcileTarget(RELAY_ID, deps),
    ]);
    expect(first.status).toBe("rejected");
    expect(second.status === "fulfilled" && second.value.coalesced).toBeFalsy();
    expect(arm.approvedOn(RELAY_ID)).toBe(1);
  });
});

describe("an approval no count can change is written with If-Match on the observation, without a recount list", () => {
  /** A PLS with one Pending connection (etag from the fake) and `approved` Approved ones. */
  function pls(approved = 0): FakeArm {
    const arm = new FakeArm();
    arm.addTarget(PLS_ID);
    for (let i = 0; i < approved; i++) arm.addConnection(PLS_ID, `a${i}`, "Approved");
    arm.addConnection(PLS_ID, "p0", "Pending");
    return arm;
  }
  const plsPending = `${PLS_ID}/privateEndpointConnections/p0`;
  const independent = { ...policyOf(approveAll), dependsOnOtherConnections: false };

  it.each([
    // [name, arm, policy dependsOnOtherConnections, lists read (pass + recount), writes]
    ["PLS, policy without counts: the pass list only", () => pls(), false, 1],
    ["PLS, policy that counts (limit or managedBy): recounted", () => pls(), true, 2],
    ["PLS, policy that does not say: recounted", () => pls(), undefined, 2],
    ["Relay, policy without counts: recounted for Relay's 64", () => relay(0, 1), false, 2],
    [
      "PLS without etags, policy without counts: recounted (the list is the re-read)",
      () => {
        const arm = pls();
        arm.noEtags = true;
        return arm;
      },
      false,
      2,
    ],
  ] as const)("%s", async (_name, make, depends, lists) => {
    const arm = make();
    const policy = { ...policyOf(approveAll), dependsOnOtherConnections: depends };
    const target = arm.targets.values().next().value as { id: string };
    const r = await reconcileTarget(target.id, makeDeps(arm, policy));
    expect(arm.lists).toBe(lists);
    expect(arm.puts).toHaveLength(1);
    expect(r.decisions.filter((d) => d.written)).toHaveLength(1);
  });

  it("the PUT carries the observation's etag", async () => {
    const arm = pls();
    const etag = arm.connections.get(plsPending.toLowerCase())?.etag;
    await reconcileTarget(PLS_ID, makeDeps(arm, independent));
    expect(arm.puts[0]?.etag).toBe(etag);
  });

  it.each([
    ["a human rejects it", "Rejected", 0, "Rejected"],
    ["a human approves it", "Approved", 0, "Approved"],
    ["a human edits its message (still Pending)", "Pending", 1, "Approved"],
  ] as const)(
    "%s after our list: the If-Match fails, a fresh list decides again, nothing is overwritten",
    async (_name, human, puts, final) => {
      const arm = pls();
      arm.afterList = (n) => {
        if (n === 1) arm.externalChange(plsPending, human, human === "Pending" ? "edited" : undefined);
      };
      const r = await reconcileTarget(PLS_ID, makeDeps(arm, independent));
      expect(r.restarts).toBe(1);
      expect(arm.lists).toBe(2);
      expect(arm.puts).toHaveLength(puts);
      expect(arm.connections.get(plsPending.toLowerCase())?.status).toBe(final);
    },
  );
});

describe("a no-recount approval rests only on a state read in this run under the lock", () => {
  const plsPending = `${PLS_ID}/privateEndpointConnections/p0`;
  const independent = { ...policyOf(approveAll), dependsOnOtherConnections: false };
  function pls(pending = 1): FakeArm {
    const arm = new FakeArm();
    arm.addTarget(PLS_ID);
    for (let i = 0; i < pending; i++) arm.addConnection(PLS_ID, `p${i}`, "Pending");
    return arm;
  }
  /** The reader also answers getTargetWithConnections, as the ARM adapter does for a PLS (embedded array). */
  function embedding(arm: FakeArm): FakeArm {
    Object.assign(arm, {
      getTargetWithConnections: async (id: string) => {
        const target = await arm.getTarget(id);
        const connections: PrivateEndpointConnection[] = [];
        for await (const c of arm.listConnections(id)) connections.push(c);
        arm.lists -= 1; // counted as the target GET it stands for, not as a list
        return target && { target, connections };
      },
    });
    return arm;
  }
  /** A sweep's snapshot: the target and connections as they were before the run. */
  async function snapshotOf(arm: FakeArm) {
    const target = (await arm.getTarget(PLS_ID)) as NonNullable<Awaited<ReturnType<FakeArm["getTarget"]>>>;
    const connections: PrivateEndpointConnection[] = [];
    for await (const c of arm.listConnections(PLS_ID)) connections.push(c);
    arm.lists = 0;
    return { target, connections };
  }

  it.each([
    // [name, reader embeds connections, lists expected]
    ["the live target GET embeds the connection: its state and etag are fresh, no recount", true, 0],
    ["the live target GET embeds nothing: recounted", false, 1],
  ] as const)("snapshot run: %s", async (_name, embeds, lists) => {
    const arm = pls();
    if (embeds) embedding(arm);
    const known = await snapshotOf(arm);
    const r = await reconcileTarget(PLS_ID, makeDeps(arm, independent), { known });
    expect(r.decisions.filter((d) => d.written)).toHaveLength(1);
    expect(arm.lists).toBe(lists);
  });

  it("snapshot run: a human's reject after the snapshot is seen by the live GET, never written over", async () => {
    const arm = embedding(pls());
    const known = await snapshotOf(arm);
    arm.externalChange(plsPending, "Rejected");
    // Without If-Match being honoured the live state alone must stop the write.
    const etagless = { ...known, connections: known.connections.map((c) => ({ ...c, etag: undefined })) };
    await reconcileTarget(PLS_ID, makeDeps(arm, independent), { known: etagless });
    expect(arm.puts).toHaveLength(0);
    expect(arm.connections.get(plsPending.toLowerCase())?.status).toBe("Rejected");
  });

  it("event path: the first approval of a pass skips the recount, one after a write recounts", async () => {
    const arm = pls(2);
    await reconcileTarget(PLS_ID, makeDeps(arm, independent));
    expect(arm.puts).toHaveLength(2);
    // The pass list, then no recount for p0, then a recount for p1 (p0's write came in between).
    expect(arm.lists).toBe(2);
  });
});
