/**
 * The sweep judges managed requests as reconcile does: its facts carry requester.managedBy from the inventory's
 * definitions, filtered to the policy's owners exactly as a reader filters them.
 */
import { check as approvedOutsidePolicy } from "../../../src/core/checks/connection-approved-outside-policy";
import { check as missedEvent } from "../../../src/core/checks/connection-missed-event";
import { emptyInventory, type Inventory } from "../../../src/core/inventory";
import { definitionsUnder, readFromInventory } from "../../../src/core/managed";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import { connectionDescription, evaluate, managedOwnerGlobs, parsePolicy } from "../../../src/core/policy";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { runSweep } from "../../../src/core/sweep";
import type { ManagedEndpointDefinition } from "../../../src/ports";
import { FakeTenants, PLS_ID, PROVIDER_SUB } from "../reconcile/fakes";
import { FixedCollector } from "../sweep/fakes";

const T0 = new Date("2026-11-24T10:00:00Z");
const PROFILE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const OTHER = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-other/providers/Microsoft.Cdn/profiles/x`;
const MANAGED_PE = `/subscriptions/99999999-0000-0000-0000-00000000000f/resourceGroups/m/providers/Microsoft.Network/privateEndpoints/afd-pe`;

const origin = (owner: string, name: string): ManagedEndpointDefinition => ({
  service: "frontDoor",
  id: `${owner}/originGroups/og/origins/${name}`,
  ownerId: owner,
  targetId: PLS_ID,
  location: "westeurope",
  requestMessage: "afd o1",
});

const conn = (
  name: string,
  status: "Pending" | "Approved",
  description: string,
): PrivateEndpointConnection => ({
  id: `${PLS_ID}/privateEndpointConnections/${name}`,
  name,
  targetId: PLS_ID,
  privateEndpointId: MANAGED_PE,
  privateEndpointLocation: "westeurope",
  status,
  description,
});

function runtime(): PolicyRuntime {
  const parsed = parsePolicy(
    `apiVersion: linkgate/v1
rules:
  - id: edge
    when: { requester: { managedBy: { frontDoor: ["**/rg-edge/providers/Microsoft.Cdn/profiles/*"] } } }
    action: approve
`,
    "p.yaml",
  );
  if ("errors" in parsed) throw new Error("bad policy");
  const owners = managedOwnerGlobs(parsed.policy);
  return {
    mode: "audit",
    source: "p.yaml",
    decide: (f) => evaluate(parsed.policy, f),
    describe: (d) => connectionDescription(d),
    ...(owners ? { managedOwners: owners } : {}),
  };
}

function inventory(
  connections: PrivateEndpointConnection[],
  defs: ManagedEndpointDefinition[] | undefined,
): Inventory {
  const inv: Inventory = {
    ...emptyInventory(T0.toISOString(), 60),
    subscriptions: [{ subscriptionId: PROVIDER_SUB }],
    privateLinkServices: [
      {
        id: PLS_ID,
        name: "pls1",
        type: "Microsoft.Network/privateLinkServices",
        location: "westeurope",
        tags: {},
        properties: {},
      },
    ],
    connections,
  };
  if (defs) inv.managedDefinitions = defs;
  return inv;
}

async function sweep(inv: Inventory) {
  return runSweep(
    {
      collector: new FixedCollector(inv),
      checks: [approvedOutsidePolicy, missedEvent],
      telemetry: {
        trackEvent: () => {},
        trackMetric: () => {},
        trackException: () => {},
        flush: async () => {},
      },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      clock: { now: () => T0 },
      tenants: new FakeTenants(),
      policy: runtime(),
    } as unknown as Parameters<typeof runSweep>[0],
    {
      scope: { subscriptions: [PROVIDER_SUB] },
      settings: { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 },
      reconcile: false,
    },
  );
}

describe("sweep facts with managed definitions", () => {
  it.each<[string, PrivateEndpointConnection[], ManagedEndpointDefinition[] | undefined, string[]]>([
    [
      "an Approved Front Door connection its origin vouches for is within policy",
      [conn("c1", "Approved", "[linkgate:edge] ok")],
      [origin(PROFILE, "o1")],
      [],
    ],
    [
      "a Pending one its origin vouches for is a missed event (the policy approves it)",
      [conn("c1", "Pending", "afd o1")],
      [origin(PROFILE, "o1")],
      ["connection-missed-event c1"],
    ],
    [
      "a definition under an owner the policy does not list does not make it ambiguous (filtered as a reader filters)",
      [conn("c1", "Pending", "afd o1")],
      [origin(PROFILE, "o1"), origin(OTHER, "o1")],
      ["connection-missed-event c1"],
    ],
    [
      "no definitions in the inventory: managedBy unknown, so the Approved one is not vouched for",
      [conn("c1", "Approved", "[linkgate:edge] ok")],
      undefined,
      ["connection-approved-outside-policy c1"],
    ],
  ])("%s", async (_name, connections, defs, expected) => {
    const r = await sweep(inventory(connections, defs));
    expect(r.findings.map((f) => `${f.checkId} ${f.resourceId.split("/").pop()}`)).toEqual(expected);
  });
});

describe("readFromInventory / definitionsUnder", () => {
  it("keeps the target's definitions under the owners, per service, case-insensitively", () => {
    const defs = [
      origin(PROFILE, "o1"),
      origin(OTHER, "o2"),
      { ...origin(PROFILE, "o3"), targetId: "/subscriptions/x/y" },
    ];
    expect(definitionsUnder(defs, { frontDoor: [PROFILE.toUpperCase()] }).map((d) => d.id)).toEqual([
      origin(PROFILE, "o1").id,
      `${PROFILE}/originGroups/og/origins/o3`,
    ]);
    expect(definitionsUnder(defs, { search: ["**"] })).toEqual([]);
    expect(readFromInventory(defs, { frontDoor: ["**"] }, PLS_ID)).toEqual({
      kind: "read",
      definitions: [origin(PROFILE, "o1"), origin(OTHER, "o2")],
    });
    expect(readFromInventory(defs, undefined, PLS_ID)).toBeUndefined();
    expect(readFromInventory(undefined, { frontDoor: ["**"] }, PLS_ID)).toMatchObject({ kind: "unknown" });
  });
});
