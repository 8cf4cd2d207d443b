/**
 * The inventory collector over the emulator through the real SDK pipeline: Resource Graph and ARM list paging,
 * throttling honoured by the pipeline's retry, a failing scope recorded rather than fatal, bounded concurrency,
 * metrics folded over the window, live DNS through a configured resolver.
 */
import * as path from "node:path";
import { StaticTokenCredential, type ArmContext } from "../../../src/adapters/arm/context";
import {
  GenericArmClient,
  type ArmBody,
  type GenericRequestOptions,
} from "../../../src/adapters/arm/genericClient";
import { startDnsServer, parseDnsTable, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { LiveDns } from "../../../src/adapters/dns/liveDns";
import { batchMetricsFor, type MetricsBatchReader } from "../../../src/adapters/metrics/batchMetrics";
import { ArmInventoryCollector } from "../../../src/adapters/inventory/armCollector";
import { normalizeResourceId } from "../../../src/core/resourceId";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";
import { withoutGraphLookups } from "./support/graphLookups";
import * as fs from "node:fs";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const F = "ffffffff-0000-4000-8000-000000000003";
const NOW = new Date("2025-01-06T10:00:00Z");
const NET = `/subscriptions/${A}/resourceGroups/rg-demo/providers/Microsoft.Network`;

/** Counts calls in flight, to prove the collector's concurrency bound. */
class CountingClient extends GenericArmClient {
  inFlight = 0;
  maxInFlight = 0;
  calls = 0;
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }
  override get(id: string, v: string, o?: GenericRequestOptions): Promise<ArmBody | undefined> {
    return this.track(() => super.get(id, v, o));
  }
  override post(p: string, v: string, b: unknown, o?: GenericRequestOptions): Promise<ArmBody> {
    return this.track(() => super.post(p, v, b, o));
  }
  // A whole list (all its pages) counts as one call in flight.
  override async *list(p: string, v: string, o?: GenericRequestOptions): AsyncIterable<ArmBody> {
    const items = await this.track(async () => {
      const all: ArmBody[] = [];
      for await (const item of super.list(p, v, o)) all.push(item);
      return all;
    });
    yield* items;
  }
}

describe("ArmInventoryCollector over the emulator", () => {
  let emu: RunningEmulator;
  let arm: ArmContext;
  let dns: RunningDnsServer;

  beforeAll(async () => {
    emu = await startEmulator({ seedDir: SEED, pageSize: 2, lroRetryAfterSeconds: 0 });
    arm = emulatorArm(emu, FAST_RETRY);
    dns = await startDnsServer(
      parseDnsTable(fs.readFileSync(path.join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
    );
  }, 30_000);
  afterAll(async () => {
    await dns.stop();
    await emu.stop();
  });
  afterEach(() => emu.faults.clear());

  const collector = (
    client = arm.generic,
    maxConcurrency = 4,
    metrics: MetricsBatchReader = batchMetricsFor(arm),
  ) =>
    new ArmInventoryCollector({
      client,
      metrics,
      maxConcurrency,
      dns: new LiveDns({ servers: [dns.address] }),
      resourceGraphPageSize: 5,
    });

  test("collects every list, paged, with metrics and DNS answers", async () => {
    const phases = new Set<string>();
    const inv = await collector().collect(
      { subscriptions: [A, F] },
      { now: NOW, windowMinutes: 60, onProgress: (p) => phases.add(p.phase) },
    );
    expect(inv.collectionErrors).toEqual([]);
    expect(inv.privateLinkServices).toHaveLength(12);
    expect(inv.privateEndpoints).toHaveLength(12);
    // Network 2026-01-01 fields reach the checks as ARM sent them: pe-inherit's approvalReference.
    const inherit = inv.privateEndpoints.find((p) => p["name"] === "pe-inherit");
    expect(JSON.stringify(inherit)).toContain(
      `"approvalReference":{"privateEndpointId":"/subscriptions/${A}/resourceGroups/rg-demo-app/providers/Microsoft.Network/privateEndpoints/pe-web"}`,
    );
    // 6 PaaS resources in A (3 Relay, storage, key vault, Service Bus) + 58 Relay namespaces in F, over pages of 5.
    expect(inv.paasResources).toHaveLength(64);
    // ARM casing restored from the ID (Resource Graph lower-cases types).
    expect(inv.privateLinkServices.every((p) => p["type"] === "Microsoft.Network/privateLinkServices")).toBe(
      true,
    );
    expect(
      inv.connections
        .filter((c) => c.status === "Pending")
        .map((c) => c.name)
        .sort(),
    ).toEqual(
      [
        "pe-app.relay",
        "pe-missed.conn",
        "pe-new.conn",
        "pe-old.conn",
        "pe-partner.conn",
        "pe-partner2.conn",
      ].sort(),
    );
    expect(inv.loadBalancers.map((l) => l["name"]).sort()).toEqual([
      "lb-api",
      "lb-basic",
      "lb-emptypool",
      "lb-good",
      "lb-noprobe",
      "lb-norule",
    ]);
    expect(inv.virtualNetworks.map((v) => v["name"]).sort()).toEqual(["vnet-demo", "vnet-platform"]);
    expect(inv.subnets.map((s) => s["name"]).sort()).toEqual([
      "snet-listener",
      "snet-pe",
      "snet-pls",
      "snet-pls",
      "snet-pls-netpol",
    ]);
    expect(inv.networkSecurityGroups.map((n) => n["name"]).sort()).toEqual(["nsg-listener", "nsg-pe"]);
    expect(inv.networkInterfaces).toHaveLength(11);
    expect(inv.privateDnsZoneGroups).toHaveLength(4);
    expect(inv.privateDnsZones).toHaveLength(3);
    expect(inv.privateDnsARecords.map((r) => r["name"]).sort()).toEqual([
      "kv-demo",
      "relay-demo",
      "sb-demo",
      "stdemo",
    ]);
    expect(inv.virtualNetworkLinks).toHaveLength(2);
    expect(inv.subscriptions.map((s) => s.subscriptionId).sort()).toEqual([A, F]);
    expect(inv.subscriptions.find((s) => s.subscriptionId === A)?.tenantId).toBe(
      "bbbbbbbb-0000-4000-8000-000000000001",
    );
    const good = inv.metrics[normalizeResourceId(`${NET}/privateLinkServices/pls-good`)];
    expect(good?.["PLSBytesIn"]?.total).toBe(81000);
    expect(good?.["PLSBytesIn"]?.points).toBeGreaterThan(0);
    expect(good?.["PLSNatPortsUsage"]?.average).toBeCloseTo(18);
    expect(
      inv.metrics[normalizeResourceId(`${NET}/privateLinkServices/pls-notraffic`)]?.["PLSBytesOut"],
    ).toMatchObject({ total: 0 });
    expect(inv.dns.sort((a, b) => a.fqdn.localeCompare(b.fqdn))).toEqual([
      {
        fqdn: "relay-demo.servicebus.windows.net",
        cnames: ["relay-demo.privatelink.servicebus.windows.net"],
        addresses: ["10.20.2.10"],
      },
      {
        fqdn: "sb-demo.servicebus.windows.net",
        cnames: ["sb-demo.privatelink.servicebus.windows.net", "ns-sb2-weu-prod.cloudapp.net"],
        addresses: ["20.50.1.2"],
      },
    ]);
    expect([...phases]).toEqual(["resource graph", "arm", "metrics", "dns"]);
  });

  test("a management group scope is one Resource Graph query per list; subscriptions come from the rows", async () => {
    const inv = await collector().collect(
      { subscriptions: [], managementGroup: "mg-sweep" },
      { now: NOW, windowMinutes: 60 },
    );
    expect(inv.collectionErrors).toEqual([]);
    expect(inv.subscriptions.map((s) => s.subscriptionId).sort()).toEqual([A, F]);
    expect(inv.privateLinkServices).toHaveLength(12);
    expect(inv.paasResources).toHaveLength(64);
  });

  test("a subscription that does not exist or cannot be read is a collection error, not a clean sweep", async () => {
    const ghost = "99999999-9999-4999-8999-999999999999";
    const inv = await collector().collect({ subscriptions: [A, ghost] }, { now: NOW, windowMinutes: 60 });
    expect(inv.collectionErrors.map((e) => e.scope)).toEqual([`/subscriptions/${ghost}`]);
    expect(inv.collectionErrors[0]?.message).toMatch(/not found or this identity cannot read it/);
    // The readable subscription is still collected in full.
    expect(inv.privateLinkServices.length).toBeGreaterThan(0);
  });

  test("an unknown management group is a collection error naming it, not a crash", async () => {
    const inv = await collector().collect(
      { subscriptions: [], managementGroup: "mg-nope" },
      { now: NOW, windowMinutes: 60 },
    );
    expect(inv.privateLinkServices).toEqual([]);
    expect(inv.collectionErrors.map((e) => e.scope)).toEqual([
      "/providers/Microsoft.Management/managementGroups/mg-nope",
      "/providers/Microsoft.Management/managementGroups/mg-nope",
      "/providers/Microsoft.Management/managementGroups/mg-nope",
    ]);
    expect(inv.collectionErrors[0]?.message).toMatch(/mg-nope/);
  });

  test("throttling (429 with Retry-After) is retried by the SDK pipeline; nothing is lost", async () => {
    emu.faults.add({ method: "POST", path: "ResourceGraph", status: 429, retryAfterSeconds: 0, times: 2 });
    emu.faults.add({
      method: "GET",
      path: "loadBalancers/lb-good$",
      status: 429,
      retryAfterSeconds: 0,
      times: 1,
    });
    const inv = await collector().collect({ subscriptions: [A] }, { now: NOW, windowMinutes: 60 });
    expect(inv.collectionErrors).toEqual([]);
    expect(inv.privateLinkServices).toHaveLength(12);
    expect(inv.loadBalancers.map((l) => l["name"])).toContain("lb-good");
  });

  test("a failing read is recorded with its scope; the rest is collected", async () => {
    emu.faults.add({
      method: "GET",
      path: "loadBalancers/lb-basic$",
      status: 403,
      code: "AuthorizationFailed",
    });
    // A failed metrics batch is a `metrics` error for every resource it held, never an empty reading.
    emu.faults.add({ method: "POST", path: "metrics:getBatch$", status: 500 });
    // Load balancers read with a GET each (as when Resource Graph does not return them), so one can fail.
    const inv = await collector(withoutGraphLookups(arm.generic)).collect(
      { subscriptions: [A] },
      { now: NOW, windowMinutes: 60 },
    );
    const metered = [...inv.privateLinkServices, ...inv.privateEndpoints].map(
      (r) => `${String(r["id"])}/providers/Microsoft.Insights/metrics`,
    );
    expect(inv.collectionErrors.map((e) => e.scope).sort()).toEqual(
      [`${NET}/loadBalancers/lb-basic`, ...metered].sort(),
    );
    expect(inv.collectionErrors.filter((e) => e.kind === "metrics")).toHaveLength(metered.length);
    expect(inv.metrics).toEqual({});
    expect(inv.collectionErrors.find((e) => e.scope.endsWith("lb-basic"))?.message).toMatch(
      /403 AuthorizationFailed/,
    );
    expect(inv.loadBalancers).toHaveLength(5);
    expect(inv.privateLinkServices).toHaveLength(12);
  });

  test("never more than maxConcurrency calls in flight", async () => {
    emu.faults.add({ method: "GET", latencyMs: 15 });
    const counting = new CountingClient(emu.url, new StaticTokenCredential(), {
      tlsOptions: arm.clientOptions.tlsOptions,
    });
    // Metrics batches go through their own client; they count against the same bound.
    const reader = batchMetricsFor(arm);
    let batches = 0;
    const metrics: MetricsBatchReader = {
      readBatch: (b, w, o) => counting.track(() => (batches++, reader.readBatch(b, w, o))),
    };
    const inv = await collector(counting, 3, metrics).collect(
      { subscriptions: [A] },
      { now: NOW, windowMinutes: 60 },
    );
    expect(inv.collectionErrors).toEqual([]);
    // One batch per resource type and region (each group holds fewer than 50).
    const groups = new Set(
      [...inv.privateLinkServices, ...inv.privateEndpoints].map((r) =>
        `${String(r["type"])}|${String(r["location"])}`.toLowerCase(),
      ),
    );
    expect(groups.size).toBeGreaterThan(1);
    expect(batches).toBe(groups.size);
    expect(counting.calls).toBeGreaterThan(20);
    expect(counting.maxInFlight).toBe(3);
  });
});
