import * as fs from "node:fs";
import * as path from "node:path";
import { isSystemEvent, type KnownSystemEventTypes } from "@azure/eventgrid";
import { ACCEPTED_EVENT_TYPES } from "../../../src/core/events/accepted";
import {
  hintFor,
  parseEvents,
  targetsOfPrivateEndpoint,
  type ParsedEvent,
} from "../../../src/core/events/parse";

const FIXTURES = path.join(__dirname, "../../fixtures/events");
const SUB = "11111111-1111-1111-1111-111111111111";
const RELAY = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Relay/namespaces/relay1`;
const PLS = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls1`;
const STORAGE = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata1`;

function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as unknown;
}

function only(parsed: ParsedEvent[]): ParsedEvent {
  expect(parsed).toHaveLength(1);
  return parsed[0] as ParsedEvent;
}

describe("parseEvents over the repo's fixtures", () => {
  const table: [string, string, object][] = [
    ["resource-write-success.storage.eventgrid.json", "ignored", {}],
    [
      "resource-write-success.connection-proxy.eventgrid.json",
      "accepted",
      { kind: "connection", targetId: RELAY },
    ],
    [
      "resource-write-success.pls-connection.cloudevent.json",
      "accepted",
      { kind: "connection", targetId: PLS },
    ],
    [
      "resource-write-success.private-endpoint.eventgrid.json",
      "accepted",
      {
        kind: "privateEndpoint",
        endpointId: `/subscriptions/${SUB}/resourceGroups/rg-app-1/providers/Microsoft.Network/privateEndpoints/pe-internal`,
      },
    ],
    [
      "resource-notifications-created-or-updated.eventgrid.json",
      "accepted",
      { kind: "target", targetId: STORAGE, targetType: "Microsoft.Storage/storageAccounts" },
    ],
    [
      "resource-notifications-created-or-updated.cloudevent.json",
      "accepted",
      { kind: "target", targetId: STORAGE },
    ],
    ["resource-notifications-deleted.eventgrid.json", "ignored", {}],
    [
      "resource-write-success.frontdoor-origin.eventgrid.json",
      "accepted",
      {
        kind: "definition",
        definitionId: `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd-web/originGroups/og-web/origins/o-web`,
      },
    ],
    [
      "resource-write-success.datafactory-mpe.eventgrid.json",
      "accepted",
      {
        kind: "definition",
        definitionId: `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf-etl/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-sql`,
      },
    ],
    [
      "resource-write-success.search-shared-private-link.eventgrid.json",
      "accepted",
      {
        kind: "definition",
        definitionId: `/subscriptions/${SUB}/resourceGroups/rg-search/providers/Microsoft.Search/searchServices/srch-docs/sharedPrivateLinkResources/spl-blob`,
      },
    ],
  ];

  it.each(table)("%s → %s", (file, status, hint) => {
    const p = only(parseEvents(fixture(file)));
    expect(p.status).toBe(status);
    if (p.status === "accepted") expect(p.hint).toMatchObject(hint);
    if (p.status === "ignored") expect(p.reason).toMatch(/not handled|does not concern/);
  });

  it("every fixture file is covered by the table and documented in the README", () => {
    const files = fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith(".json"))
      .sort();
    expect(files).toEqual(table.map((t) => t[0]).sort());
    const readme = fs.readFileSync(path.join(FIXTURES, "README.md"), "utf8");
    for (const f of files) expect(readme).toContain(f);
  });

  it("tells the schemas apart and agrees with @azure/eventgrid's isSystemEvent on the type names", () => {
    const eg = only(parseEvents(fixture("resource-notifications-created-or-updated.eventgrid.json")));
    const ce = only(parseEvents(fixture("resource-notifications-created-or-updated.cloudevent.json")));
    expect(eg.status === "accepted" && eg.event.schema).toBe("EventGrid");
    expect(ce.status === "accepted" && ce.event.schema).toBe("CloudEvents");
    // Compile-time: our accepted names are system event names the SDK knows.
    const known: readonly KnownSystemEventTypes[] = ACCEPTED_EVENT_TYPES;
    const raw = fixture("resource-write-success.connection-proxy.eventgrid.json") as Parameters<
      typeof isSystemEvent
    >[1];
    expect(isSystemEvent("Microsoft.Resources.ResourceWriteSuccess", raw)).toBe(true);
    expect(known).toContain("Microsoft.ResourceNotifications.Resources.CreatedOrUpdated");
  });

  it("takes the private endpoint's targets from a Resource Notifications body when it carries one", () => {
    const body = {
      properties: {
        privateLinkServiceConnections: [{ name: "a", properties: { privateLinkServiceId: PLS } }],
        manualPrivateLinkServiceConnections: [
          { name: "b", properties: { privateLinkServiceId: RELAY, groupIds: ["namespace"] } },
          { name: "junk", properties: { privateLinkServiceId: "not an id" } },
          "garbage",
        ],
      },
    };
    expect(targetsOfPrivateEndpoint(body)).toEqual({ targets: [PLS, RELAY], dropped: 0 });
    expect(targetsOfPrivateEndpoint({})).toEqual({ targets: [], dropped: 0 });
  });
});

describe("parseEvents on hostile or broken input", () => {
  const cases: [string, unknown, RegExp][] = [
    ["null", null, /expected a JSON object/],
    ["a string", "hello", /expected a JSON object/],
    ["empty array", [], /empty array/],
    ["no schema fields", { id: "x", data: {} }, /neither Event Grid schema/],
    ["no id", { eventType: "Microsoft.Resources.ResourceWriteSuccess", data: {} }, /"id"/],
    ["CloudEvents without type", { specversion: "1.0", id: "x", data: {} }, /"type"/],
    ["CloudEvents 0.3", { specversion: "0.3", id: "x", type: "t", data: {} }, /specversion/],
    // Found by npm run chaos: JSON can shadow toString/valueOf, and String() of such an object throws.
    [
      "specversion an object whose toString is not a function",
      JSON.parse('{"specversion":{"toString":1,"valueOf":2},"id":"x","type":"t","data":{}}'),
      /specversion/,
    ],
    ["specversion a number", { specversion: 1.0, id: "x", type: "t", data: {} }, /specversion/],
    [
      "data not an object",
      { eventType: "Microsoft.Resources.ResourceWriteSuccess", id: "x", data: "s" },
      /"data"/,
    ],
    [
      "accepted op without a resource",
      {
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        id: "x",
        data: { operationName: "Microsoft.Network/privateEndpoints/write" },
      },
      /no resource ID/,
    ],
    [
      "accepted op with a non-ARM resource",
      {
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        id: "x",
        data: {
          operationName: "Microsoft.Network/privateEndpoints/write",
          resourceUri: "https://evil.example/x",
        },
      },
      /not an ARM resource ID/,
    ],
    [
      "notification without resourceInfo",
      { eventType: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated", id: "x", data: {} },
      /resourceInfo/,
    ],
  ];

  it.each(cases)("%s is malformed, never thrown", (_name, input, reason) => {
    const [p] = parseEvents(input);
    expect(p?.status).toBe("malformed");
    if (p?.status === "malformed") expect(p.reason).toMatch(reason);
  });

  it("keeps good events in a mixed batch and numbers the bad ones", () => {
    const good = fixture("resource-write-success.connection-proxy.eventgrid.json");
    const parsed = parseEvents([good, 42, good]);
    expect(parsed.map((p) => p.status)).toEqual(["accepted", "malformed", "accepted"]);
    expect(parsed[1]?.status === "malformed" && parsed[1].reason).toMatch(/^event\[1\]/);
  });

  it("matches event types and operations case-insensitively", () => {
    const [p] = parseEvents({
      eventType: "microsoft.resources.resourcewritesuccess",
      id: "x",
      data: {
        operationName: "MICROSOFT.RELAY/NAMESPACES/PRIVATEENDPOINTCONNECTIONS/WRITE",
        resourceUri: `${RELAY}/privateEndpointConnections/c1`,
      },
    });
    expect(p).toMatchObject({ status: "accepted", hint: { kind: "connection", targetId: RELAY } });
  });
});

describe("hintFor", () => {
  it("maps a connection to its parent, a PLS to itself and anything else to itself as a candidate target", () => {
    expect(hintFor(`${PLS}/privateEndpointConnections/c`, undefined)).toEqual({
      kind: "connection",
      connectionId: `${PLS}/privateEndpointConnections/c`,
      targetId: PLS,
    });
    expect(hintFor(PLS, undefined)).toEqual({
      kind: "target",
      targetId: PLS,
      targetType: "Microsoft.Network/privateLinkServices",
    });
    expect(hintFor(`/subscriptions/${SUB}`, undefined)).toMatch(/not an ARM resource ID/);
  });
});
