/**
 * Reconcile from an observation it did not list itself: the target's body embedding its connections
 * (getTargetWithConnections) or what the sweep read from Resource Graph (options.known). The observation only
 * chooses what to decide: every approving write is still recounted from a fresh list under the lock, and a
 * connection that changed since the observation is never written over.
 */
import { ArmError } from "../../../src/core/errors";
import type { Decision, PrivateEndpointConnection, TargetResource } from "../../../src/core/model";
import { InProcessTargetLock, targetLockKey } from "../../../src/core/lock";
import { reconcileTarget } from "../../../src/core/reconcile";
import type { OperationOptions } from "../../../src/ports";
import { approveAll, FakeArm, makeDeps, policyOf, RELAY_ID } from "./fakes";

const capAt =
  (cap: number) =>
  (facts: { approvedCount?: number }): Decision =>
    (facts.approvedCount ?? Infinity) + 1 <= cap
      ? { action: "approve", ruleId: "cap", message: "ok", reasons: ["under the cap"] }
      : { action: "pending", ruleId: "default", message: "full", reasons: ["cap reached"] };

const rejectAll = (): Decision => ({ action: "reject", ruleId: "deny", message: "no", reasons: ["deny"] });

const pendingId = (i: number) => `${RELAY_ID}/privateEndpointConnections/p${i}`;

/** A fake ARM whose target GET embeds the target's connections, as Network's and Relay's bodies do. */
class EmbeddingArm extends FakeArm {
  targetReads = 0;
  /** Runs after the target (and its connections) was read: a writer acting right after our observation. */
  afterTargetRead: (() => void) | undefined;
  /** Fails every connection list with this status (the target read still works). */
  failListsWith: number | undefined;
  override async *listConnections(targetId: string): AsyncIterable<PrivateEndpointConnection> {
    if (this.failListsWith !== undefined)
      throw new ArmError(`${targetId}: list ${this.failListsWith}`, this.failListsWith, "Injected", targetId);
    yield* super.listConnections(targetId);
  }
  async getTargetWithConnections(
    id: string,
    options?: OperationOptions,
  ): Promise<{ target: TargetResource; connections?: PrivateEndpointConnection[] } | undefined> {
    const target = await this.getTarget(id);
    void options;
    this.targetReads += 1;
    if (!target) return undefined;
    const prefix = `${id.toLowerCase()}/privateendpointconnections/`;
    const connections = [...this.connections].filter(([k]) => k.startsWith(prefix)).map(([, c]) => c);
    this.afterTargetRead?.();
    return { target, connections };
  }
}

function relay(approved: number, pending: number, arm: FakeArm = new EmbeddingArm()): FakeArm {
  arm.addTarget(RELAY_ID);
  for (let i = 0; i < approved; i++) arm.addConnection(RELAY_ID, `a${i}`, "Approved");
  for (let i = 0; i < pending; i++) arm.addConnection(RELAY_ID, `p${i}`, "Pending");
  return arm;
}

/** What the sweep hands over: the target and its connections as they were when it collected them. */
function snapshot(arm: FakeArm): { target: TargetResource; connections: PrivateEndpointConnection[] } {
  const target = arm.targets.get(RELAY_ID.toLowerCase()) as TargetResource;
  return { target, connections: [...arm.connections.values()].map((c) => ({ ...c })) };
}

describe("a target whose body embeds its connections is read once: the list is the recount", () => {
  it("one target read and one list per approving write, nothing listed without a write", async () => {
    const arm = relay(0, 3) as EmbeddingArm;
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))));
    expect(r.decisions.filter((d) => d.written)).toHaveLength(3);
    expect(arm.targetReads).toBe(1);
    expect(arm.lists).toBe(3);

    const quiet = relay(0, 2) as EmbeddingArm;
    await reconcileTarget(RELAY_ID, makeDeps(quiet, policyOf(capAt(0))));
    expect(quiet.lists).toBe(0);
    expect(quiet.puts).toHaveLength(0);
  });

  it.each([
    ["approves two Pending ones right after our observation", 62, 3, [1, 2], 64],
    ["approves one right after our observation", 62, 3, [2], 64],
    ["approves nothing", 62, 3, [], 64],
  ] as const)(
    "a writer that %s never pushes the target past its cap",
    async (_n, approved, pending, others, expected) => {
      const arm = relay(approved, pending) as EmbeddingArm;
      arm.afterTargetRead = () => {
        for (const i of others) arm.externalChange(pendingId(i), "Approved");
      };
      const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))));
      expect(arm.approvedOn(RELAY_ID)).toBe(expected);
      for (const i of others) expect(r.decisions.map((d) => d.connectionId)).not.toContain(pendingId(i));
    },
  );

  it("a connection the event names but the body does not embed yet (the parent lags) is listed and decided", async () => {
    const arm = relay(0, 1) as EmbeddingArm;
    const lagging = arm.getTargetWithConnections.bind(arm);
    // The parent's embedded array has not caught up with the new connection p1.
    arm.getTargetWithConnections = async (id, o) => {
      const r = await lagging(id, o);
      return r && { ...r, connections: r.connections?.filter((c) => !c.id.endsWith("/p1")) };
    };
    arm.addConnection(RELAY_ID, "p1", "Pending");
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)), {
      expectConnections: [pendingId(1)],
    });
    expect(r.decisions.map((d) => [d.connectionId, d.written])).toContainEqual([pendingId(1), true]);
    // Without the expectation the lagging body would choose (p1 waits for the next event or sweep).
    const arm2 = relay(0, 0) as EmbeddingArm;
    arm2.getTargetWithConnections = async () => ({
      target: arm2.targets.get(RELAY_ID.toLowerCase()) as TargetResource,
      connections: [],
    });
    arm2.addConnection(RELAY_ID, "p1", "Pending");
    const r2 = await reconcileTarget(RELAY_ID, makeDeps(arm2, policyOf(approveAll)), {
      expectConnections: [],
      observeByList: true,
    });
    expect(r2.decisions.map((d) => d.connectionId)).toEqual([pendingId(1)]);
  });

  it("a queued request naming a connection is not answered by a run that read only the embedded array", async () => {
    const arm = relay(0, 1) as EmbeddingArm;
    const deps = makeDeps(arm, policyOf(rejectAll));
    const plain = await Promise.all([1, 2].map(() => reconcileTarget(RELAY_ID, deps)));
    expect(plain.map((r) => r.coalesced ?? false)).toEqual([false, true]);
    arm.addConnection(RELAY_ID, "p1", "Pending");
    const named = await Promise.all(
      [1, 2].map(() => reconcileTarget(RELAY_ID, deps, { expectConnections: [pendingId(1)] })),
    );
    expect(named.map((r) => r.coalesced ?? false)).toEqual([false, false]);
  });

  it("a recount list that fails fails the reconcile (the target's error, as a pass list's was), writing nothing", async () => {
    const arm = relay(0, 1) as EmbeddingArm;
    arm.failListsWith = 404;
    await expect(reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)))).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(arm.puts).toHaveLength(0);
  });

  it("a provider without etags is still re-read right before the PUT", async () => {
    const arm = relay(0, 1) as EmbeddingArm;
    arm.noEtags = true;
    arm.beforeGet = (id) => arm.externalChange(id, "Rejected", "rejected by a human");
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)));
    expect(arm.puts).toHaveLength(0);
    expect(r.decisions).toHaveLength(0);
    expect(arm.connections.get(pendingId(0).toLowerCase())?.status).toBe("Rejected");
  });
});

describe("the sweep's observation (options.known): an approval rests on a live read of the target", () => {
  const prodOnly = (facts: { target: { tags?: Readonly<Record<string, string>> } }): Decision =>
    facts.target.tags?.["env"] === "prod"
      ? { action: "approve", ruleId: "prod", message: "ok", reasons: ["prod"] }
      : { action: "pending", ruleId: "default", message: "", reasons: ["not prod"] };

  it("a tag the snapshot showed but the target no longer has approves nothing", async () => {
    const arm = relay(0, 1, new FakeArm());
    const known = snapshot(arm);
    const stale = { ...known, target: { ...known.target, tags: { env: "prod" } } };
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(prodOnly)), { known: stale });
    expect(arm.puts).toHaveLength(0);
    expect(r.decisions.map((d) => [d.action, d.written])).toEqual([["pending", false]]);
  });

  it("the live target still matching approves, with one target read for the run", async () => {
    const arm = relay(0, 2, new FakeArm());
    arm.addTarget(RELAY_ID, { env: "prod" });
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(prodOnly)), { known: snapshot(arm) });
    expect(arm.approvedOn(RELAY_ID)).toBe(2);
    expect(r.decisions.filter((d) => d.written)).toHaveLength(2);
  });
});

describe("the sweep's observation (options.known): the target is read once, before approving", () => {
  it("reads the target once, lists once per approving write and writes what the policy approves", async () => {
    const arm = relay(0, 2, new FakeArm());
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))), { known: snapshot(arm) });
    expect(r.found).toBe(true);
    // The two reads it made before, plus one live target read before the first approval.
    expect(arm.reads).toBe(3);
    expect(arm.lists).toBe(2);
    expect(arm.approvedOn(RELAY_ID)).toBe(2);
  });

  it("a stale count (others approved since the observation) is recounted: the cap holds", async () => {
    const arm = relay(62, 3, new FakeArm());
    const known = snapshot(arm);
    arm.externalChange(pendingId(1), "Approved");
    arm.externalChange(pendingId(2), "Approved");
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt(64))), { known });
    expect(arm.approvedOn(RELAY_ID)).toBe(64);
    expect(r.decisions.filter((d) => d.written)).toHaveLength(0);
  });

  it.each([
    ["with etags: the stale etag's 412 restarts from a fresh list", false],
    ["without etags: the re-read before the PUT sees the change", true],
  ])(
    "a reject decided on a stale observation never overwrites a human's approval, %s",
    async (_n, noEtags) => {
      const arm = relay(0, 1, new FakeArm());
      arm.noEtags = noEtags;
      const taken = snapshot(arm);
      const known = {
        ...taken,
        connections: taken.connections.map((c) => (noEtags ? { ...c, etag: undefined } : c)),
      };
      arm.externalChange(pendingId(0), "Approved", "approved by a human");
      const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(rejectAll)), { known });
      expect(arm.puts).toHaveLength(0);
      expect(arm.connections.get(pendingId(0).toLowerCase())?.status).toBe("Approved");
      expect(r.restarts).toBe(1);
      expect(r.untouched).toBe(1);
    },
  );

  it("never answers a request queued behind it (its observation was read before that request)", async () => {
    const arm = relay(0, 1, new FakeArm());
    const known = snapshot(arm);
    // A connection that came after the sweep's observation, and the event that names it.
    arm.addConnection(RELAY_ID, "late", "Pending");
    const lock = new InProcessTargetLock();
    const deps = makeDeps(arm, policyOf(approveAll), { lock });
    const holder = await lock.acquire(targetLockKey(RELAY_ID));
    const sweep = reconcileTarget(RELAY_ID, deps, { known });
    const event = reconcileTarget(RELAY_ID, deps);
    await holder.release();
    const [, fromEvent] = await Promise.all([sweep, event]);
    expect(fromEvent.coalesced).toBeUndefined();
    expect(arm.connections.get(`${RELAY_ID}/privateEndpointConnections/late`.toLowerCase())?.status).toBe(
      "Approved",
    );
  });

  it("refuses an observation of another target", async () => {
    const arm = relay(0, 1, new FakeArm());
    const other = { ...snapshot(arm), target: { ...snapshot(arm).target, id: `${RELAY_ID}-other` } };
    await expect(
      reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)), { known: other }),
    ).rejects.toThrow(/not the requested/);
    expect(arm.puts).toHaveLength(0);
  });
});
