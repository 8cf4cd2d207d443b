import {
  compareDefinition,
  corroborate,
  corroborateTarget,
  strengthOf,
  type CorroborationMemo,
  type DefinitionLike,
} from "../../../src/core/managed/corroborate";
import type { ManagedByFacts, PrivateEndpointConnection, TargetResource } from "../../../src/core/model";
import { normalizeResourceId } from "../../../src/core/resourceId";

const SUB = "11111111-1111-1111-1111-111111111111";
const PLS_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls1`;
const SA_ID = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/sa1`;
const PROFILE = `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1`;
const FACTORY = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf1`;
const FACTORY2 = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf2`;
const SEARCH = `/subscriptions/${SUB}/resourceGroups/rg-search/providers/Microsoft.Search/searchServices/srch1`;
const MANAGED_PE = (name: string) =>
  `/subscriptions/99999999-0000-0000-0000-00000000000f/resourceGroups/eg-afd-managed/providers/Microsoft.Network/privateEndpoints/${name}`;

const pls: TargetResource = {
  id: PLS_ID,
  type: "Microsoft.Network/privateLinkServices",
  name: "pls1",
  subscriptionId: SUB,
  resourceGroup: "rg-net",
  location: "westeurope",
  tags: {},
};
// Storage is not in groupIds.ts's table: the connection's own groupIds are the fact.
const storage: TargetResource = {
  id: SA_ID,
  type: "Microsoft.Storage/storageAccounts",
  name: "sa1",
  subscriptionId: SUB,
  resourceGroup: "rg-data",
  tags: {},
  groupIds: ["blob", "file", "dfs"],
};

function conn(
  target: TargetResource,
  name: string,
  over: Partial<PrivateEndpointConnection> = {},
): PrivateEndpointConnection {
  return {
    id: `${target.id}/privateEndpointConnections/${name}`,
    name,
    targetId: target.id,
    privateEndpointId: MANAGED_PE(`pe-${name}`),
    status: "Pending",
    description: "edge request 42",
    ...over,
  };
}

const origin = (name: string, over: Partial<DefinitionLike> = {}): DefinitionLike => ({
  service: "frontDoor",
  id: `${PROFILE}/originGroups/og1/origins/${name}`,
  ownerId: PROFILE,
  targetId: PLS_ID,
  location: "westeurope",
  requestMessage: "edge request 42",
  ...over,
});
const mpe = (factory: string, name: string, over: Partial<DefinitionLike> = {}): DefinitionLike => ({
  service: "dataFactory",
  id: `${factory}/managedVirtualNetworks/default/managedPrivateEndpoints/${name}`,
  ownerId: factory,
  targetId: SA_ID,
  groupId: "blob",
  ...over,
});
const spl = (name: string, over: Partial<DefinitionLike> = {}): DefinitionLike => ({
  service: "search",
  id: `${SEARCH}/sharedPrivateLinkResources/${name}`,
  ownerId: SEARCH,
  targetId: SA_ID,
  groupId: "blob",
  requestMessage: "search indexer",
  ...over,
});

describe("compareDefinition: every field the definition gives", () => {
  it.each<[string, PrivateEndpointConnection, TargetResource, DefinitionLike, string[] | string]>([
    [
      "Front Door origin: target, location and message",
      conn(pls, "c1", { privateEndpointLocation: "West Europe" }),
      pls,
      origin("o1"),
      ["targetId", "location", "requestMessage"],
    ],
    ["another target", conn(pls, "c1"), pls, origin("o1", { targetId: SA_ID }), "targetId"],
    [
      "another region",
      conn(pls, "c1", { privateEndpointLocation: "northeurope" }),
      pls,
      origin("o1"),
      "location",
    ],
    [
      "another message",
      conn(pls, "c1", { privateEndpointLocation: "westeurope", description: "edge request 43" }),
      pls,
      origin("o1"),
      "requestMessage",
    ],
    [
      "message compared exactly (case)",
      conn(pls, "c1", { privateEndpointLocation: "westeurope", description: "Edge request 42" }),
      pls,
      origin("o1"),
      "requestMessage",
    ],
    [
      "Data Factory: target and group",
      conn(storage, "c1", { groupIds: ["blob"], description: undefined }),
      storage,
      mpe(FACTORY, "m1"),
      ["targetId", "groupId"],
    ],
    ["another group", conn(storage, "c1", { groupIds: ["file"] }), storage, mpe(FACTORY, "m1"), "groupId"],
    [
      "endpoint name hint against the connection name",
      conn(storage, "adf1.m1", { groupIds: ["blob"] }),
      storage,
      mpe(FACTORY, "m1", { endpointNameHint: "ADF1.m1" }),
      ["targetId", "groupId", "endpointName"],
    ],
    [
      "endpoint name hint against the private endpoint's name",
      conn(storage, "c9", { groupIds: ["blob"], privateEndpointId: MANAGED_PE("adf1.m1") }),
      storage,
      mpe(FACTORY, "m1", { endpointNameHint: "adf1.m1" }),
      ["targetId", "groupId", "endpointName"],
    ],
    [
      "endpoint name hint that neither name shows",
      conn(storage, "c9", { groupIds: ["blob"] }),
      storage,
      mpe(FACTORY, "m1", { endpointNameHint: "adf1.m1" }),
      "endpointName",
    ],
    [
      "AI Search: target, group and message",
      conn(storage, "c1", { groupIds: ["blob"], description: "search indexer" }),
      storage,
      spl("s1"),
      ["targetId", "groupId", "requestMessage"],
    ],
  ])("%s", (_name, c, target, d, expected) => {
    const r = compareDefinition(c, target, d);
    if (typeof expected === "string") {
      expect("mismatch" in r && r.mismatch.field).toBe(expected);
    } else {
      expect("match" in r && r.match.matched).toEqual(expected);
    }
  });

  it("never echoes a message in a mismatch", () => {
    const r = compareDefinition(
      conn(pls, "c1", { privateEndpointLocation: "westeurope", description: "<script>evil</script>" }),
      pls,
      origin("o1"),
    );
    expect("mismatch" in r && r.mismatch.detail).toMatch(/15 characters.*21 characters/);
    expect(JSON.stringify(r)).not.toContain("evil");
  });

  it.each<[string, PrivateEndpointConnection, string[]]>([
    ["no location on the connection", conn(pls, "c1"), ["location"]],
    [
      "an Approved connection no longer shows the message",
      conn(pls, "c1", { status: "Approved", privateEndpointLocation: "westeurope", description: "ok" }),
      ["requestMessage"],
    ],
  ])("unchecked, not excluded: %s", (_name, c, unchecked) => {
    const r = compareDefinition(c, pls, origin("o1"));
    expect("match" in r && r.match.unchecked).toEqual(unchecked);
  });
});

describe("strengthOf", () => {
  it.each<[string[], string]>([
    [["targetId"], "weak"],
    [["targetId", "groupId"], "weak"],
    [["targetId", "requestMessage"], "weak"],
    [["targetId", "location", "requestMessage"], "strong"],
    [["targetId", "groupId", "requestMessage"], "strong"],
    [["targetId", "endpointName"], "strong"],
  ])("%j is %s", (fields, strength) => {
    expect(strengthOf(fields as Parameters<typeof strengthOf>[0])).toBe(strength);
  });
});

describe("corroborateTarget", () => {
  const at = (m: Map<string, ManagedByFacts>, c: PrivateEndpointConnection) => m.get(c.id.toLowerCase());

  it("corroborated: one definition, one live claimant, with strength and fields", () => {
    const c = conn(pls, "c1", { privateEndpointLocation: "westeurope" });
    const f = at(corroborateTarget(pls, [c], [origin("o1")]), c);
    expect(f).toMatchObject({
      outcome: "corroborated",
      service: "frontDoor",
      definitionId: origin("o1").id,
      ownerId: PROFILE,
      strength: "strong",
      matchedFields: ["targetId", "location", "requestMessage"],
    });
  });

  it("none: says what was looked for and why each definition of the target missed, never the message", () => {
    const c = conn(pls, "c1", { privateEndpointLocation: "westeurope", description: "look-alike" });
    const f = at(corroborateTarget(pls, [c], [origin("o1", { requestMessage: "edge request 42" })]), c);
    expect(f?.outcome).toBe("none");
    expect(f?.detail).toMatch(
      /^no definition read names target .*pls1, location westeurope, the connection's request message \(10 characters\); Front Door origin .*origins\/o1 asks with a request message of 15 characters/,
    );
    expect(f?.detail).not.toContain("look-alike");
  });

  it("none with no definition at all for the target", () => {
    const c = conn(pls, "c1");
    const f = at(corroborateTarget(pls, [c], [origin("o1", { targetId: SA_ID })]), c);
    expect(f).toMatchObject({ outcome: "none" });
    expect(f?.detail).toMatch(/no definition read names this target at all/);
  });

  it("ambiguous: two live connections claim one definition (the look-alike and the real one)", () => {
    const real = conn(pls, "c1", { privateEndpointLocation: "westeurope" });
    const lookAlike = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    const m = corroborateTarget(pls, [real, lookAlike], [origin("o1")]);
    for (const [c, rival] of [
      [real, lookAlike],
      [lookAlike, real],
    ] as const) {
      expect(at(m, c)).toMatchObject({
        outcome: "ambiguous",
        candidates: [{ service: "frontDoor", definitionId: origin("o1").id, ownerId: PROFILE }],
        rivalConnectionIds: [rival.id],
      });
    }
  });

  it("many look-alikes: a bounded few rivals named, the rest counted", () => {
    const lookAlikes = Array.from({ length: 9 }, (_, i) =>
      conn(pls, `x${i}`, { privateEndpointLocation: "westeurope" }),
    );
    const f = at(
      corroborateTarget(pls, lookAlikes, [origin("o1")]),
      lookAlikes[0] as PrivateEndpointConnection,
    );
    expect(f?.rivalConnectionIds).toHaveLength(5);
    expect(f?.detail).toMatch(/claimed by 9 live connections.* and 3 more$/);
  });

  it("ambiguous: an Approved connection already claims the definition (message no longer comparable)", () => {
    const approved = conn(pls, "c1", {
      status: "Approved",
      privateEndpointLocation: "westeurope",
      description: "[linkgate:edge] ok",
    });
    const pending = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    const f = at(corroborateTarget(pls, [approved, pending], [origin("o1")]), pending);
    expect(f?.outcome).toBe("ambiguous");
    expect(f?.detail).toMatch(/claimed by 2 live connections.*c1 \(Approved\)/);
  });

  it("an Approved connection that shows nothing but the target still rivals a Pending one (it may be the definition's)", () => {
    // No privateEndpointLocation on it: nothing it shows excludes it, so it may be the origin's own connection.
    const approved = conn(pls, "c1", { status: "Approved", description: "[linkgate:x] ok" });
    const pending = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    expect(at(corroborateTarget(pls, [approved, pending], [origin("o1")]), pending)?.outcome).toBe(
      "ambiguous",
    );
  });

  it("a look-alike copying the message is not approved once the real connection is Approved (storage shows no group ids)", () => {
    // The real AI Search connection was approved: its description is now the owner's, and a storage
    // connection carries no group ids, so only the target can be compared with it.
    const real = conn(storage, "real", { status: "Approved", description: "[linkgate:search] Approved" });
    const lookAlike = conn(storage, "copy", { description: "search indexer" });
    const f = at(
      corroborateTarget(storage, [real, lookAlike], [spl("s1", { status: "Approved" })]),
      lookAlike,
    );
    expect(f?.outcome).toBe("ambiguous");
    const g = at(corroborateTarget(storage, [real, lookAlike], [spl("s1")]), lookAlike);
    expect(g?.outcome).toBe("ambiguous");
  });

  it("a definition that already reports its connection Approved vouches for no Pending one (even when the list lags)", () => {
    const lookAlike = conn(storage, "copy", { description: "search indexer", groupIds: ["blob"] });
    const f = at(corroborateTarget(storage, [lookAlike], [spl("s1", { status: "Approved" })]), lookAlike);
    expect(f?.outcome).toBe("ambiguous");
    expect(f?.detail).toMatch(/already reports its connection Approved/);
    // Pending (or no status) leaves the claim to the connections themselves.
    for (const status of ["Pending", undefined]) {
      const g = at(corroborateTarget(storage, [lookAlike], [spl("s1", { status })]), lookAlike);
      expect(g?.outcome).toBe("corroborated");
    }
  });

  it("an Approved connection from the owner's own subscription is not a managed endpoint and rivals nothing", () => {
    const own = conn(pls, "c1", {
      status: "Approved",
      description: "[linkgate:x] ok",
      privateEndpointId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-app`,
    });
    const pending = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    const m = corroborateTarget(pls, [own, pending], [origin("o1")]);
    expect(at(m, pending)?.outcome).toBe("corroborated");
    // Nor does an own-subscription request claim the definition: no managed service created it.
    const ownPending = { ...own, status: "Pending" as const, description: "edge request 42" };
    const f = at(corroborateTarget(pls, [ownPending], [origin("o1")]), ownPending);
    expect(f?.outcome).toBe("none");
    expect(f?.detail).toMatch(/owner's own subscription/);
  });

  it("a connection whose status is unknown still rivals a Pending claimant", () => {
    const unknown = conn(pls, "c1", {
      status: undefined,
      rawStatus: "Frozen",
      privateEndpointLocation: "westeurope",
    });
    const pending = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    expect(at(corroborateTarget(pls, [unknown, pending], [origin("o1")]), pending)?.outcome).toBe(
      "ambiguous",
    );
  });

  it("Rejected and Disconnected connections no longer claim a definition", () => {
    const rejected = conn(pls, "c1", { status: "Rejected", privateEndpointLocation: "westeurope" });
    const pending = conn(pls, "c2", { privateEndpointLocation: "westeurope" });
    expect(at(corroborateTarget(pls, [rejected, pending], [origin("o1")]), pending)?.outcome).toBe(
      "corroborated",
    );
  });

  it("ambiguous: one connection matches two definitions, every candidate named", () => {
    const c = conn(storage, "c1", { groupIds: ["blob"] });
    const f = at(corroborateTarget(storage, [c], [mpe(FACTORY, "m1"), mpe(FACTORY2, "m1")]), c);
    expect(f?.outcome).toBe("ambiguous");
    expect(f?.candidates?.map((x) => x.ownerId)).toEqual([FACTORY, FACTORY2]);
    expect(f?.detail).toMatch(/matches 2 definitions/);
  });

  it("the endpoint name hint separates two factories' endpoints to one target", () => {
    const a = conn(storage, "adf1.m1", { groupIds: ["blob"] });
    const b = conn(storage, "adf2.m1", { groupIds: ["blob"] });
    const defs = [
      mpe(FACTORY, "m1", { endpointNameHint: "adf1.m1" }),
      mpe(FACTORY2, "m1", { endpointNameHint: "adf2.m1" }),
    ];
    const m = corroborateTarget(storage, [a, b], defs);
    expect(at(m, a)).toMatchObject({ outcome: "corroborated", ownerId: FACTORY, strength: "strong" });
    expect(at(m, b)).toMatchObject({ outcome: "corroborated", ownerId: FACTORY2, strength: "strong" });
  });

  it("Front Door origins of one profile sharing link, group, region and message are one endpoint", () => {
    const c = conn(pls, "c1", { privateEndpointLocation: "westeurope" });
    const f = at(corroborateTarget(pls, [c], [origin("o2"), origin("o1")]), c);
    expect(f).toMatchObject({ outcome: "corroborated", definitionId: origin("o1").id });
    expect(f?.detail).toMatch(/shares its private endpoint with .*origins\/o2/);
  });

  it("the same origins in two profiles are two definitions: ambiguous", () => {
    const other = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Cdn/profiles/afd2";
    const c = conn(pls, "c1", { privateEndpointLocation: "westeurope" });
    const f = at(
      corroborateTarget(
        pls,
        [c],
        [origin("o1"), origin("o1", { ownerId: other, id: `${other}/originGroups/g/origins/o1` })],
      ),
      c,
    );
    expect(f?.outcome).toBe("ambiguous");
  });

  it("corroborate: a single connection, and a non-live one is none", () => {
    const c = conn(storage, "c1", { groupIds: ["blob"], description: "search indexer" });
    expect(corroborate(c, storage, [], [spl("s1")])).toMatchObject({
      outcome: "corroborated",
      strength: "strong",
    });
    expect(corroborate({ ...c, status: "Disconnected" }, storage, [], [spl("s1")]).outcome).toBe("none");
  });
});

describe("corroborate with a memo (one corroboration per connections list)", () => {
  const defs = [origin("o1")];

  it("corroborates a list once and answers each of its connections from the memo", () => {
    const a = conn(pls, "a");
    const b = conn(pls, "b", { description: "something else" });
    const list = [a, b];
    const memo: CorroborationMemo = new WeakMap();
    const first = corroborate(a, pls, list, defs, memo);
    expect(first.outcome).toBe("corroborated");
    expect(memo.get(list)?.size).toBe(2);
    // The same object: answered from the memo, not corroborated again.
    expect(corroborate(a, pls, list, defs, memo)).toBe(first);
    expect(corroborate(b, pls, list, defs, memo)).toBe(memo.get(list)?.get(normalizeResourceId(b.id)));
    expect(corroborate(b, pls, list, defs, memo)).toEqual(corroborate(b, pls, list, defs));
    // A non-live connection of the list is none, memo or not.
    const gone = conn(pls, "gone", { status: "Rejected" });
    expect(corroborate(gone, pls, [a, gone], defs, memo).outcome).toBe("none");
  });

  it("a connection missing from a memoized list is corroborated with it added, not called not live", () => {
    const other = conn(pls, "other", { description: "something else" });
    const late = conn(pls, "late");
    const list = [other];
    const memo: CorroborationMemo = new WeakMap();
    corroborate(other, pls, list, defs, memo);
    const f = corroborate(late, pls, list, defs, memo);
    expect(f).toEqual(corroborate(late, pls, list, defs));
    expect(f.outcome).toBe("corroborated");
    // The list's memo stays the list's own.
    expect(memo.get(list)?.has(normalizeResourceId(late.id))).toBe(false);
  });
});
