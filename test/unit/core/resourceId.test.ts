import {
  connectionIdOf,
  parentResourceId,
  parseResourceId,
  resourceType,
  sameResourceId,
  splitConnectionId,
  tryParseResourceId,
} from "../../../src/core/resourceId";

const PLS = "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/pls1";

describe("parseResourceId", () => {
  it.each([
    [PLS, "sub1", "rg1", "Microsoft.Network/privateLinkServices", "pls1"],
    [
      `${PLS}/privateEndpointConnections/c1`,
      "sub1",
      "rg1",
      "Microsoft.Network/privateLinkServices/privateEndpointConnections",
      "c1",
    ],
    [
      "/SUBSCRIPTIONS/s/RESOURCEGROUPS/g/PROVIDERS/Microsoft.Relay/namespaces/ns/",
      "s",
      "g",
      "Microsoft.Relay/namespaces",
      "ns",
    ],
    ["/subscriptions/s", "s", "", "", ""],
  ])("%s", (id, sub, rg, type, name) => {
    const p = parseResourceId(id);
    expect(p.subscriptionId).toBe(sub);
    expect(p.resourceGroup).toBe(rg);
    expect(resourceType(p)).toBe(type);
    expect(p.names[p.names.length - 1] ?? "").toBe(name);
  });

  it.each([
    "",
    "subscriptions/x",
    "/subscriptions/",
    "/subscriptions/s/resourceGroups/g/providers/Microsoft.X/t",
    "/foo/bar",
  ])("rejects %j", (id) => {
    expect(() => parseResourceId(id)).toThrow(/invalid ARM resource ID/);
    expect(tryParseResourceId(id)).toBeUndefined();
  });
});

describe("connection ids", () => {
  it("splits a connection id into its target and name", () => {
    expect(splitConnectionId(`${PLS}/privateEndpointConnections/c1`)).toEqual({ parentId: PLS, name: "c1" });
    expect(splitConnectionId(`${PLS}/privateEndpointConnectionProxies/c1`)).toEqual({
      parentId: PLS,
      name: "c1",
    });
    expect(splitConnectionId(PLS)).toBeUndefined();
    expect(parentResourceId(PLS)).toBeUndefined();
    expect(connectionIdOf(PLS, "c1")).toBe(`${PLS}/privateEndpointConnections/c1`);
  });

  it("compares case-insensitively", () => {
    expect(sameResourceId(PLS, PLS.toUpperCase() + "/")).toBe(true);
    expect(sameResourceId(PLS, undefined)).toBe(false);
  });
});
