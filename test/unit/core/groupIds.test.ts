/**
 * Group ids come from where each provider exposes them: the official Relay connection carries none, so the
 * namespace's single group id stands in; a Private Link Service has none; unknown types stay unknown.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connectionFromArm } from "../../../src/adapters/arm/armReader";
import { buildFacts } from "../../../src/core/facts";
import { groupIdSource, resolveGroupIds } from "../../../src/core/groupIds";
import type { TargetResource } from "../../../src/core/model";
import { evaluate, parsePolicy, type Policy } from "../../../src/core/policy";

const root = join(__dirname, "../../..");
// The official examples, kept unchanged in the repo (test/fixtures/arm/README.md).
const relayExamples = join(root, "test/fixtures/arm/relay/PrivateEndpointConnections");

function examplePolicy(): Policy {
  const r = parsePolicy(readFileSync(join(root, "examples/policy.yaml"), "utf8"), "examples/policy.yaml");
  if ("errors" in r) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.policy;
}

describe("resolveGroupIds", () => {
  it.each([
    ["connection's own group ids win", "Microsoft.Sql/servers", ["sqlServer"], undefined, ["sqlServer"]],
    [
      "Relay: the namespace's single group id",
      "Microsoft.Relay/namespaces",
      undefined,
      undefined,
      ["namespace"],
    ],
    ["Relay, any casing of the type", "microsoft.relay/Namespaces", [], undefined, ["namespace"]],
    [
      "Relay: a connection that does carry group ids keeps them",
      "Microsoft.Relay/namespaces",
      ["x"],
      undefined,
      ["x"],
    ],
    ["PLS: no group ids at all", "Microsoft.Network/privateLinkServices", undefined, ["a"], undefined],
    [
      "Service Bus: connection carries none, group not established",
      "Microsoft.ServiceBus/namespaces",
      undefined,
      undefined,
      undefined,
    ],
    [
      "unknown type, no connection group ids: unknown",
      "Microsoft.Contoso/things",
      undefined,
      undefined,
      undefined,
    ],
    [
      "unknown type, target exposes exactly one group id",
      "Microsoft.Contoso/things",
      undefined,
      ["only"],
      ["only"],
    ],
    [
      "unknown type, target exposes several: which one is unknown",
      "Microsoft.Contoso/things",
      undefined,
      ["a", "b"],
      undefined,
    ],
    ["no type at all", undefined, undefined, undefined, undefined],
  ] as const)("%s", (_name, type, fromConnection, fallback, expected) => {
    expect(resolveGroupIds(type, fromConnection, fallback)).toEqual(expected);
  });

  it("Relay's single group id is the one its PrivateLinkResourcesList example lists", () => {
    const list = JSON.parse(readFileSync(join(relayExamples, "PrivateLinkResourcesList.json"), "utf8")) as {
      responses: { "200": { body: { value: { properties: { groupId: string } }[] } } };
    };
    const groups = list.responses["200"].body.value.map((r) => r.properties.groupId);
    expect(groups).toEqual(["namespace"]);
    expect(resolveGroupIds("Microsoft.Relay/namespaces", undefined)).toEqual(groups);
  });

  it("names the spec each entry was read from", () => {
    expect(groupIdSource("Microsoft.Relay/namespaces")?.spec).toMatch(/PrivateLinkResourcesList\.json/);
    expect(groupIdSource("Microsoft.Contoso/things")).toBeUndefined();
  });
});

describe("the official Relay connection shape", () => {
  const example = JSON.parse(
    readFileSync(join(relayExamples, "PrivateEndpointConnectionsGet.json"), "utf8"),
  ) as { responses: { "200": { body: Record<string, unknown> } } };
  const body = example.responses["200"].body;
  const NS =
    "/subscriptions/bbbbbbbb-2222-4222-8222-222222222222/resourceGroups/prod-messaging/providers/Microsoft.Relay/namespaces/relay-prod-weu";
  const CORP = "00000000-0000-0000-0000-000000000001";
  // The example's shape exactly (no groupIds); only the identity and message values are the corp team's.
  const raw = {
    ...body,
    id: `${NS}/privateEndpointConnections/pe-orders-relay.conn`,
    name: "pe-orders-relay.conn",
    properties: {
      ...(body["properties"] as Record<string, unknown>),
      privateEndpoint: {
        id: "/subscriptions/aaaaaaaa-1111-4111-8111-111111111111/resourceGroups/rg-app-orders/providers/Microsoft.Network/privateEndpoints/pe-orders-relay",
      },
      privateLinkServiceConnectionState: { status: "Pending", description: "CHG0012345 orders API listener" },
    },
  };
  const target: TargetResource = {
    id: NS,
    type: "Microsoft.Relay/namespaces",
    name: "relay-prod-weu",
    subscriptionId: "bbbbbbbb-2222-4222-8222-222222222222",
    resourceGroup: "prod-messaging",
    location: "westeurope",
    tags: { "linkgate-auto-approve": "true" },
  };

  it("carries no groupIds", () => {
    expect("groupIds" in (body["properties"] as Record<string, unknown>)).toBe(false);
    expect(connectionFromArm(raw, NS).groupIds).toBeUndefined();
  });

  it("asks for the namespace group and matches examples/policy.yaml's corp-tenant-relay", () => {
    const connection = connectionFromArm(raw, NS);
    const facts = buildFacts({
      connection,
      target,
      connections: [connection],
      requesterTenantId: CORP,
      targetTenantId: CORP,
      now: new Date("2025-03-28T08:30:00Z"), // Friday 09:30 in Amsterdam
    });
    expect(facts.target.groupIds).toEqual(["namespace"]);
    const d = evaluate(examplePolicy(), facts);
    expect([d.action, d.ruleId]).toEqual(["approve", "corp-tenant-relay"]);
  });
});
