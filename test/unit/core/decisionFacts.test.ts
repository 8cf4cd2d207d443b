/**
 * core/decisionFacts: the facts the sweep and what-if build from an inventory are the facts reconcile builds
 * from live reads of the same target, connections and tenants; a caller's view replaces the inventory's list;
 * an unknown target has no facts; live facts ask the resolver only for subscriptions they know.
 */
import { connectionsOf, estateOf } from "../../../src/core/checks/estate";
import { inventoryFacts } from "../../../src/core/decisionFacts/inventory";
import { liveFacts } from "../../../src/core/decisionFacts/live";
import {
  ManagedFacts,
  NO_INVENTORY_DEFINITIONS_REASON,
  readFromInventory,
} from "../../../src/core/managed/read";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import { targetFromInventory } from "../../../src/core/decisionFacts/inventory";
import { inventoryTenants } from "../../../src/core/tenants/inventoryTenants";
import type { ManagedOwnerGlobs } from "../../../src/ports";
import { byIdIn, connectionRaw, healthyEstate, IDS, inventory, NOW, type Json } from "../checks/builders";
import { CONSUMER_TENANT, FakeTenants, PROVIDER_TENANT } from "../reconcile/fakes";

const OWNERS: ManagedOwnerGlobs = { frontDoor: ["**"] };

function estate(withDefinitions: boolean) {
  const e = healthyEstate();
  const list = (byIdIn(e.pls, IDS.pls)["properties"] as Json)["privateEndpointConnections"] as Json[];
  list.push(connectionRaw(`${IDS.pls}/privateEndpointConnections/p1`, `${IDS.peApp}1`, "Pending"));
  if (withDefinitions) e.managedDefinitions = [];
  return inventory(e);
}

const pending = (inv: ReturnType<typeof estate>) =>
  inv.connections.find((c) => c.id.endsWith("/p1")) as PrivateEndpointConnection;

describe("inventoryFacts and liveFacts", () => {
  it.each([
    ["without managedBy", false, undefined],
    ["with managedBy from the inventory's definitions", true, OWNERS],
    ["with managedBy unknown (the inventory carries no definitions)", false, OWNERS],
  ])("build the same facts %s", async (_n, withDefinitions, owners) => {
    const inv = estate(withDefinitions);
    const tenants = new FakeTenants();
    const map = await inventoryTenants(inv, tenants, { onFailure: () => {} });
    const c = pending(inv);
    const fromInventory = inventoryFacts(inv, map, NOW, owners)(c);
    const target = targetFromInventory(estateOf(inv).pls.get(IDS.pls.toLowerCase()) ?? {});
    if (!target) throw new Error("the test estate's PLS has no target");
    const connections = connectionsOf(estateOf(inv), IDS.pls);
    const live = await liveFacts(c, target, connections, {
      tenants,
      clock: { now: () => NOW },
      managed: owners
        ? new ManagedFacts(readFromInventory(inv.managedDefinitions, owners, target.id))
        : undefined,
    });
    expect(fromInventory).toEqual(live);
    expect(live.requester.tenantId).toBe(CONSUMER_TENANT);
    expect(live.targetTenantId).toBe(PROVIDER_TENANT);
    expect(live.approvedCount).toBe(1);
    if (!owners) expect(live.requester.managedBy).toBeUndefined();
    else if (withDefinitions) expect(live.requester.managedBy?.outcome).toBe("none");
    else
      expect(live.requester.managedBy).toEqual({
        outcome: "unknown",
        detail: NO_INVENTORY_DEFINITIONS_REASON,
      });
  });

  it("inventoryFacts counts on the caller's view when given one, on the inventory's list otherwise", () => {
    const inv = estate(false);
    const factsFor = inventoryFacts(inv, new Map(), NOW);
    const c = pending(inv);
    const listed = connectionsOf(estateOf(inv), IDS.pls);
    expect(factsFor(c)?.approvedCount).toBe(1);
    const rejected = listed.map((x) => (x.status === "Approved" ? { ...x, status: "Rejected" as const } : x));
    expect(factsFor(c, rejected)?.approvedCount).toBe(0);
    const twice = [
      ...listed,
      { ...c, id: `${IDS.pls}/privateEndpointConnections/p2`, status: "Approved" as const },
    ];
    expect(factsFor(c, twice)?.approvedCount).toBe(2);
  });

  it("inventoryFacts has no facts for a target the inventory does not hold", () => {
    const inv = estate(false);
    const c = pending(inv);
    const elsewhere = {
      ...c,
      targetId: `${IDS.pls}-gone`,
      id: `${IDS.pls}-gone/privateEndpointConnections/p1`,
    };
    expect(inventoryFacts(inv, new Map(), NOW)(elsewhere)).toBeUndefined();
  });

  it("liveFacts does not ask for a requester tenant it cannot name, and reads the clock after the lookups", async () => {
    const inv = estate(false);
    const c = { ...pending(inv), privateEndpointId: undefined };
    const target = targetFromInventory(estateOf(inv).pls.get(IDS.pls.toLowerCase()) ?? {});
    if (!target) throw new Error("the test estate's PLS has no target");
    const asked: string[] = [];
    let looked = false;
    const facts = await liveFacts(c, target, [c], {
      tenants: {
        tenantOfSubscription: async (s) => {
          asked.push(s);
          looked = true;
          return "t";
        },
      },
      clock: { now: () => (looked ? NOW : new Date(0)) },
    });
    expect(asked).toEqual([target.subscriptionId]);
    expect(facts.requester.tenantId).toBeUndefined();
    expect(facts.at).toBe(NOW.toISOString());
  });
});
