/** core/shard: planning, message validation, cross-shard references, the coordinator and one shard's sweep. */
import { check as targetMismatch } from "../../../src/core/checks/pe-target-mismatch";
import { emptyInventory, type Inventory } from "../../../src/core/inventory";
import {
  MAX_SHARD_SIZE,
  crossShardReferences,
  encodeShardMessage,
  parseShardMessage,
  planShards,
  shardCollector,
  shardIdOf,
  startShardedSweep,
  sweepShard,
  type ShardMessage,
} from "../../../src/core/shard";
import { silentLogger, type Logger, type TargetLock, type TargetLockHandle } from "../../../src/ports";
import type { ShardRunRecord, SweepRecord, SweepRunStore } from "../../../src/ports/shard";
import { FakeTenants } from "../reconcile/fakes";
import { FixedCollector, MemoryStore, RecordingTelemetry } from "../sweep/fakes";

const sub = (i: number) => `${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`;
const SUBS = Array.from({ length: 53 }, (_, i) => sub(i));
const SETTINGS = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
const T0 = new Date("2026-12-01T10:00:00Z");

describe("planShards", () => {
  test.each([
    [53, 25, [17, 18, 18]],
    [50, 25, [25, 25]],
    [26, 25, [13, 13]],
    [1, 25, [1]],
    [0, 25, []],
    [53, 1, Array.from({ length: 53 }, () => 1)],
  ])("%i subscriptions by %i: sizes %j", (n, size, sizes) => {
    const shards = planShards(SUBS.slice(0, n), size);
    expect(shards.map((s) => s.subscriptions.length)).toEqual(sizes);
    expect(shards.flatMap((s) => s.subscriptions)).toEqual(SUBS.slice(0, n));
    for (const s of shards) expect(s.subscriptions.length).toBeLessThanOrEqual(size);
  });

  test("deterministic: order, case and duplicates do not change shards or ids", () => {
    const a = planShards(SUBS, 10);
    const b = planShards(
      [...SUBS]
        .reverse()
        .map((s) => s.toUpperCase())
        .concat(SUBS.slice(0, 3)),
      10,
    );
    expect(b).toEqual(a);
    expect(new Set(a.map((s) => s.shardId)).size).toBe(a.length);
    expect(a[0]?.shardId).toBe(shardIdOf(a[0]?.subscriptions ?? []));
  });

  test.each([[0], [MAX_SHARD_SIZE + 1], [2.5]])("refuses shard size %p", (size) => {
    expect(() => planShards(SUBS, size)).toThrow(/shard size/);
  });

  test("refuses a non-GUID subscription", () => {
    expect(() => planShards(["not-a-guid"], 5)).toThrow(/not a subscription ID/);
  });
});

describe("parseShardMessage", () => {
  const subs = SUBS.slice(0, 3);
  const good: ShardMessage = {
    sweepId: "20261201T100000Z-ab12",
    shardId: shardIdOf(subs),
    subscriptions: subs,
    attempt: 0,
  };
  const text = encodeShardMessage(good);

  test("accepts the coordinator's message, as text or as the object the host decoded", () => {
    expect(parseShardMessage(text, SUBS)).toEqual({ ok: true, message: good });
    expect(parseShardMessage(JSON.parse(text), SUBS)).toEqual({ ok: true, message: good });
  });

  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{", /not JSON/],
    ["an array", "[]", /not a JSON object/],
    ["too large", "x".repeat(70_000), /over 65536/],
    ["an unknown field", { ...good, extra: 1 }, /unknown field/],
    ["a bad sweepId", { ...good, sweepId: "../x" }, /sweepId/],
    ["a bad shardId", { ...good, shardId: "shard-1" }, /shardId must be/],
    ["no subscriptions", { ...good, subscriptions: [] }, /1 to 200/],
    [
      "too many subscriptions",
      { ...good, subscriptions: Array.from({ length: 201 }, (_, i) => sub(i)) },
      /1 to 200/,
    ],
    ["a non-GUID subscription", { ...good, subscriptions: ["x"] }, /\(GUIDs\) only/],
    ["a duplicate subscription", { ...good, subscriptions: [subs[0], subs[0]] }, /duplicates/],
    ["a negative attempt", { ...good, attempt: -1 }, /attempt/],
    ["a fractional attempt", { ...good, attempt: 1.5 }, /attempt/],
    [
      "a subscription outside the scope",
      { ...good, subscriptions: [sub(99)], shardId: shardIdOf([sub(99)]) },
      /outside LINKGATE_SUBSCRIPTIONS/,
    ],
    [
      "another shard's id",
      { ...good, shardId: shardIdOf(SUBS.slice(3, 6)) },
      /not the id of its subscriptions/,
    ],
  ];
  test.each(cases)("rejects %s", (_name, raw, error) => {
    const r = parseShardMessage(typeof raw === "string" ? raw : JSON.stringify(raw), SUBS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  test("rejects everything without a configured scope", () => {
    expect(parseShardMessage(text, [])).toEqual({
      ok: false,
      error: expect.stringMatching(/no configured scope/),
    });
  });
});

const A = sub(1);
const B = sub(2);
const C = sub(3);
const plsId = (s: string, n: string) =>
  `/subscriptions/${s}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/${n}`;
const pe = (s: string, n: string, ref: string) => ({
  id: `/subscriptions/${s}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/${n}`,
  name: n,
  type: "Microsoft.Network/privateEndpoints",
  properties: { privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: ref } }] },
});
const plsDoc = (id: string) => ({
  id,
  name: id.split("/").pop(),
  type: "Microsoft.Network/privateLinkServices",
  properties: {},
});

function shardInventory(): Inventory {
  return {
    ...emptyInventory(T0.toISOString(), 60),
    subscriptions: [{ subscriptionId: A }],
    privateEndpoints: [
      pe(A, "pe-exists-in-b", plsId(B, "pls-b")),
      pe(A, "pe-missing-in-b", plsId(B, "gone")),
      pe(A, "pe-outside-estate", plsId(C, "pls-c")),
      pe(A, "pe-same-shard", plsId(A, "pls-a")),
      pe(A, "pe-alias", "x.11111111-1111-1111-1111-111111111111.westeurope.azure.privatelinkservice"),
    ],
    privateLinkServices: [plsDoc(plsId(A, "pls-a"))],
  };
}

describe("cross-shard references", () => {
  test("names only PLS IDs in other subscriptions of the estate, once each", () => {
    const inv = shardInventory();
    inv.privateEndpoints.push(pe(A, "pe-exists-again", plsId(B, "PLS-B")));
    expect(crossShardReferences(inv, [A], [A, B])).toEqual([plsId(B, "pls-b"), plsId(B, "gone")]);
  });

  const reader = (fail = false) => ({
    reads: [] as string[],
    async getResource(id: string) {
      this.reads.push(id);
      if (fail) throw new Error("503 from ARM");
      return id.endsWith("pls-b") ? plsDoc(id) : undefined;
    },
  });

  test("pe-target-mismatch in a shard reports what a single sweep of the estate reports", async () => {
    const r = reader();
    const shardInv = await shardCollector(new FixedCollector(shardInventory()), r, [A, B]).collect(
      { subscriptions: [A] },
      { now: T0, windowMinutes: 60 },
    );
    expect(r.reads.sort()).toEqual([plsId(B, "gone"), plsId(B, "pls-b")].sort());
    const single: Inventory = {
      ...shardInventory(),
      subscriptions: [{ subscriptionId: A }, { subscriptionId: B }],
      privateLinkServices: [plsDoc(plsId(A, "pls-a")), plsDoc(plsId(B, "pls-b"))],
    };
    const ids = (inv: Inventory) =>
      targetMismatch
        .run(inv, { settings: SETTINGS, now: T0 })
        .map((f) => f.resourceId)
        .sort();
    expect(ids(shardInv)).toEqual(ids(single));
    expect(ids(shardInv)).toEqual([pe(A, "pe-missing-in-b", "").id]);
    // Without the estate context the shard would miss the missing PLS in B.
    expect(ids({ ...shardInventory() })).toEqual([]);
  });

  test("a failed read of the other side is a resource error in its subscription, not a guess", async () => {
    const inv = await shardCollector(new FixedCollector(shardInventory()), reader(true), [A, B]).collect(
      { subscriptions: [A] },
      { now: T0, windowMinutes: 60 },
    );
    expect(inv.collectionErrors.map((e) => [e.kind, e.scope]).sort()).toEqual(
      [
        ["resource", plsId(B, "gone")],
        ["resource", plsId(B, "pls-b")],
      ].sort(),
    );
    expect(inv.referencedPrivateLinkServices).toEqual([]);
  });
});

class MemoryRuns implements SweepRunStore {
  readonly description = "memory runs";
  sweeps: SweepRecord[] = [];
  runs: ShardRunRecord[] = [];
  async recordSweep(r: SweepRecord) {
    this.sweeps.push(r);
  }
  async latestSweep() {
    return this.sweeps[this.sweeps.length - 1];
  }
  async recordShard(r: ShardRunRecord) {
    this.runs.push(r);
  }
  async shardRun(sweepId: string, shardId: string) {
    return this.runs.find((r) => r.sweepId === sweepId && r.shardId === shardId);
  }
  async listShardRuns(sweepId: string) {
    return this.runs.filter((r) => r.sweepId === sweepId);
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

describe("coordinator", () => {
  test("records the sweep, enqueues one valid message per shard, and names the previous sweep's unfinished shards", async () => {
    const sent: string[] = [];
    const runs = new MemoryRuns();
    const logger = recordingLogger();
    const deps = {
      queue: { description: "q", send: async (t: string) => void sent.push(t) },
      runs,
      clock: { now: () => T0 },
      logger,
    };
    const first = await startShardedSweep(deps, { subscriptions: SUBS, shardSize: 20, sweepId: "s1" });
    expect(first.shards).toHaveLength(3);
    expect(sent.map((t) => parseShardMessage(t, SUBS).ok)).toEqual([true, true, true]);
    expect(runs.sweeps[0]?.shards.map((s) => s.shardId)).toEqual(first.shards.map((s) => s.shardId));
    await runs.recordShard({
      sweepId: "s1",
      shardId: first.shards[0]!.shardId,
      completedAt: "",
      degraded: false,
      openFindings: 0,
      opened: 0,
      resolved: 0,
      decisions: 0,
    });
    const second = await startShardedSweep(deps, { subscriptions: SUBS, shardSize: 20, sweepId: "s2" });
    expect(second.unfinishedBefore).toEqual(first.shards.slice(1).map((s) => s.shardId));
    expect(
      logger.lines.some(
        (l) => l.startsWith("error") && l.includes("2 of 3 shard(s) of sweep s1 never completed"),
      ),
    ).toBe(true);
  });

  test("a send that fails is reported and the other shards still go out", async () => {
    let n = 0;
    const r = await startShardedSweep(
      {
        queue: {
          description: "q",
          send: async () => {
            if (n++ === 0) throw new Error("queue 503");
          },
        },
        runs: new MemoryRuns(),
        clock: { now: () => T0 },
        logger: silentLogger,
      },
      { subscriptions: SUBS, shardSize: 20, sweepId: "s1" },
    );
    expect(r.notEnqueued).toHaveLength(1);
    expect(n).toBe(3);
  });
});

class MemoryLease implements TargetLock {
  readonly description = "memory lease";
  held = new Set<string>();
  acquired: string[] = [];
  async acquire(key: string): Promise<TargetLockHandle> {
    if (this.held.has(key)) throw new Error(`${key} held`);
    this.held.add(key);
    this.acquired.push(key);
    return {
      key,
      lost: new AbortController().signal,
      unconfirmed: [],
      recordUnconfirmed: async () => {},
      release: async () => void this.held.delete(key),
    };
  }
}

describe("sweepShard", () => {
  const subs = [A];
  const message = { sweepId: "s1", shardId: shardIdOf(subs), subscriptions: subs, attempt: 0 };
  const setup = () => {
    const collector = new FixedCollector(shardInventory());
    const stores = new Map<string, MemoryStore>();
    const lease = new MemoryLease();
    const runs = new MemoryRuns();
    const deps = {
      forShard: (m: ShardMessage) => {
        const key = m.subscriptions.join(",");
        if (!stores.has(key)) stores.set(key, new MemoryStore());
        return {
          collector,
          checks: [targetMismatch],
          store: stores.get(key),
          telemetry: new RecordingTelemetry(),
          logger: silentLogger,
          clock: { now: () => T0 },
          tenants: new FakeTenants(),
        };
      },
      reader: { getResource: async (id: string) => (id.endsWith("pls-b") ? plsDoc(id) : undefined) },
      lease,
      runs,
    };
    return { collector, stores, lease, runs, deps };
  };
  const opts = { settings: SETTINGS, estateSubscriptions: [A, B] };

  test("a malformed message sweeps nothing and takes no lease", async () => {
    const s = setup();
    const r = await sweepShard('{"sweepId":"s1"}', s.deps, opts);
    expect(r.status).toBe("rejected");
    expect(s.collector.calls).toHaveLength(0);
    expect(s.lease.acquired).toHaveLength(0);
  });

  test("sweeps the shard's subscriptions into its own partition, records completion, and a redelivery is not swept again", async () => {
    const s = setup();
    const r = await sweepShard(encodeShardMessage(message), s.deps, opts);
    expect(r.status).toBe("swept");
    expect(s.collector.calls.map((c) => c.scope.subscriptions)).toEqual([[A]]);
    expect([...s.stores.keys()]).toEqual([A]);
    expect([...(s.stores.get(A)?.rows.values() ?? [])].map((f) => f.checkId)).toEqual(["pe-target-mismatch"]);
    expect(s.runs.runs).toHaveLength(1);
    const again = await sweepShard(encodeShardMessage(message), s.deps, opts);
    expect(again.status).toBe("duplicate");
    expect(s.collector.calls).toHaveLength(1);
    expect(s.lease.held.size).toBe(0);
  });

  test("beforeSweep (the worker's full collection) runs only for a message that sweeps", async () => {
    const s = setup();
    let calls = 0;
    const withHook = { ...opts, beforeSweep: () => void (calls += 1) };
    expect((await sweepShard('{"sweepId":"s1"}', s.deps, withHook)).status).toBe("rejected");
    expect(calls).toBe(0);
    expect((await sweepShard(encodeShardMessage(message), s.deps, withHook)).status).toBe("swept");
    expect(calls).toBe(1);
    expect((await sweepShard(encodeShardMessage(message), s.deps, withHook)).status).toBe("duplicate");
    expect(calls).toBe(1);
  });

  test("a shard whose finding state could not be saved is not recorded complete: the retry sweeps it again", async () => {
    const s = setup();
    const store = new MemoryStore();
    store.failSave = new Error("table down");
    s.stores.set(A, store);
    const r = await sweepShard(encodeShardMessage(message), s.deps, opts);
    expect(r.status).toBe("swept");
    expect(s.runs.runs).toHaveLength(0);
    store.failSave = undefined;
    const again = await sweepShard(encodeShardMessage(message), s.deps, opts);
    expect(again.status).toBe("swept");
    expect(s.collector.calls).toHaveLength(2);
    expect(s.runs.runs).toHaveLength(1);
  });

  test("a delivery while the shard's lease is held elsewhere throws (the queue retries) and sweeps nothing", async () => {
    const s = setup();
    await s.lease.acquire(`sweep-shard:${message.shardId}`);
    await expect(sweepShard(encodeShardMessage(message), s.deps, opts)).rejects.toThrow(
      /being swept by another delivery/,
    );
    expect(s.collector.calls).toHaveLength(0);
  });
});
