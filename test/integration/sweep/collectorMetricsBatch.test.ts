/**
 * Metrics through Azure Monitor's batch API and subscriptions through Resource Graph's ResourceContainers, over
 * the emulator with the real clients (`@azure/monitor-query-metrics` MetricsClient, the ARM pipeline):
 * - the emulator serves `metrics:getBatch` as its spec says and refuses every other shape with a 400 naming it;
 * - the collector batches by subscription, type and region (at most 50 a call) and turns a failed batch, or a
 *   resource the answer leaves out, into a `metrics` error for each resource concerned;
 * - the sovereign clouds' metrics hosts and audiences follow the configured ARM endpoint.
 */
import * as https from "node:https";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { ArmInventoryCollector, QUERIES_SUBSCRIPTIONS } from "../../../src/adapters/inventory/armCollector";
import {
  AzureMonitorBatchMetrics,
  askedMetricName,
  batchMetricsFor,
  regionSlug,
  type MetricsBatchReader,
} from "../../../src/adapters/metrics/batchMetrics";
import { normalizeResourceId } from "../../../src/core/resourceId";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";

const S = "51515151-0000-4000-8000-000000000001";
const T = "71717171-0000-4000-8000-000000000001";
const OTHER = "52525252-0000-4000-8000-000000000002";
const GHOST = "59595959-0000-4000-8000-000000000009";
const RG = `/subscriptions/${S}/resourceGroups/rg-m/providers/Microsoft.Network`;
const NOW = new Date("2025-03-01T12:00:00Z");
const PLS_NS = "Microsoft.Network/privateLinkServices";
const OTHER_PLS = `/subscriptions/${OTHER}/resourceGroups/rg-o/providers/${PLS_NS}/pls-o0`;

function pls(name: string, location: string): Record<string, unknown> {
  return {
    id: `${RG}/privateLinkServices/${name}`,
    name,
    type: PLS_NS,
    location,
    properties: { provisioningState: "Succeeded", privateEndpointConnections: [] },
  };
}

function pe(name: string, location: string): Record<string, unknown> {
  return {
    id: `${RG}/privateEndpoints/${name}`,
    name,
    type: "Microsoft.Network/privateEndpoints",
    location,
    properties: { provisioningState: "Succeeded", privateLinkServiceConnections: [] },
  };
}

// 53 PLS in West Europe (two batches: 50 + 3), one in North Europe, two endpoints in West Europe.
const WEST = Array.from({ length: 53 }, (_, i) => pls(`pls-w${i}`, "westeurope"));
const SEED: unknown[] = [
  { id: `/subscriptions/${S}`, subscriptionId: S, tenantId: T, displayName: "metrics", state: "Enabled" },
  {
    id: `/subscriptions/${OTHER}`,
    subscriptionId: OTHER,
    tenantId: T,
    displayName: "other",
    state: "Enabled",
  },
  ...WEST,
  pls("pls-n0", "North Europe"),
  pe("pe-w0", "westeurope"),
  pe("pe-w1", "westeurope"),
  { ...pls("pls-o0", "westeurope"), id: OTHER_PLS },
  {
    type: "Linkgate.Emulator/metricSeries",
    resourceId: `${RG}/privateLinkServices/pls-w0`,
    metric: "PLSBytesIn",
    unit: "Bytes",
    points: [
      { timeStamp: "2025-03-01T11:10:00Z", value: 400 },
      { timeStamp: "2025-03-01T11:40:00Z", value: 600 },
    ],
  },
  {
    type: "Linkgate.Emulator/metricSeries",
    resourceId: `${RG}/privateEndpoints/pe-w1`,
    metric: "PEBytesOut",
    unit: "Bytes",
    points: [{ timeStamp: "2025-03-01T11:30:00Z", value: 7 }],
  },
];

describe("metrics batches and subscription rows over the emulator", () => {
  let emu: RunningEmulator;
  let arm: ArmContext;
  const served: { method: string; path: string }[] = [];

  beforeAll(async () => {
    emu = await startEmulator({
      seed: SEED,
      lroRetryAfterSeconds: 0,
      now: () => NOW,
      onExchange: (e) => served.push(e),
    });
    arm = emulatorArm(emu, FAST_RETRY);
  }, 30_000);
  afterAll(async () => emu.stop());
  beforeEach(() => {
    served.length = 0;
    emu.faults.clear();
  });

  function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${emu.url}${path}`,
        {
          method: "POST",
          ca: emu.caPem,
          headers: { authorization: "Bearer test", "content-type": "application/json" },
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString("utf8")));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(typeof body === "string" ? body : JSON.stringify(body));
    });
  }

  const batchPath = (q: Record<string, string>, sub = S) =>
    `/subscriptions/${sub}/metrics:getBatch?${new URLSearchParams({
      "api-version": "2024-02-01",
      metricnamespace: PLS_NS,
      metricnames: "PLSBytesIn,PLSBytesOut",
      starttime: "2025-03-01T11:00:00.000Z",
      endtime: "2025-03-01T12:00:00.000Z",
      interval: "PT30M",
      aggregation: "total",
      ...q,
    }).toString()}`;
  const ids = (...names: string[]) => ({ resourceids: names.map((n) => `${RG}/privateLinkServices/${n}`) });

  test("serves the spec's request and answer shape", async () => {
    const r = await post(batchPath({}), ids("pls-w0", "pls-w1"));
    expect(r.status).toBe(200);
    const values = r.body["values"] as Record<string, unknown>[];
    expect(values.map((v) => v["resourceid"])).toEqual([
      `${RG}/privateLinkServices/pls-w0`,
      `${RG}/privateLinkServices/pls-w1`,
    ]);
    expect(values[0]).toMatchObject({
      starttime: "2025-03-01T11:00:00.000Z",
      endtime: "2025-03-01T12:00:00.000Z",
      interval: "PT30M",
      namespace: PLS_NS.toLowerCase(),
      resourceregion: "westeurope",
    });
    const bytesIn = (values[0]?.["value"] as Record<string, unknown>[])[0];
    expect(bytesIn?.["name"]).toEqual({ value: "PLSBytesIn", localizedValue: "Bytes In" });
    expect(bytesIn?.["timeseries"]).toEqual([
      {
        metadatavalues: [],
        data: [
          { timeStamp: "2025-03-01T11:00:00Z", total: 400 },
          { timeStamp: "2025-03-01T11:30:00Z", total: 600 },
        ],
      },
    ]);
  });

  test.each([
    ["no resourceids", { resources: [] }, {}, /must be {.*resourceids/],
    ["an empty list", { resourceids: [] }, {}, /1 to 50/],
    [
      "more than 50 resources",
      ids(...WEST.slice(0, 51).map((r) => String(r["name"]))),
      {},
      /at most 50 resource IDs; this one has 51/,
    ],
    [
      "another subscription's resource",
      { resourceids: [`/subscriptions/${OTHER}/resourceGroups/x/providers/${PLS_NS}/p`] },
      {},
      /not in subscription/,
    ],
    [
      "another type than metricnamespace",
      { resourceids: [`${RG}/privateEndpoints/pe-w0`] },
      {},
      /one resource type/,
    ],
    ["two regions", ids("pls-w0", "pls-n0"), {}, /share one region; this one spans northeurope, westeurope/],
    ["an unknown resource", ids("pls-nope"), {}, /was not found/],
    ["a filter", ids("pls-w0"), { filter: "A eq 'b'" }, /'filter' is not served/],
    [
      "a timespan instead of starttime/endtime",
      ids("pls-w0"),
      { timespan: "PT1H" },
      /'timespan' is not a metrics:getBatch parameter/,
    ],
    ["an unknown api-version", ids("pls-w0"), { "api-version": "2021-05-01" }, /api-version '2021-05-01'/],
    ["no metricnamespace", ids("pls-w0"), { metricnamespace: "" }, /'metricnamespace' is required/],
    ["an unknown metric", ids("pls-w0"), { metricnames: "Nope" }, /metric: Nope/],
    ["a bad starttime", ids("pls-w0"), { starttime: "yesterday" }, /Invalid starttime/],
    ["a bad aggregation", ids("pls-w0"), { aggregation: "median" }, /Invalid aggregation 'median'/],
  ])("refuses %s with a 400 that says so", async (_what, body, q, message) => {
    const r = await post(batchPath(q as Record<string, string>), body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(message);
  });

  test("the collector reads 57 resources in 4 batches (subscription, type, region; 50 at most) with the real client", async () => {
    const inv = await new ArmInventoryCollector({
      client: arm.generic,
      metrics: batchMetricsFor(arm),
      maxConcurrency: 4,
    }).collect({ subscriptions: [S] }, { now: NOW, windowMinutes: 60 });
    expect(inv.collectionErrors).toEqual([]);
    expect(served.filter((e) => /metrics:getBatch$/i.test(e.path))).toHaveLength(4);
    expect(served.filter((e) => /Insights\/metrics$/i.test(e.path))).toHaveLength(0);
    expect(Object.keys(inv.metrics)).toHaveLength(56);
    const w0 = inv.metrics[normalizeResourceId(`${RG}/privateLinkServices/pls-w0`)];
    // Keyed by the invariant name, not the localized one the client reports ("Bytes In").
    expect(w0?.["PLSBytesIn"]).toMatchObject({ total: 1000 });
    expect(w0?.["PLSBytesOut"]).toEqual({ points: 0 });
    expect(inv.metrics[normalizeResourceId(`${RG}/privateEndpoints/pe-w1`)]?.["PEBytesOut"]).toMatchObject({
      total: 7,
    });
  });

  test("a throttled batch is retried by linkgate's retry policy (Retry-After) and then read", async () => {
    emu.faults.add({
      method: "POST",
      path: "metrics:getBatch$",
      status: 429,
      retryAfterSeconds: 0,
      times: 2,
    });
    const r = await batchMetricsFor(arm).readBatch(
      {
        namespace: PLS_NS,
        region: "westeurope",
        resourceIds: [`${RG}/privateLinkServices/pls-w0`],
        metricNames: ["PLSBytesIn"],
      },
      { now: NOW, windowMinutes: 60 },
    );
    expect(served.filter((e) => /metrics:getBatch$/i.test(e.path))).toHaveLength(1);
    expect(
      r.metrics.get(normalizeResourceId(`${RG}/privateLinkServices/pls-w0`))?.["PLSBytesIn"],
    ).toMatchObject({
      total: 1000,
    });
  });

  test("the token is asked for the metrics audience, over TLS with the emulator's CA", async () => {
    const scopes: string[][] = [];
    const reader = new AzureMonitorBatchMetrics({
      credential: {
        getToken: async (s: string | string[]) => {
          scopes.push(Array.isArray(s) ? s : [s]);
          return { token: "t", expiresOnTimestamp: Date.now() + 60_000 };
        },
      },
      endpointFor: () => emu.url,
      audience: "https://metrics.monitor.azure.us",
      tlsOptions: arm.clientOptions.tlsOptions,
    });
    await reader.readBatch(
      {
        namespace: PLS_NS,
        region: "usgovvirginia",
        resourceIds: [`${RG}/privateLinkServices/pls-w0`],
        metricNames: ["PLSBytesIn"],
      },
      { now: NOW, windowMinutes: 60 },
    );
    expect(scopes).toEqual([["https://metrics.monitor.azure.us/.default"]]);
    // Without the emulator's CA the same call fails: TLS verification is on.
    const untrusted = new AzureMonitorBatchMetrics({
      credential: arm.credential,
      endpointFor: () => emu.url,
      audience: "https://metrics.monitor.azure.com",
    });
    await expect(
      untrusted.readBatch(
        {
          namespace: PLS_NS,
          region: "westeurope",
          resourceIds: [`${RG}/privateLinkServices/pls-w0`],
          metricNames: ["PLSBytesIn"],
        },
        { now: NOW, windowMinutes: 60 },
      ),
    ).rejects.toThrow(/metrics:getBatch .* failed/);
  });

  test("a failed batch is a `metrics` error for each of its resources; the other batches are read", async () => {
    emu.faults.add({ method: "POST", path: `^/subscriptions/${OTHER}/metrics:getBatch$`, status: 503 });
    const inv = await new ArmInventoryCollector({
      client: arm.generic,
      metrics: batchMetricsFor(arm),
      maxConcurrency: 2,
    }).collect({ subscriptions: [S, OTHER] }, { now: NOW, windowMinutes: 60 });
    expect(inv.collectionErrors).toEqual([
      {
        scope: `${OTHER_PLS}/providers/Microsoft.Insights/metrics`,
        message: expect.stringMatching(
          /metrics:getBatch Microsoft.Network\/privateLinkServices in westeurope \(1 resources\) failed with 503/,
        ),
        kind: "metrics",
      },
    ]);
    expect(inv.metrics[normalizeResourceId(OTHER_PLS)]).toBeUndefined();
    expect(Object.keys(inv.metrics)).toHaveLength(56);
  });

  test("a resource the answer leaves out, or whose metric failed, is a `metrics` error, not an empty reading", async () => {
    const reader = batchMetricsFor(arm);
    const metrics: MetricsBatchReader = {
      readBatch: async (b, w, o) => {
        const r = await reader.readBatch(b, w, o);
        r.metrics.delete(normalizeResourceId(`${RG}/privateEndpoints/pe-w0`));
        const w1 = normalizeResourceId(`${RG}/privateLinkServices/pls-w1`);
        if (r.metrics.delete(w1)) r.failed.set(w1, "metric PLSBytesIn: Throttled");
        return r;
      },
    };
    const inv = await new ArmInventoryCollector({ client: arm.generic, metrics, maxConcurrency: 2 }).collect(
      { subscriptions: [S] },
      { now: NOW, windowMinutes: 60 },
    );
    expect(inv.collectionErrors.map((e) => [e.scope, e.kind, e.message]).sort()).toEqual([
      [
        `${RG}/privateEndpoints/pe-w0/providers/Microsoft.Insights/metrics`,
        "metrics",
        "metrics:getBatch answered without this resource (westeurope)",
      ],
      [
        `${RG}/privateLinkServices/pls-w1/providers/Microsoft.Insights/metrics`,
        "metrics",
        "metric PLSBytesIn: Throttled",
      ],
    ]);
  });

  test("subscriptions come from one ResourceContainers query; one Resource Graph does not show is a scope error", async () => {
    const inv = await new ArmInventoryCollector({
      client: arm.generic,
      metrics: batchMetricsFor(arm),
      maxConcurrency: 4,
    }).collect({ subscriptions: [S, OTHER, GHOST] }, { now: NOW, windowMinutes: 60 });
    expect(served.filter((e) => /^\/subscriptions\/[^/]+$/.test(e.path))).toHaveLength(0);
    expect(inv.subscriptions.find((s) => s.subscriptionId === S)?.tenantId).toBe(T);
    expect(inv.subscriptions.find((s) => s.subscriptionId === OTHER)?.tenantId).toBe(T);
    expect(inv.collectionErrors).toEqual([
      {
        scope: `/subscriptions/${GHOST}`,
        message: expect.stringMatching(/not found or this identity cannot read it/),
        kind: "scope",
      },
    ]);
  });

  test("a failed ResourceContainers query blinds exactly the subscriptions it covered", async () => {
    let refused = false;
    const client = new Proxy(arm.generic, {
      get(target, prop) {
        if (prop === "post")
          return (p: string, v: string, body: { query?: string }, o?: object) => {
            if (body.query === QUERIES_SUBSCRIPTIONS) {
              refused = true;
              return Promise.reject(new Error("Resource Graph: 500 InternalServerError"));
            }
            return target.post(p, v, body, o);
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const inv = await new ArmInventoryCollector({
      client,
      metrics: batchMetricsFor(arm),
      maxConcurrency: 4,
    }).collect({ subscriptions: [S, OTHER] }, { now: NOW, windowMinutes: 60 });
    expect(refused).toBe(true);
    expect(inv.collectionErrors.map((e) => [e.scope, e.kind])).toEqual([
      [`/subscriptions/${S}`, "scope"],
      [`/subscriptions/${OTHER}`, "scope"],
    ]);
  });

  test.each([
    [
      "ResourceContainers | where type =~ 'microsoft.resources/subscriptions/resourcegroups'",
      /ResourceContainers is served only as/,
    ],
    ["ResourceContainers", /ResourceContainers is served only as/],
    ["AdvisorResources | where type =~ 'x'", /must start with 'Resources' or 'ResourceContainers'/],
  ])("Resource Graph refuses %s", async (query, message) => {
    const r = await post("/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01", {
      subscriptions: [S],
      query,
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(message);
  });

  test("ResourceContainers without a scope is refused rather than guessed", async () => {
    const r = await post("/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01", {
      query: QUERIES_SUBSCRIPTIONS,
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/only for the subscriptions or management groups/);
  });
});

describe("metrics hosts per cloud", () => {
  const ctx = (endpoint: string, emulator = false) =>
    ({
      endpoint,
      emulator,
      credential: { getToken: async () => null },
      clientOptions: { endpoint, credentials: { scopes: [] } },
      retryPolicy: { name: "x", sendRequest: (r: unknown, n: (r: unknown) => unknown) => n(r) },
    }) as unknown as ArmContext;
  const hostOf = (arm: ArmContext, _region: string) =>
    (batchMetricsFor(arm) as unknown as { options: { endpointFor(r: string): string; audience: string } })
      .options;

  test.each([
    [
      "https://management.azure.com",
      "https://westeurope.metrics.monitor.azure.com",
      "https://metrics.monitor.azure.com",
    ],
    [
      "https://management.usgovcloudapi.net",
      "https://westeurope.metrics.monitor.azure.us",
      "https://metrics.monitor.azure.us",
    ],
    [
      "https://management.chinacloudapi.cn",
      "https://westeurope.metrics.monitor.azure.cn",
      "https://metrics.monitor.azure.cn",
    ],
  ])("ARM %s -> %s, audience %s", (armEndpoint, host, audience) => {
    const o = hostOf(ctx(armEndpoint), "westeurope");
    expect(o.endpointFor("westeurope")).toBe(host);
    expect(o.audience).toBe(audience);
  });

  test("emulator mode sends every region to the emulator's origin", () => {
    expect(hostOf(ctx("https://127.0.0.1:4443", true), "x").endpointFor("westeurope")).toBe(
      "https://127.0.0.1:4443",
    );
  });

  test("an ARM endpoint without known metrics hosts is refused, naming where to add it", () => {
    expect(() => batchMetricsFor(ctx("https://management.example.com"))).toThrow(/METRICS_CLOUDS/);
  });

  test("a region that cannot be a host label is refused before any request", async () => {
    const reader = batchMetricsFor(ctx("https://management.azure.com"));
    await expect(
      reader.readBatch(
        { namespace: PLS_NS, region: "evil.example.com/", resourceIds: ["/x"], metricNames: ["PLSBytesIn"] },
        { now: NOW, windowMinutes: 60 },
      ),
    ).rejects.toThrow(/not an Azure region name/);
    expect(regionSlug("West Europe")).toBe("westeurope");
    expect(regionSlug("west.europe")).toBeUndefined();
    expect(regionSlug(undefined)).toBeUndefined();
  });

  test("a metric is named by its ID's invariant name, not the client's localized name", () => {
    const asked = ["PLSBytesIn", "PLSBytesOut"];
    expect(
      askedMetricName(
        { id: "/x/providers/Microsoft.Insights/metrics/PLSBytesOut", name: "Bytes Out" },
        asked,
      ),
    ).toBe("PLSBytesOut");
    expect(askedMetricName({ name: { value: "PLSBytesIn" } }, asked)).toBe("PLSBytesIn");
    expect(askedMetricName({ name: "Bytes In" }, asked)).toBeUndefined();
  });
});
