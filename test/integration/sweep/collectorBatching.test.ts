/**
 * Resource Graph is asked once per query for all the swept subscriptions (paged with $skipToken), and a failed
 * query taints exactly the subscriptions it covered (issue 10: a failed batch taints exactly the resources in it).
 */
import * as path from "node:path";
import { batchMetricsFor } from "../../../src/adapters/metrics/batchMetrics";
import { ArmInventoryCollector } from "../../../src/adapters/inventory/armCollector";
import { startEmulator, type RunningEmulator, type ServedExchange } from "../../../src/emulator";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";
import { withoutGraphLookups } from "./support/graphLookups";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const F = "ffffffff-0000-4000-8000-000000000003";
const NOW = new Date("2025-01-06T10:00:00Z");

describe("Resource Graph across subscriptions", () => {
  let emu: RunningEmulator;
  const served: ServedExchange[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ seedDir: SEED, lroRetryAfterSeconds: 0, onExchange: (e) => served.push(e) });
  }, 30_000);
  afterAll(() => emu.stop());
  afterEach(() => {
    emu.faults.clear();
    served.length = 0;
  });

  const collector = (pageSize?: number, client = emulatorArm(emu, FAST_RETRY).generic) =>
    new ArmInventoryCollector({
      client,
      metrics: batchMetricsFor(emulatorArm(emu, FAST_RETRY)),
      maxConcurrency: 4,
      resourceGraphPageSize: pageSize,
    });
  const graphCalls = () => served.filter((e) => /resourcegraph\/resources$/i.test(e.path)).length;

  test("as many requests for two subscriptions as for one; paging returns the same inventory", async () => {
    await collector().collect({ subscriptions: [A] }, { now: NOW, windowMinutes: 60 });
    const forOne = graphCalls();
    served.length = 0;
    const whole = await collector().collect({ subscriptions: [A, F] }, { now: NOW, windowMinutes: 60 });
    expect(graphCalls()).toBe(forOne);
    expect(whole.collectionErrors).toEqual([]);
    const subsSeen = new Set(
      [...whole.privateLinkServices, ...whole.paasResources].map((r) => String(r["id"]).split("/")[2]),
    );
    expect([...subsSeen].sort()).toEqual([A, F]);
    served.length = 0;
    const paged = await collector(2).collect({ subscriptions: [A, F] }, { now: NOW, windowMinutes: 60 });
    expect(graphCalls()).toBeGreaterThan(forOne);
    const ids = (inv: typeof whole) =>
      [...inv.privateLinkServices, ...inv.privateEndpoints, ...inv.paasResources].map((r) => r["id"]).sort();
    expect(ids(paged)).toEqual(ids(whole));
  });

  test("load balancers, NICs, virtual networks, NSGs and private DNS zones that exist come from Resource Graph, not a GET each", async () => {
    const viaGraph = await collector().collect({ subscriptions: [A, F] }, { now: NOW, windowMinutes: 60 });
    const gets = served.filter((e) =>
      /\/(loadBalancers|networkInterfaces|virtualNetworks|networkSecurityGroups|privateDnsZones)\/[^/]+$/i.test(
        e.path,
      ),
    );
    // Only a reference to a resource that does not exist would still be asked for (and answered 404).
    expect(gets.filter((e) => e.status !== 404)).toEqual([]);
    served.length = 0;
    const viaGets = await collector(
      undefined,
      withoutGraphLookups(emulatorArm(emu, FAST_RETRY).generic),
    ).collect({ subscriptions: [A, F] }, { now: NOW, windowMinutes: 60 });
    for (const kind of [
      "loadBalancers",
      "networkInterfaces",
      "virtualNetworks",
      "networkSecurityGroups",
      "subnets",
      "privateDnsZones",
    ] as const) {
      const ids = (inv: typeof viaGraph) => inv[kind].map((r) => String(r["id"]).toLowerCase()).sort();
      expect(ids(viaGraph)).toEqual(ids(viaGets));
      expect(ids(viaGraph).length).toBeGreaterThan(0);
    }
  });

  test("a failed Resource Graph query is a scope error for exactly the subscriptions it covered", async () => {
    emu.faults.add({
      method: "POST",
      path: "ResourceGraph/resources$",
      status: 403,
      code: "AuthorizationFailed",
    });
    const inv = await collector().collect({ subscriptions: [A, F] }, { now: NOW, windowMinutes: 60 });
    const scopes = [...new Set(inv.collectionErrors.map((e) => `${e.kind} ${e.scope}`))].sort();
    expect(scopes).toEqual([`scope /subscriptions/${A}`, `scope /subscriptions/${F}`]);
  });
});
