/**
 * core/whatif over the checks' test estate (one PLS, one Relay namespace, both with an Approved connection)
 * and fake tenants: only changed outcomes are reported, grouped by transition; Pending approvals fold into
 * later counts on the same target; revocations (rule and expiry) appear only under a policy that opts in;
 * the guard forecast; facts use resolved tenants.
 */
import type { Policy } from "../../../src/core/policy";
import { whatIf } from "../../../src/core/whatif/whatIf";
import {
  byIdIn,
  connectionRaw,
  CONSUMER_SUB,
  healthyEstate,
  IDS,
  inventory,
  NOW,
  set,
  type Json,
} from "../checks/builders";
import { FakeTenants } from "../reconcile/fakes";

const policy = (rules: Policy["rules"], extra: Partial<Policy> = {}): Policy => ({
  apiVersion: "linkgate/v1",
  mode: "enforce",
  default: "pending",
  rules,
  ...extra,
});
const EMPTY = policy([]);

function estate(pending: number, description?: string) {
  const e = healthyEstate();
  const pls = byIdIn(e.pls, IDS.pls);
  const list = (pls["properties"] as Json)["privateEndpointConnections"] as Json[];
  for (let i = 1; i <= pending; i++) {
    list.push(connectionRaw(`${IDS.pls}/privateEndpointConnections/p${i}`, `${IDS.peApp}${i}`, "Pending"));
  }
  if (description !== undefined) {
    set(
      byIdIn(e.paas, IDS.relay),
      "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.description",
      description,
    );
  }
  return inventory(e);
}

const run = (
  inv: ReturnType<typeof estate>,
  oldPolicy: Policy,
  newPolicy: Policy,
  tenants = new FakeTenants(),
) => whatIf({ inventory: inv, oldPolicy, newPolicy, tenants, now: NOW });

describe("whatIf", () => {
  it("the same policy on both sides: no change", async () => {
    const r = await run(estate(2), EMPTY, EMPTY);
    expect(r).toMatchObject({ changes: [], summary: [], connections: 4, unchanged: 4 });
  });

  it("groups by transition with the deciding rule under each policy; Approved ones are 'would', never written", async () => {
    const approveConsumer = policy([
      { id: "consumer", action: "approve", when: { requester: { subscriptions: [CONSUMER_SUB] } } },
    ]);
    const r = await run(estate(2), EMPTY, approveConsumer);
    expect(r.summary).toEqual([
      { transition: "Approved → would approve", count: 1 },
      { transition: "Pending → approve", count: 2 },
    ]);
    expect(r.changes.map((c) => [c.connectionId.split("/").pop(), c.old.ruleId, c.new.ruleId])).toEqual([
      ["pe-app.conn", "default", "consumer"],
      ["p1", "default", "consumer"],
      ["p2", "default", "consumer"],
    ]);
    expect(r.changes[1]?.new.reasons.at(-1)).toContain(
      `rule consumer: matched: requester.subscriptions: subscription ${CONSUMER_SUB}`,
    );
    expect(r.guard).toBeUndefined();
  });

  it("Pending approvals fold into the next one's count on the same target (maxApprovedPerTarget)", async () => {
    // pe-app.conn is Approved already: with a cap of 2, p1 makes 2 and p2 would make 3.
    const capped = policy([{ id: "capped", action: "approve", limits: { maxApprovedPerTarget: 2 } }]);
    const r = await run(estate(2), EMPTY, capped);
    const byName = new Map(r.changes.map((c) => [c.connectionId.split("/").pop(), c]));
    expect(byName.get("p1")?.transition).toBe("Pending → approve");
    expect(byName.has("p2")).toBe(false);
  });

  it("tenants come from the resolver: a tenant rule decides only when the tenant is known", async () => {
    const byTenant = policy([
      {
        id: "tenant",
        action: "approve",
        when: { requester: { tenants: ["bbbbbbbb-0000-0000-0000-000000000002"] } },
      },
    ]);
    const known = await run(estate(1), EMPTY, byTenant);
    expect(known.summary).toContainEqual({ transition: "Pending → approve", count: 1 });
    const blind = new FakeTenants();
    blind.known.clear();
    const unknown = await run(estate(1), EMPTY, byTenant, blind);
    expect(unknown.summary.find((s) => s.transition === "Pending → approve")).toBeUndefined();
  });

  it.each([
    ["no revocation opt-in: a revoke rule is a 'would reject'", undefined, "Approved → would reject"],
    ["enforce: revoke", { mode: "enforce" as const, maxPerSweep: 5 }, "Approved → revoke"],
    ["audit: revoke (audit)", { mode: "audit" as const, maxPerSweep: 5 }, "Approved → revoke (audit)"],
  ])("%s", async (_n, revocation, transition) => {
    const offboard = policy(
      [{ id: "off", action: "reject", revoke: true }],
      revocation ? { revocation } : {},
    );
    const r = await run(estate(0), EMPTY, offboard);
    expect(r.summary).toEqual([{ transition, count: 2 }]);
  });

  it("an expired linkgate approval is a revocation only under a policy that opts in; the guard forecast counts it", async () => {
    const expired = "[linkgate:temp] until 2025-03-01 11:00 UTC; Approved";
    const optIn = policy([], { revocation: { mode: "enforce", maxPerSweep: 0 } });
    const r = await run(estate(0, expired), EMPTY, optIn);
    expect(r.summary).toEqual([{ transition: "Approved → revoke", count: 1 }]);
    expect(r.changes[0]?.new.revocation).toMatchObject({
      reason: "expired",
      ruleId: "temp",
      expiresAt: "2025-03-01T11:00:00Z",
    });
    expect(r.guard).toEqual({ mode: "enforce", maxPerSweep: 0, wouldRevoke: 1, tripped: true });
    expect((await run(estate(0, expired), optIn, optIn)).changes).toEqual([]);
  });

  it("a failed tenant lookup is reported as a collection error, not silently unknown", async () => {
    const failing = new FakeTenants();
    failing.tenantOfSubscription = async (sub: string) => {
      throw new Error(`throttled reading ${sub}`);
    };
    const inv = estate(1);
    inv.subscriptions.length = 0;
    const r = await run(inv, EMPTY, EMPTY, failing);
    expect(r.collectionErrors.length).toBeGreaterThan(0);
    for (const e of r.collectionErrors) {
      expect(e.scope).toMatch(/^\/subscriptions\/[^/]+$/);
      expect(e.message).toMatch(/tenant lookup failed: throttled reading .*unknown/);
    }
    // The input inventory is not changed by the report.
    expect(inv.collectionErrors).toEqual([]);
  });

  it("carries collection errors (the CLI exits 2 on them)", async () => {
    const inv = estate(0);
    inv.collectionErrors.push({ scope: "/subscriptions/x", message: "403", kind: "scope" });
    expect((await run(inv, EMPTY, EMPTY)).collectionErrors).toHaveLength(1);
  });
});
