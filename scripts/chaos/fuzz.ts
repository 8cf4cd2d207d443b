/**
 * Fuzzed Event Grid deliveries for the chaos benchmark: both schemas, wrong types, huge and deep bodies,
 * batches, prototype keys and odd resource IDs (case, encoding, traversal, other hosts, absurd lengths).
 * Deterministic: case `index` of `seed` is always the same body, so a worker builds it locally (a 5 MB or
 * 50,000-deep body never crosses IPC) and a failing case can be replayed.
 */
import { CORP_SUB, PROVIDER_SUB, RELAY_TYPE, seededRandom } from "./estate";

type Json = unknown;

const REAL_TARGET = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${RELAY_TYPE}/relay-0`;
const REAL_PLS = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls-0-0`;
const REAL_CONNECTION = `${REAL_TARGET}/privateEndpointConnections/req-0`;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Resource IDs an attacker (or a broken producer) might put where an ID belongs. */
export function oddIds(random: () => number): string[] {
  const n = 1 + Math.floor(random() * 1000);
  return [
    REAL_CONNECTION.toUpperCase(),
    `${REAL_CONNECTION}/`,
    REAL_CONNECTION.replace(/\//g, "//"),
    `${REAL_TARGET}/../../../../subscriptions/${CORP_SUB}/resourceGroups/x/providers/Microsoft.Relay/namespaces/y`,
    REAL_CONNECTION.replace("/privateEndpointConnections/", "/privateEndpointConnections%2F"),
    `${REAL_CONNECTION}%00`,
    `${REAL_CONNECTION}\u0000evil`,
    `${REAL_CONNECTION}?api-version=1900-01-01&$skiptoken=-1`,
    `${REAL_CONNECTION}#fragment`,
    `https://evil.example${REAL_CONNECTION}`,
    `//evil.example${REAL_CONNECTION}`,
    REAL_CONNECTION.replace("Microsoft.Relay", "Microsoft.Re\u200blay"),
    REAL_CONNECTION.replace("relay-0", "relay-\u0430"),
    REAL_CONNECTION.replace(PROVIDER_SUB, "not-a-guid"),
    REAL_CONNECTION.replace(PROVIDER_SUB, CORP_SUB),
    `/subscriptions/${PROVIDER_SUB}/providers/Microsoft.Relay/namespaces/relay-0/privateEndpointConnections/x`,
    `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${RELAY_TYPE}/${"a".repeat(n * 100)}/privateEndpointConnections/c`,
    `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${"Microsoft.Relay/namespaces/x/".repeat(n)}privateEndpointConnections/c`,
    `${REAL_TARGET}/privateEndpointConnections/${"\u{1F600}".repeat(n)}`,
    ` ${REAL_CONNECTION} `,
    `${REAL_PLS}/privateEndpointConnections/req-0`.toLowerCase(),
    "/",
    "",
    "subscriptions",
    `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/`,
  ];
}

function deep(depth: number, random: () => number): Json {
  const useArrays = random() < 0.5;
  let v: Json = "bottom";
  for (let i = 0; i < depth; i++) v = useArrays ? [v] : { a: v };
  return v;
}

function wrongValue(random: () => number): Json {
  return pick<Json>(random, [
    42,
    -1,
    1e308,
    Number.NaN,
    true,
    null,
    [],
    [1, 2, 3],
    {},
    { id: 1 },
    "",
    "   ",
    "\u0000",
    { toString: "x", valueOf: "y" },
  ]);
}

function writeEvent(id: Json, resourceUri: Json, cloud: boolean, random: () => number): Record<string, Json> {
  const operationName = pick(random, [
    "Microsoft.Relay/namespaces/privateEndpointConnections/write",
    "Microsoft.Network/privateLinkServices/privateEndpointConnections/write",
    "Microsoft.Network/privateEndpoints/write",
    "Microsoft.Relay/namespaces/PRIVATEENDPOINTCONNECTIONS/WRITE",
  ]);
  return cloud
    ? {
        specversion: "1.0",
        id,
        type: "Microsoft.Resources.ResourceWriteSuccess",
        source: `/subscriptions/${PROVIDER_SUB}`,
        subject: resourceUri,
        data: { operationName, resourceUri },
      }
    : {
        id,
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        subject: resourceUri,
        topic: `/subscriptions/${PROVIDER_SUB}`,
        dataVersion: "2",
        metadataVersion: "1",
        eventTime: "2026-12-01T10:00:00Z",
        data: { operationName, resourceUri },
      };
}

function notification(id: string, endpointProps: Json, cloud: boolean): Record<string, Json> {
  const endpointId = `/subscriptions/${CORP_SUB}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-fuzz`;
  const data = {
    resourceInfo: { id: endpointId, type: "Microsoft.Network/privateEndpoints", properties: endpointProps },
  };
  return cloud
    ? {
        specversion: "1.0",
        id,
        type: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated",
        source: `/subscriptions/${CORP_SUB}`,
        subject: endpointId,
        data,
      }
    : {
        id,
        eventType: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated",
        subject: endpointId,
        topic: `/subscriptions/${CORP_SUB}`,
        dataVersion: "1",
        metadataVersion: "1",
        data,
      };
}

/** Case `index` of the fuzz run `seed`. */
export function fuzzEvent(seed: number, index: number): Json {
  const random = seededRandom((seed * 1_000_003 + index) >>> 0);
  const cloud = random() < 0.5;
  const id = `fuzz-${index}`;
  // Rare, expensive cases first, at fixed rates, so a run's cost does not depend on the seed's luck.
  if (index % 1000 === 999) {
    // Amplification: one endpoint body naming 5,000 targets, half of them in the managed subscription.
    const list = Array.from({ length: 5000 }, (_, i) => ({
      properties: {
        privateLinkServiceId:
          i % 2 === 0
            ? `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/ghost-${i}`
            : `/subscriptions/${CORP_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/ghost-${i}`,
      },
    }));
    return notification(id, { manualPrivateLinkServiceConnections: list }, cloud);
  }
  if (index % 500 === 250) {
    // Huge: a 1 MB resource ID, and a 2 MB field nobody reads.
    const big = `${REAL_TARGET}/privateEndpointConnections/${"x".repeat(1 << 20)}`;
    return { ...writeEvent(id, big, cloud, random), padding: "p".repeat(2 << 20) };
  }
  if (index % 200 === 100) {
    // Deep: 10,000 to 50,000 levels where properties are expected, and where nothing is.
    const depth = 10_000 + Math.floor(random() * 40_000);
    return random() < 0.5
      ? notification(id, deep(depth, random), cloud)
      : { ...writeEvent(id, REAL_CONNECTION, cloud, random), extra: deep(depth, random) };
  }
  switch (Math.floor(random() * 8)) {
    case 0:
    case 1:
      return writeEvent(id, pick(random, oddIds(random)), cloud, random);
    case 2: {
      // Wrong types in one field of an otherwise valid event.
      const e = writeEvent(id, REAL_CONNECTION, cloud, random);
      const field = pick(random, [
        "id",
        "eventType",
        "type",
        "subject",
        "data",
        "specversion",
        "topic",
        "source",
      ]);
      e[field] = wrongValue(random);
      if (random() < 0.5) e["data"] = { operationName: wrongValue(random), resourceUri: wrongValue(random) };
      return e;
    }
    case 3: {
      // Batches: empty, mixed, or of non-objects.
      const size = Math.floor(random() * 50);
      return Array.from({ length: size }, (_, i) =>
        random() < 0.5
          ? writeEvent(`${id}-${i}`, pick(random, oddIds(random)), random() < 0.5, random)
          : wrongValue(random),
      );
    }
    case 4:
      // Prototype keys, as JSON.parse produces them (own properties named __proto__ / constructor).
      return JSON.parse(
        `{"id":"${id}","eventType":"Microsoft.Resources.ResourceWriteSuccess","__proto__":{"polluted":true,"isAdmin":true},` +
          `"constructor":{"prototype":{"polluted":true}},"data":{"__proto__":{"resourceUri":"${REAL_CONNECTION}"},` +
          `"operationName":"Microsoft.Relay/namespaces/privateEndpointConnections/write"}}`,
      ) as Json;
    case 5:
      // Resource Notifications whose endpoint body is malformed in one way or another.
      return notification(
        id,
        pick(random, [
          { manualPrivateLinkServiceConnections: wrongValue(random) },
          {
            privateLinkServiceConnections: [
              wrongValue(random),
              { properties: { privateLinkServiceId: pick(random, oddIds(random)) } },
            ],
          },
          wrongValue(random),
        ]),
        cloud,
      );
    case 6:
      // Not an event at all.
      return wrongValue(random);
    default:
      // Unknown event types and unknown operations on real resources.
      return {
        ...writeEvent(id, REAL_CONNECTION, cloud, random),
        ...(cloud
          ? { type: "Microsoft.Resources.ResourceDeleteSuccess" }
          : { eventType: "Microsoft.Storage.BlobCreated" }),
      };
  }
}
