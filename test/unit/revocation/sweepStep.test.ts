/**
 * The sweep's revocation step (core/sweep.ts 3b) through runSweep with fakes: it runs only when the policy
 * opts in and the sweep may write, revokes on the sweep's clock, and revokes none from a degraded inventory.
 */
import { ALL_CHECKS } from "../../../src/core/checks";
import { emptyInventory, type Inventory } from "../../../src/core/inventory";
import { InProcessTargetLock } from "../../../src/core/lock";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import type { RevocationSettings } from "../../../src/core/policy";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { runSweep } from "../../../src/core/sweep";
import { silentLogger } from "../../../src/ports";
import { FakeArm, FakeTenants, PLS_ID, PROVIDER_SUB } from "../reconcile/fakes";
import { FixedCollector, RecordingTelemetry } from "../sweep/fakes";

const NOW = new Date("2026-12-02T10:00:00Z");
const SETTINGS = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
const EXPIRED = "[linkgate:temp] until 2026-12-02 09:00 UTC; Approved by linkgate rule temp";

function setup(revocation: RevocationSettings | undefined, collectionError = false) {
  const arm = new FakeArm();
  arm.addTarget(PLS_ID);
  const c: PrivateEndpointConnection = arm.addConnection(PLS_ID, "c1", "Approved", { description: EXPIRED });
  const inv: Inventory = {
    ...emptyInventory(NOW.toISOString(), 60),
    subscriptions: [{ subscriptionId: PROVIDER_SUB }],
    privateLinkServices: [
      {
        id: PLS_ID,
        name: "pls1",
        type: "Microsoft.Network/privateLinkServices",
        location: "westeurope",
        properties: {},
      },
    ],
    connections: [c],
    collectionErrors: collectionError
      ? [{ scope: "/subscriptions/99999999-0000-4000-8000-000000000009", message: "403", kind: "scope" }]
      : [],
  };
  const policy: PolicyRuntime = {
    mode: "enforce",
    source: "p.yaml",
    decide: () => ({ action: "approve", ruleId: "temp", message: "", reasons: [] }),
    describe: (d) => d.ruleId,
    revocation,
    hash: "h",
  };
  const telemetry = new RecordingTelemetry();
  const deps = {
    collector: new FixedCollector(inv),
    checks: ALL_CHECKS,
    telemetry,
    logger: silentLogger,
    clock: { now: () => NOW },
    tenants: new FakeTenants(),
    policy,
    approval: { reader: arm, writer: arm, lock: new InProcessTargetLock() },
  };
  return { arm, deps };
}
const options = (reconcile: boolean) => ({
  scope: { subscriptions: [PROVIDER_SUB] },
  settings: SETTINGS,
  reconcile,
});

describe("sweep step 3b: revocation", () => {
  it.each([
    [
      "opted in, enforce, the sweep may write: revoked",
      { mode: "enforce" as const, maxPerSweep: 1 },
      true,
      false,
      "Rejected",
      1,
    ],
    ["no revocation opt-in: never", undefined, true, false, "Approved", 0],
    [
      "a read-only sweep (--no-reconcile): never",
      { mode: "enforce" as const, maxPerSweep: 1 },
      false,
      false,
      "Approved",
      0,
    ],
    [
      "revocation audit: reported, not written",
      { mode: "audit" as const, maxPerSweep: 1 },
      true,
      false,
      "Approved",
      1,
    ],
    ["a degraded inventory: none", { mode: "enforce" as const, maxPerSweep: 1 }, true, true, "Approved", 0],
  ])("%s", async (_n, revocation, reconcile, degraded, status, events) => {
    const { arm, deps } = setup(revocation, degraded);
    const r = await runSweep(deps, options(reconcile));
    expect(arm.connections.get(`${PLS_ID}/privateEndpointConnections/c1`.toLowerCase())?.status).toBe(status);
    expect(deps.telemetry.items.filter((e) => e.name === "LinkGate.Revocation")).toHaveLength(events);
    expect(r.findings.some((f) => f.checkId === "connection-approval-expired")).toBe(true);
  });
});

describe("one revocation plan per sweep", () => {
  // Only the guard check runs, and nothing is Pending: every decision on c1 comes from a revocation plan.
  const guardOnly = ALL_CHECKS.filter((c) => c.id === "revocation-guard-tripped");
  const countingDecide = (deps: ReturnType<typeof setup>["deps"], fail = false) => {
    const calls: string[] = [];
    deps.policy.decide = (facts) => {
      calls.push(facts.requester.privateEndpointId ?? "");
      if (fail) throw new Error("rule engine broke");
      return { action: "approve", ruleId: "temp", message: "", reasons: [] };
    };
    return calls;
  };

  it.each([
    ["the guard check and the revocation step share it", guardOnly, true, 1],
    ["the guard check not selected: the step plans alone", [], true, 1],
    ["a read-only sweep: the guard check alone", guardOnly, false, 1],
  ])("%s", async (_n, checks, reconcile, plans) => {
    const { deps } = setup({ mode: "audit", maxPerSweep: 1 });
    const calls = countingDecide(deps);
    const r = await runSweep({ ...deps, checks }, options(reconcile));
    expect(calls).toHaveLength(plans);
    expect(r.revocations?.records.length ?? 0).toBe(reconcile ? 1 : 0);
    expect(r.checkErrors).toEqual([]);
  });

  it("a plan that throws fails the guard check and the step alike: nothing revoked, the sweep still reports", async () => {
    const { arm, deps } = setup({ mode: "enforce", maxPerSweep: 1 });
    const calls = countingDecide(deps, true);
    const r = await runSweep({ ...deps, checks: guardOnly }, options(true));
    expect(r.summary.revocationError).toMatch(
      /revocation step failed, nothing more revoked: evaluating policy for .*c1: rule engine broke/,
    );
    expect(r.revocations).toBeUndefined();
    expect(arm.puts).toHaveLength(0);
    expect(r.checkErrors.map((e) => e.checkId)).toEqual(["revocation-guard-tripped"]);
    expect(calls).toHaveLength(1);
    const readOnly = await runSweep({ ...deps, checks: guardOnly }, options(false));
    expect(readOnly.checkErrors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /check revocation-guard-tripped failed: evaluating policy for .*c1: rule engine broke/,
      ),
    ]);
  });
});
