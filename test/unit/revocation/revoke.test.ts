/**
 * Guarded revocation over fakes: what the plan names (expired linkgate approvals, revoke:true rule matches,
 * never a human's or auto-approval's without such a rule), the all-or-nothing guard, audit never writing,
 * If-Match and the re-read under the target's lock, and the LinkGate.Revocation events.
 */
import { InProcessTargetLock } from "../../../src/core/lock";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../../../src/core/model";
import { parseLinkgateDescription, type RevocationSettings } from "../../../src/core/policy";
import { planOnce, planRevocations, revocationOf } from "../../../src/core/revocation/plan";
import { revocationDescription, revokePlanned } from "../../../src/core/revocation/revoke";
import { FakeArm, FakeTelemetry, MemoryLogger, PLS_ID, RELAY_ID } from "../reconcile/fakes";

const NOW = new Date("2026-12-02T10:00:00Z");
const EXPIRED = "[linkgate:temp] until 2026-12-02 09:59 UTC; Approved by linkgate rule temp";
const NOT_YET = "[linkgate:temp] until 2026-12-02 10:01 UTC; Approved by linkgate rule temp";
const facts = (c: PrivateEndpointConnection): DecisionFacts => ({
  requester: { privateEndpointId: c.privateEndpointId },
  target: { id: c.targetId },
});
const decision = (action: Decision["action"], revoke = false): Decision => ({
  action,
  ruleId: action === "reject" ? "offboarded" : "corp",
  message: "",
  reasons: [],
  ...(revoke ? { revoke: true } : {}),
});

describe("revocationOf", () => {
  const conn = (
    status: PrivateEndpointConnection["status"],
    description?: string,
  ): PrivateEndpointConnection => ({
    id: `${PLS_ID}/privateEndpointConnections/c1`,
    name: "c1",
    targetId: PLS_ID,
    status,
    description,
  });
  it.each([
    ["expired linkgate approval", conn("Approved", EXPIRED), undefined, "expired"],
    [
      "expired, policy approves it today: expiry still wins",
      conn("Approved", EXPIRED),
      decision("approve"),
      "expired",
    ],
    ["linkgate approval not yet expired", conn("Approved", NOT_YET), undefined, undefined],
    ["a human's approval, no rule", conn("Approved", "ok by alice"), decision("approve"), undefined],
    [
      "a human's approval a reject rule without revoke matches",
      conn("Approved", "ok"),
      decision("reject"),
      undefined,
    ],
    ["a human's approval a revoke rule matches", conn("Approved", "ok"), decision("reject", true), "rule"],
    [
      "auto-approval (no description) a revoke rule matches",
      conn("Approved"),
      decision("reject", true),
      "rule",
    ],
    ["unknown facts leave it pending: never revoked", conn("Approved", "ok"), decision("pending"), undefined],
    ["Pending is not revoked", conn("Pending", EXPIRED), decision("reject", true), undefined],
    ["Rejected is not revoked again", conn("Rejected", EXPIRED), decision("reject", true), undefined],
  ])("%s", (_n, c, d, want) => {
    expect(revocationOf(c, d, NOW)?.reason).toBe(want);
  });
});

function estate(arm: FakeArm): PrivateEndpointConnection[] {
  arm.addTarget(PLS_ID);
  arm.addTarget(RELAY_ID);
  return [
    arm.addConnection(PLS_ID, "expired1", "Approved", { description: EXPIRED }),
    arm.addConnection(PLS_ID, "human", "Approved", { description: "approved by alice" }),
    arm.addConnection(RELAY_ID, "expired2", "Approved", { description: EXPIRED }),
    arm.addConnection(RELAY_ID, "fresh", "Approved", { description: NOT_YET }),
    arm.addConnection(RELAY_ID, "waiting", "Pending", { description: "CHG please" }),
  ];
}

function setup(
  settings: RevocationSettings,
  decide: (c: PrivateEndpointConnection) => Decision = () => decision("approve"),
) {
  const arm = new FakeArm();
  const connections = estate(arm);
  const byFacts = new Map(connections.map((c) => [c.privateEndpointId, c]));
  const plan = planRevocations(
    { connections },
    {
      settings,
      now: NOW,
      factsFor: facts,
      evaluate: (f) => decide(byFacts.get(f.requester.privateEndpointId) as PrivateEndpointConnection),
    },
  );
  if (!plan) throw new Error("expected a plan");
  const telemetry = new FakeTelemetry();
  const logger = new MemoryLogger();
  const deps = {
    reader: arm,
    writer: arm,
    telemetry,
    logger,
    clock: { now: () => NOW },
    lock: new InProcessTargetLock(),
  };
  return { arm, plan, deps, telemetry, logger };
}
const ctx = { policyHash: "abc123", degraded: false, cause: "test" };

describe("planRevocations", () => {
  it("absent revocation: no plan at all, whatever the rules say", () => {
    expect(
      planRevocations(
        { connections: [] },
        { settings: undefined, now: NOW, evaluate: () => decision("reject", true) },
      ),
    ).toBeUndefined();
  });
  it("names expired linkgate approvals and revoke-rule matches, in inventory order", () => {
    const { plan } = setup({ mode: "enforce", maxPerSweep: 10 }, (c) =>
      c.name === "human" ? decision("reject", true) : decision("approve"),
    );
    expect(plan.candidates.map((c) => [c.connection.name, c.reason, c.ruleId])).toEqual([
      ["expired1", "expired", "temp"],
      ["human", "rule", "offboarded"],
      ["expired2", "expired", "temp"],
    ]);
    expect(plan.guardTripped).toBe(false);
  });
});

describe("planOnce", () => {
  it("plans on first use only, then hands out the same plan, or the same error", () => {
    let decisions = 0;
    const connections = estate(new FakeArm());
    const input = (fail: boolean) => ({
      settings: { mode: "enforce" as const, maxPerSweep: 10 },
      now: NOW,
      factsFor: facts,
      evaluate: () => {
        decisions += 1;
        if (fail) throw new Error("boom");
        return decision("approve");
      },
    });
    const plan = planOnce({ connections }, input(false));
    expect(decisions).toBe(0);
    const first = plan();
    const perPlan = decisions;
    expect(perPlan).toBeGreaterThan(0);
    expect(plan()).toBe(first);
    expect(decisions).toBe(perPlan);
    expect(first).toEqual(planRevocations({ connections }, input(false)));

    decisions = 0;
    const failing = planOnce({ connections }, input(true));
    expect(failing).toThrow(/evaluating policy for .*: boom/);
    expect(failing).toThrow(/evaluating policy for .*: boom/);
    expect(decisions).toBe(1);
  });
});

describe("revokePlanned", () => {
  it("enforce: rejects each with If-Match, a description that names the rule, and a LinkGate.Revocation event", async () => {
    const { arm, plan, deps, telemetry } = setup({ mode: "enforce", maxPerSweep: 2 });
    const etags = plan.candidates.map((c) => c.connection.etag);
    const r = await revokePlanned(plan, deps, ctx);
    expect(r.records.map((x) => [x.connectionId.split("/").pop(), x.outcome])).toEqual([
      ["expired1", "revoked"],
      ["expired2", "revoked"],
    ]);
    expect(arm.puts.map((p) => [p.status, p.etag])).toEqual(etags.map((e) => ["Rejected", e]));
    const desc = arm.puts[0]?.description ?? "";
    expect(desc).toBe(
      "[linkgate:temp] Revoked by linkgate: time-bound approval expired 2026-12-02T09:59:00Z",
    );
    expect(parseLinkgateDescription(desc)).toEqual({ ruleId: "temp" });
    expect(telemetry.named("LinkGate.Revocation").map((e) => e.properties)).toEqual([
      expect.objectContaining({
        ruleId: "temp",
        policyHash: "abc123",
        previousState: "Approved",
        reason: "expired",
        outcome: "revoked",
        written: "true",
        mode: "enforce",
      }),
      expect.objectContaining({ ruleId: "temp", outcome: "revoked" }),
    ]);
    expect(arm.approvedOn(PLS_ID)).toBe(1);
  });

  it("the guard: one more than maxPerSweep revokes none and says why", async () => {
    const { arm, plan, deps, telemetry, logger } = setup({ mode: "enforce", maxPerSweep: 1 });
    const r = await revokePlanned(plan, deps, ctx);
    expect(r).toMatchObject({ planned: 2, withheld: true, records: [] });
    expect(r.withheldReason).toContain("2 revocation(s) exceed revocation.maxPerSweep 1");
    expect(arm.puts).toEqual([]);
    expect(telemetry.named("LinkGate.Revocation")).toEqual([]);
    expect(logger.text()).toContain("revocation-guard-tripped");
  });

  it("a degraded inventory revokes none (the guard cannot count what it could not read)", async () => {
    const { arm, plan, deps } = setup({ mode: "enforce", maxPerSweep: 5 });
    const r = await revokePlanned(plan, deps, { ...ctx, degraded: true });
    expect(r.withheld).toBe(true);
    expect(arm.puts).toEqual([]);
  });

  it("audit: reports each (written false), never writes", async () => {
    const { arm, plan, deps, telemetry } = setup({ mode: "audit", maxPerSweep: 5 });
    const r = await revokePlanned(plan, deps, ctx);
    expect(r.records.map((x) => x.outcome)).toEqual(["audited", "audited"]);
    expect(arm.puts).toEqual([]);
    expect(telemetry.named("LinkGate.Revocation").map((e) => e.properties["written"])).toEqual([
      "false",
      "false",
    ]);
  });

  it("a human who re-approved since the sweep read it is not overwritten (re-read under the lock)", async () => {
    const { arm, plan, deps } = setup({ mode: "enforce", maxPerSweep: 5 });
    arm.externalChange(`${PLS_ID}/privateEndpointConnections/expired1`, "Approved", "extended by alice");
    const r = await revokePlanned(plan, deps, ctx);
    expect(r.records.map((x) => x.outcome)).toEqual(["skipped", "revoked"]);
    expect(r.records[0]?.detail).toContain("changed since the sweep read it");
    expect(arm.puts).toHaveLength(1);
  });

  it("a change between the re-read and the write fails If-Match (412): skipped, never overwritten", async () => {
    const { arm, plan, deps } = setup({ mode: "enforce", maxPerSweep: 5 });
    arm.beforeWrite = (c) => {
      if (c.name === "expired1") arm.externalChange(c.id, "Approved", "extended by alice");
    };
    const r = await revokePlanned(plan, deps, ctx);
    expect(r.records.map((x) => x.outcome)).toEqual(["skipped", "revoked"]);
    expect(r.records[0]?.detail).toContain("If-Match failed");
    expect(
      arm.connections.get(`${PLS_ID}/privateEndpointConnections/expired1`.toLowerCase())?.description,
    ).toBe("extended by alice");
  });

  it("a failed write is recorded as failed and the rest still run", async () => {
    const { arm, plan, deps } = setup({ mode: "enforce", maxPerSweep: 5 });
    arm.failNextWriteWith = 500;
    const r = await revokePlanned(plan, deps, ctx);
    expect(r.records.map((x) => x.outcome)).toEqual(["failed", "revoked"]);
  });

  it("a lock whose release fails loses no revocation: each is recorded and its event sent", async () => {
    const { plan, deps, telemetry, logger } = setup({ mode: "enforce", maxPerSweep: 5 });
    const inner = deps.lock;
    const failingRelease = {
      description: "release fails",
      acquire: async (...args: Parameters<typeof inner.acquire>) => {
        const h = await inner.acquire(...args);
        return {
          ...h,
          release: async () => {
            await h.release();
            throw new Error("lease table unreachable");
          },
        };
      },
    };
    const r = await revokePlanned(plan, { ...deps, lock: failingRelease }, ctx);
    expect(r.records.map((x) => x.outcome)).toEqual(["revoked", "revoked"]);
    expect(telemetry.named("LinkGate.Revocation")).toHaveLength(2);
    expect(logger.text()).toMatch(/releasing the lock .* failed .*lease table unreachable/);
  });

  it("takes the target's lock: a holder elsewhere makes it wait, not write", async () => {
    const { arm, plan, deps } = setup({ mode: "enforce", maxPerSweep: 5 });
    const held = await deps.lock.acquire(PLS_ID.toLowerCase());
    const running = revokePlanned(plan, deps, { ...ctx, lockWaitInMs: 5_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(arm.puts).toEqual([]);
    await held.release();
    const r = await running;
    expect(r.records.map((x) => x.outcome)).toEqual(["revoked", "revoked"]);
  });

  it("a revoke rule's description names the rule", () => {
    const c = {
      connection: { id: "x", name: "x", targetId: "t" },
      reason: "rule" as const,
      ruleId: "offboarded",
      why: "",
    };
    expect(revocationDescription(c)).toBe("[linkgate:offboarded] Revoked by linkgate rule offboarded");
  });
});
