/**
 * Finding state on a real Table service: Azurite over HTTPS, started by test/global-setup.ts, its CA trusted
 * explicitly (LINKGATE_TABLE_CA), never with TLS verification off.
 */
import * as path from "node:path";
import type { Check } from "../../../src/core/checks/types";
import { check as pendingTooLong } from "../../../src/core/checks/connection-pending-too-long";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import { findingId, type Finding } from "../../../src/core/findings";
import { emptyInventory } from "../../../src/core/inventory";
import { runSweep } from "../../../src/core/sweep";
import {
  StorageConfigError,
  TableFindingStore,
  createTableClient,
  findingStoreFromEnv,
  pendingSeenStoreFromEnv,
  stateKey,
  tableStoreConfigFromEnv,
} from "../../../src/adapters/storage/tableFindingStore";
import { silentLogger, type Clock } from "../../../src/ports";
import { FixedCollector, RecordingTelemetry } from "../../unit/sweep/fakes";
import { FakeTenants } from "../../unit/reconcile/fakes";

const SUB = "11111111-1111-1111-1111-111111111111";
let tableCounter = 0;

function azuriteEnv(table: string): NodeJS.ProcessEnv {
  const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
  const dir = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!conn || !dir)
    throw new Error("test/global-setup.ts did not start Azurite (LINKGATE_TEST_AZURITE_CONN unset)");
  return {
    AzureWebJobsStorage: conn,
    LINKGATE_TABLE_CA: path.join(dir, "ca.pem"),
    LINKGATE_FINDINGS_TABLE: table,
  };
}

function freshTable(): string {
  tableCounter += 1;
  return `findings${process.pid}x${tableCounter}`;
}

function finding(n: number, at: string, checkId = "pls-lb-not-standard"): Finding {
  const resourceId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb${n}`;
  return {
    id: findingId(checkId, resourceId),
    checkId,
    severity: "error",
    resourceId,
    message: `lb${n} is Basic`,
    remediation: "use Standard",
    docUrl: `docs/checks/${checkId}.md`,
    firstSeen: at,
    lastSeen: at,
  };
}

describe("TableFindingStore on Azurite", () => {
  test("round trip: save opens, save with resolved removes, partitions are isolated", async () => {
    const env = azuriteEnv(freshTable());
    const a = findingStoreFromEnv(env, stateKey({ subscriptions: [SUB] }));
    const b = findingStoreFromEnv(env, stateKey({ subscriptions: [SUB] }, { only: ["pls-lb-not-standard"] }));
    if (!a || !b) throw new Error("store not configured");
    expect(await a.listOpen()).toEqual([]);
    const t = "2026-11-24T10:00:00.000Z";
    await a.save({ open: [finding(1, t), finding(2, t)], resolved: [] });
    await b.save({ open: [finding(3, t)], resolved: [] });
    expect((await a.listOpen()).map((f) => f.resourceId).sort()).toEqual([
      finding(1, t).resourceId,
      finding(2, t).resourceId,
    ]);
    await a.save({
      open: [{ ...finding(1, t), lastSeen: "2026-11-24T10:15:00.000Z" }],
      resolved: [finding(2, t)],
    });
    const left = await a.listOpen();
    expect(left).toEqual([{ ...finding(1, t), lastSeen: "2026-11-24T10:15:00.000Z" }]);
    expect((await b.listOpen()).map((f) => f.resourceId)).toEqual([finding(3, t).resourceId]);
    expect(a.description).toMatch(
      /^table findings\d+x\d+ at https:\/\/127\.0\.0\.1:\d+ \(partition sweep-[0-9a-f]{16}\)$/,
    );
  });

  test("more findings than one transaction holds are saved in batches of 100", async () => {
    const store = findingStoreFromEnv(azuriteEnv(freshTable()), "big");
    if (!store) throw new Error("store not configured");
    const t = "2026-11-24T10:00:00.000Z";
    const many = Array.from({ length: 250 }, (_, i) => finding(i, t));
    await store.save({ open: many, resolved: [] });
    expect(await store.listOpen()).toHaveLength(250);
    await store.save({ open: many.slice(0, 10), resolved: many.slice(10) });
    expect(await store.listOpen()).toHaveLength(10);
  });

  test("a fixed problem becomes a resolved transition on the next sweep", async () => {
    const store = findingStoreFromEnv(azuriteEnv(freshTable()), stateKey({ subscriptions: [SUB] }));
    if (!store) throw new Error("store not configured");
    const lb = (name: string, sku: string) => ({
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/${name}`,
      name,
      sku: { name: sku },
    });
    const basicLb: Check = {
      id: "lb-basic",
      severity: "error",
      title: "Basic LB",
      description: "Basic SKU",
      remediation: "use Standard",
      docUrl: "docs/checks/lb-basic.md",
      run: (inv) =>
        inv.loadBalancers
          .filter((r) => (r["sku"] as { name?: string } | undefined)?.name === "Basic")
          .map((r) => ({ resourceId: String(r["id"]), message: `${String(r["name"])} is Basic` })),
    };
    let t = new Date("2026-11-24T10:00:00Z");
    const clock: Clock = { now: () => t };
    const collector = new FixedCollector({
      ...emptyInventory(t.toISOString(), 60),
      loadBalancers: [lb("lb1", "Basic"), lb("lb2", "Basic")],
    });
    const sweep = async () => {
      const telemetry = new RecordingTelemetry();
      const result = await runSweep(
        {
          collector,
          checks: [basicLb],
          store,
          telemetry,
          logger: silentLogger,
          clock,
          tenants: new FakeTenants(),
        },
        {
          scope: { subscriptions: [SUB] },
          settings: { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 },
        },
      );
      return {
        result,
        transitions: telemetry
          .events("LinkGate.Finding")
          .map((e) => `${e.properties["transition"]} ${e.properties["resourceId"]?.split("/").pop()}`),
      };
    };
    const first = await sweep();
    expect(first.transitions.sort()).toEqual(["opened lb1", "opened lb2"]);
    t = new Date("2026-11-24T10:15:00Z");
    const quiet = await sweep();
    expect(quiet.transitions).toEqual([]);
    expect(quiet.result.summary).toMatchObject({ stateful: true, unchanged: 2, findings: { total: 2 } });
    // Someone upgrades lb2.
    collector.inventory = {
      ...collector.inventory,
      loadBalancers: [lb("lb1", "Basic"), lb("lb2", "Standard")],
    };
    t = new Date("2026-11-24T10:30:00Z");
    const fixed = await sweep();
    expect(fixed.transitions).toEqual(["resolved lb2"]);
    expect(
      fixed.result.findings.map((f) => [f.resourceId.split("/").pop(), f.firstSeen, f.lastSeen]),
    ).toEqual([["lb1", "2026-11-24T10:00:00.000Z", "2026-11-24T10:30:00.000Z"]]);
  });

  test("an unreachable table is a summarised state error, not a failed sweep", async () => {
    const env = azuriteEnv(freshTable());
    // A port nothing listens on: connection refused.
    const config = tableStoreConfigFromEnv({
      ...env,
      AzureWebJobsStorage: String(env["AzureWebJobsStorage"]).replace(/:\d+\//, ":1/"),
    });
    if (!config) throw new Error("store not configured");
    const store = new TableFindingStore(createTableClient(config, undefined, { maxRetries: 0 }), "x");
    const collector = new FixedCollector(emptyInventory("2026-11-24T10:00:00Z", 60));
    const r = await runSweep(
      {
        collector,
        checks: [],
        store,
        telemetry: new RecordingTelemetry(),
        logger: silentLogger,
        clock: { now: () => new Date() },
        tenants: new FakeTenants(),
      },
      {
        scope: { subscriptions: [SUB] },
        settings: { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 },
      },
    );
    expect(r.summary.stateful).toBe(false);
    expect(r.summary.stateError).toMatch(/reading finding state from table \w+ at https:\/\/127\.0\.0\.1:1/);
  }, 60_000);
});

describe("tableStoreConfigFromEnv", () => {
  test("identity endpoint wins, then the host's identity-based settings, then a connection string", () => {
    expect(
      tableStoreConfigFromEnv({
        LINKGATE_TABLE_ENDPOINT: "https://acct.table.core.windows.net/",
        AzureWebJobsStorage: "x",
      }),
    ).toEqual({
      kind: "identity",
      endpoint: "https://acct.table.core.windows.net",
      table: "linkgateFindings",
      clientId: undefined,
      extraCaPem: undefined,
    });
    expect(
      tableStoreConfigFromEnv({
        AzureWebJobsStorage__tableServiceUri: "https://b.table.core.windows.net",
        AzureWebJobsStorage__clientId: "cid",
      }),
    ).toMatchObject({
      kind: "identity",
      endpoint: "https://b.table.core.windows.net",
      clientId: "cid",
    });
    expect(tableStoreConfigFromEnv({ AzureWebJobsStorage__accountName: "c" })).toMatchObject({
      endpoint: "https://c.table.core.windows.net",
    });
    expect(tableStoreConfigFromEnv({ AzureWebJobsStorage: "UseDevelopmentStorage=true" })).toMatchObject({
      kind: "connectionString",
    });
    expect(tableStoreConfigFromEnv({})).toBeUndefined();
  });

  test("rejects http identity endpoints, bad table names and unreadable CA files, naming the setting", () => {
    expect(() =>
      tableStoreConfigFromEnv({ LINKGATE_TABLE_ENDPOINT: "http://acct.table.core.windows.net" }),
    ).toThrow(/must use https/);
    expect(() => tableStoreConfigFromEnv({ LINKGATE_FINDINGS_TABLE: "bad-name" })).toThrow(
      StorageConfigError,
    );
    expect(() => tableStoreConfigFromEnv({ LINKGATE_TABLE_CA: "/nonexistent/ca.pem" })).toThrow(
      /LINKGATE_TABLE_CA="\/nonexistent\/ca.pem" cannot be read/,
    );
  });

  test("a broken connection string is reported without echoing its key", () => {
    const config = tableStoreConfigFromEnv({ AzureWebJobsStorage: "AccountKey=SECRETSECRET;nonsense" });
    if (!config) throw new Error("expected a config");
    let message = "";
    try {
      createTableClient(config);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/AzureWebJobsStorage is not a usable storage connection string/);
    expect(message).not.toMatch(/SECRET/);
  });

  test("stateKey: order and case do not matter; scope and selection do", () => {
    expect(stateKey({ subscriptions: ["A", "b"] })).toBe(stateKey({ subscriptions: ["B", "a"] }));
    expect(stateKey({ subscriptions: ["a"] })).not.toBe(
      stateKey({ subscriptions: ["a"], managementGroup: "mg" }),
    );
    expect(stateKey({ subscriptions: ["a"] })).not.toBe(
      stateKey({ subscriptions: ["a"] }, { disabled: ["x"] }),
    );
  });
});

describe("TablePendingSeenStore on Azurite", () => {
  const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;
  const connId = (name: string) => `${PLS}/privateEndpointConnections/${name}`;

  test("first-seen times survive a new store instance (a restart); forgetting removes them", async () => {
    const env = azuriteEnv(freshTable());
    const key = stateKey({ subscriptions: [SUB] });
    const first = pendingSeenStoreFromEnv(env, key);
    if (!first) throw new Error("store not configured");
    const t0 = "2026-11-24T10:00:00.000Z";
    await first.save({
      add: [
        { connectionId: connId("c1"), firstSeen: t0 },
        { connectionId: connId("c2"), firstSeen: t0 },
      ],
      forget: [],
    });
    // A new process: a new client, the same table and partition.
    const restarted = pendingSeenStoreFromEnv(env, key);
    if (!restarted) throw new Error("store not configured");
    expect((await restarted.list()).sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual([
      { connectionId: connId("c1"), firstSeen: t0 },
      { connectionId: connId("c2"), firstSeen: t0 },
    ]);
    // IDs compare case-insensitively; forgetting one already gone is not an error.
    await restarted.save({ add: [], forget: [connId("c1").toUpperCase(), connId("gone")] });
    expect(await first.list()).toEqual([{ connectionId: connId("c2"), firstSeen: t0 }]);
    // The findings of the same scope live in their own partition and are untouched.
    const findings = findingStoreFromEnv(env, key);
    expect(await findings?.listOpen()).toEqual([]);
    expect(restarted.description).toMatch(/\(partition pending-sweep-[0-9a-f]{16}\)$/);
  });

  test("a sweep dates a Pending PLS connection from a first sighting made before a restart", async () => {
    const env = azuriteEnv(freshTable());
    const key = stateKey({ subscriptions: [SUB] });
    const pending: PrivateEndpointConnection = {
      id: connId("c1"),
      name: "c1",
      targetId: PLS,
      privateEndpointId: `/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/x/providers/Microsoft.Network/privateEndpoints/pe1`,
      status: "Pending",
    };
    const collector = new FixedCollector({
      ...emptyInventory("2026-11-24T10:00:00Z", 60),
      privateLinkServices: [{ id: PLS, name: "pls1", type: "Microsoft.Network/privateLinkServices" }],
      connections: [pending],
    });
    // Each sweep composes fresh stores, as a restarted Functions worker would.
    const sweep = (at: string) =>
      runSweep(
        {
          collector,
          checks: [pendingTooLong],
          store: findingStoreFromEnv(env, key),
          pendingSeen: pendingSeenStoreFromEnv(env, key),
          telemetry: new RecordingTelemetry(),
          logger: silentLogger,
          clock: { now: () => new Date(at) },
          tenants: new FakeTenants(),
        },
        {
          scope: { subscriptions: [SUB] },
          settings: { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 },
        },
      );
    expect((await sweep("2026-11-24T10:00:00Z")).findings).toEqual([]);
    const later = await sweep("2026-11-25T12:00:00Z");
    expect(later.findings.map((f) => f.message)).toEqual([
      expect.stringContaining(
        "Pending for at least 26 h (first seen Pending by linkgate at 2026-11-24T10:00:00.000Z, the provider gives no creation time)",
      ),
    ]);
    expect(later.summary.stateError).toBeUndefined();
  });
});
