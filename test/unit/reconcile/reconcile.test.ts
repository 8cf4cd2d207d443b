import { ArmError } from "../../../src/core/errors";
import { buildFacts, countApproved, requesterFromEndpointId } from "../../../src/core/facts";
import type { Decision } from "../../../src/core/model";
import { joinReasons, reconcileTarget, StaleConnectionError } from "../../../src/core/reconcile";
import {
  approveAll,
  CONSUMER_SUB,
  CONSUMER_TENANT,
  endpointId,
  FakeArm,
  FakeTenants,
  makeDeps,
  PLS_ID,
  policyOf,
  PROVIDER_SUB,
  PROVIDER_TENANT,
  RELAY_ID,
} from "./fakes";

const rejectAll = (): Decision => ({
  action: "reject",
  ruleId: "deny",
  message: "no",
  reasons: ["deny matched"],
});
const leavePending = (): Decision => ({
  action: "pending",
  ruleId: "default",
  message: "wait",
  reasons: ["no rule matched"],
});

describe("facts", () => {
  it("takes requester subscription, group and endpoint name from privateEndpoint.id only", () => {
    expect(requesterFromEndpointId(endpointId("pe-x", CONSUMER_SUB, "rg-app-7"))).toEqual({
      privateEndpointId: endpointId("pe-x", CONSUMER_SUB, "rg-app-7"),
      subscriptionId: CONSUMER_SUB,
      resourceGroup: "rg-app-7",
      endpointName: "pe-x",
    });
    expect(requesterFromEndpointId(undefined)).toEqual({});
    expect(requesterFromEndpointId("not-an-id")).toEqual({});
  });

  it("counts Approved connections excluding the one being decided", () => {
    const arm = new FakeArm();
    const a = arm.addConnection(RELAY_ID, "a", "Approved");
    const b = arm.addConnection(RELAY_ID, "b", "Approved");
    arm.addConnection(RELAY_ID, "c", "Pending");
    arm.addConnection(RELAY_ID, "d", "Rejected");
    const all = [...arm.connections.values()];
    expect(countApproved(all, "/other")).toBe(2);
    expect(countApproved(all, a.id.toUpperCase())).toBe(1);
    expect(countApproved(all, b.id)).toBe(1);
  });

  it("builds the decide-request shape; request message is the Pending description; no tenant without a subscription", () => {
    const arm = new FakeArm();
    const target = arm.addTarget(RELAY_ID, { env: "prod" });
    const c = arm.addConnection(RELAY_ID, "c1", "Pending", {
      description: "CHG0000001 please",
      groupIds: ["namespace"],
    });
    const facts = buildFacts({
      connection: c,
      target,
      connections: [c],
      requesterTenantId: CONSUMER_TENANT,
      targetTenantId: PROVIDER_TENANT,
      now: new Date("2025-01-01T00:00:00Z"),
    });
    expect(facts).toEqual({
      requester: {
        privateEndpointId: c.privateEndpointId,
        subscriptionId: CONSUMER_SUB,
        resourceGroup: "rg-app-1",
        endpointName: "pe-c1",
        tenantId: CONSUMER_TENANT,
      },
      target: {
        id: RELAY_ID,
        type: "Microsoft.Relay/namespaces",
        location: "westeurope",
        tags: { env: "prod" },
        groupIds: ["namespace"],
      },
      requestMessage: "CHG0000001 please",
      approvedCount: 0,
      targetTenantId: PROVIDER_TENANT,
      targetSubscriptionId: PROVIDER_SUB,
      at: "2025-01-01T00:00:00.000Z",
    });
    const anon = buildFacts({
      connection: { ...c, privateEndpointId: undefined },
      target,
      connections: [],
      requesterTenantId: CONSUMER_TENANT,
      targetTenantId: undefined,
      now: new Date(0),
    });
    expect(anon.requester).toEqual({ tenantId: undefined });
  });
});

describe("reconcileTarget", () => {
  it("approves a Pending connection with one PUT carrying the etag and the rule's description", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    const c = arm.addConnection(RELAY_ID, "c1", "Pending");
    const deps = makeDeps(arm, policyOf(approveAll));
    const r = await reconcileTarget(RELAY_ID, deps, { cause: "test" });
    expect(arm.puts).toEqual([
      {
        connectionId: c.id,
        status: "Approved",
        description: "linkgate approve by rule allow-all",
        etag: c.etag,
      },
    ]);
    expect(r.decisions).toHaveLength(1);
    expect(r.decisions[0]).toMatchObject({
      action: "approve",
      ruleId: "allow-all",
      written: true,
      mode: "enforce",
      requesterTenantId: CONSUMER_TENANT,
    });
    expect(r.found).toBe(true);
  });

  it("leaves Approved, Rejected and Disconnected connections untouched and never asks the policy about them", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "a", "Approved");
    arm.addConnection(RELAY_ID, "r", "Rejected");
    arm.addConnection(RELAY_ID, "d", "Disconnected");
    const policy = policyOf(approveAll);
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policy));
    expect(arm.puts).toHaveLength(0);
    expect(policy.seen).toHaveLength(0);
    expect(r.untouched).toBe(3);
  });

  it("is idempotent: a second run (duplicate or self-caused event) writes nothing more", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "c1", "Pending");
    const deps = makeDeps(arm, policyOf(approveAll));
    await reconcileTarget(RELAY_ID, deps);
    const second = await reconcileTarget(RELAY_ID, deps);
    expect(arm.puts).toHaveLength(1);
    expect(second.decisions).toHaveLength(0);
    expect(deps.telemetry.named("LinkGate.Decision")).toHaveLength(1);
  });

  it("rejects with one PUT and leaves `pending` decisions unwritten but audited", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "c1", "Pending");
    await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(rejectAll)));
    expect(arm.puts.map((p) => p.status)).toEqual(["Rejected"]);

    const arm2 = new FakeArm();
    arm2.addTarget(RELAY_ID);
    arm2.addConnection(RELAY_ID, "c1", "Pending");
    const deps = makeDeps(arm2, policyOf(leavePending));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(arm2.puts).toHaveLength(0);
    expect(r.decisions[0]).toMatchObject({ action: "pending", written: false });
    expect(deps.telemetry.named("LinkGate.Decision")[0]?.properties).toMatchObject({
      action: "pending",
      written: "false",
    });
  });

  it("audit mode and dry-run decide and record but never write", async () => {
    for (const [mode, dryRun] of [
      ["audit", false],
      ["enforce", true],
    ] as const) {
      const arm = new FakeArm();
      arm.addTarget(RELAY_ID);
      arm.addConnection(RELAY_ID, "c1", "Pending");
      const deps = makeDeps(arm, policyOf(approveAll, mode));
      const r = await reconcileTarget(RELAY_ID, deps, { dryRun });
      expect(arm.puts).toHaveLength(0);
      expect(r.decisions[0]).toMatchObject({ action: "approve", mode: "audit", written: false });
      expect(deps.telemetry.named("LinkGate.Decision")[0]?.properties["mode"]).toBe("audit");
    }
  });

  it("emits LinkGate.Decision with every audit field and a measured latency", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    const c = arm.addConnection(RELAY_ID, "c1", "Pending");
    const deps = makeDeps(arm, { ...policyOf(approveAll), hash: "sha256-of-the-policy" });
    await reconcileTarget(RELAY_ID, deps, {
      cause: "event e1",
      operationId: "4bf92f3577b34da6a3ce929d0e0e4736",
    });
    const [ev] = deps.telemetry.named("LinkGate.Decision");
    expect(ev?.properties).toEqual({
      connectionId: c.id,
      targetId: RELAY_ID,
      targetType: "Microsoft.Relay/namespaces",
      requesterSubscriptionId: CONSUMER_SUB,
      requesterTenantId: CONSUMER_TENANT,
      action: "approve",
      ruleId: "allow-all",
      mode: "enforce",
      written: "true",
      outcome: "written",
      reasons: "allow-all matched",
      cause: "event e1",
      policyHash: "sha256-of-the-policy",
      operationId: "4bf92f3577b34da6a3ce929d0e0e4736",
    });
    expect(ev?.measurements["latencyMs"]).toBeGreaterThan(0);
  });

  it("feeds approvedCount and tenants into the facts; unknown tenant stays undefined", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "a1", "Approved");
    arm.addConnection(RELAY_ID, "p1", "Pending", {
      endpoint: endpointId("pe", "33333333-3333-3333-3333-333333333333"),
    });
    const policy = policyOf(leavePending);
    await reconcileTarget(RELAY_ID, makeDeps(arm, policy, { tenants: new FakeTenants() }));
    expect(policy.seen[0]).toMatchObject({ approvedCount: 1, targetTenantId: PROVIDER_TENANT });
    expect(policy.seen[0]?.requester.tenantId).toBeUndefined();
  });

  it("treats a missing target as nothing to do", async () => {
    const arm = new FakeArm();
    const r = await reconcileTarget(PLS_ID, makeDeps(arm, policyOf(approveAll)));
    expect(r).toEqual({
      targetId: PLS_ID,
      found: false,
      decisions: [],
      untouched: 0,
      failures: [],
      restarts: 0,
    });
  });

  it("throws transient failures (Event Grid redelivers) and records LinkGate.DecisionFailed without writing", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "c1", "Pending");
    arm.failNextWriteWith = 503;
    const deps = makeDeps(arm, policyOf(approveAll));
    await expect(reconcileTarget(RELAY_ID, deps)).rejects.toMatchObject({ statusCode: 503 });
    expect(arm.puts).toHaveLength(0);
    const [failed] = deps.telemetry.named("LinkGate.DecisionFailed");
    expect(failed?.properties).toMatchObject({ statusCode: "503", transient: "true" });
    expect(deps.telemetry.named("LinkGate.Decision")).toHaveLength(0);
  });

  it("records terminal failures per connection and still decides the others", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "c1", "Pending");
    arm.addConnection(RELAY_ID, "c2", "Pending");
    arm.failNextWriteWith = 403;
    const deps = makeDeps(arm, policyOf(approveAll));
    const r = await reconcileTarget(RELAY_ID, deps);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]?.error).toContain("403");
    expect(arm.puts).toHaveLength(1);
    expect(deps.telemetry.named("LinkGate.DecisionFailed")[0]?.properties["transient"]).toBe("false");
  });

  it("on If-Match failure: no-op when someone else decided meanwhile, retryable error when it never settles", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    const c = arm.addConnection(RELAY_ID, "c1", "Pending");
    arm.beforeWrite = () => arm.externalChange(c.id, "Approved");
    const r = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)));
    expect(arm.puts).toHaveLength(0);
    expect(r.decisions).toHaveLength(0);

    // Every write loses its race: bounded restarts, then a transient error; nothing written.
    const arm2 = new FakeArm();
    arm2.addTarget(RELAY_ID);
    const c2 = arm2.addConnection(RELAY_ID, "c1", "Pending");
    arm2.beforeWrite = () => arm2.externalChange(c2.id, "Pending");
    await expect(reconcileTarget(RELAY_ID, makeDeps(arm2, policyOf(approveAll)))).rejects.toBeInstanceOf(
      StaleConnectionError,
    );
    expect(arm2.puts).toHaveLength(0);
  });

  it("propagates a read failure during observe as is", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.failWith = 503;
    await expect(reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(approveAll)))).rejects.toBeInstanceOf(
      ArmError,
    );
  });

  it("bounds the joined reasons", () => {
    const long = Array.from({ length: 1000 }, (_, i) => `rule-${i} did not match because of a long reason`);
    const joined = joinReasons(long);
    expect(joined.length).toBeLessThanOrEqual(4096);
    expect(joined.endsWith("…")).toBe(true);
    expect(joinReasons(["a", "b"])).toBe("a; b");
  });
});

describe("approvals within one reconcile count towards the target's limit", () => {
  // A policy that approves while the target stays under 64 approved connections (Relay's hard limit).
  const capAt64 = (facts: { approvedCount?: number }): Decision =>
    (facts.approvedCount ?? Infinity) + 1 <= 64
      ? { action: "approve", ruleId: "cap", message: "ok", reasons: ["under the cap"] }
      : { action: "pending", ruleId: "default", message: "full", reasons: ["cap reached"] };

  it.each([
    ["enforce", 62, 3, 2],
    ["audit", 62, 3, 2],
    ["enforce", 0, 3, 3],
    ["enforce", 64, 2, 0],
  ] as const)("%s: %i approved + %i pending approves %i", async (mode, approved, pending, expected) => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    for (let i = 0; i < approved; i++) arm.addConnection(RELAY_ID, `a${i}`, "Approved");
    for (let i = 0; i < pending; i++) arm.addConnection(RELAY_ID, `p${i}`, "Pending");
    const result = await reconcileTarget(RELAY_ID, makeDeps(arm, policyOf(capAt64, mode)));
    expect(result.decisions.filter((d) => d.action === "approve")).toHaveLength(expected);
    expect(arm.puts).toHaveLength(mode === "enforce" ? expected : 0);
  });
});
