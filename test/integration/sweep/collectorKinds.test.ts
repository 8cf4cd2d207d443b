/**
 * The collector tags each failed read with its kind over the emulator (real SDK pipeline): the kind decides
 * what a degraded sweep can no longer judge (core/degraded.ts), so a wrong tag would resolve findings the sweep
 * never saw.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDnsTable, startDnsServer, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { LiveDns } from "../../../src/adapters/dns/liveDns";
import { ArmInventoryCollector, isDnsAnswerError } from "../../../src/adapters/inventory/armCollector";
import { batchMetricsFor } from "../../../src/adapters/metrics/batchMetrics";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";
import { withoutGraphLookups } from "./support/graphLookups";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const F = "ffffffff-0000-4000-8000-000000000003";
const GHOST = "99999999-9999-4999-8999-999999999999";
const NOW = new Date("2025-01-06T10:00:00Z");
const NET = `/subscriptions/${A}/resourceGroups/rg-demo/providers/Microsoft.Network`;

describe("collection errors carry the kind of read that failed", () => {
  let emu: RunningEmulator;
  let dns: RunningDnsServer;

  beforeAll(async () => {
    emu = await startEmulator({ seedDir: SEED, lroRetryAfterSeconds: 0 });
    dns = await startDnsServer(
      parseDnsTable(fs.readFileSync(path.join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
    );
  }, 30_000);
  afterAll(async () => {
    await dns.stop();
    await emu.stop();
  });
  afterEach(() => emu.faults.clear());

  // Referenced resources read with a GET each (as when Resource Graph does not return them), so one can fail.
  const collector = (dnsServer: string) =>
    new ArmInventoryCollector({
      client: withoutGraphLookups(emulatorArm(emu, FAST_RETRY).generic),
      metrics: batchMetricsFor(emulatorArm(emu, FAST_RETRY)),
      maxConcurrency: 4,
      dns: new LiveDns({ servers: [dnsServer], timeoutInMs: 200, tries: 1 }),
    });

  test("subscription, resource, DNS zone and metrics failures are told apart", async () => {
    const refuse = (method: string, p: string) =>
      emu.faults.add({ method, path: p, status: 403, code: "AuthorizationFailed" });
    refuse("GET", "loadBalancers/lb-basic$");
    refuse("GET", "privateDnsZones/[^/]+/virtualNetworkLinks$");
    // Every metrics batch of subscription A fails: each of its PLS and endpoints is a `metrics` error.
    refuse("POST", `^/subscriptions/${A}/metrics:getBatch$`);
    const inv = await collector(dns.address).collect(
      { subscriptions: [A, F, GHOST] },
      { now: NOW, windowMinutes: 60 },
    );
    const kinds = new Map<string, string[]>();
    for (const e of inv.collectionErrors)
      kinds.set(e.kind ?? "none", [...(kinds.get(e.kind ?? "none") ?? []), e.scope]);
    expect(kinds.get("scope")).toEqual([`/subscriptions/${GHOST}`]);
    expect(kinds.get("resource")).toEqual([`${NET}/loadBalancers/lb-basic`]);
    const inA = [...inv.privateLinkServices, ...inv.privateEndpoints]
      .map((r) => String(r["id"]))
      .filter((id) => id.toLowerCase().startsWith(`/subscriptions/${A}/`));
    expect(inA.length).toBeGreaterThan(0);
    expect(kinds.get("metrics")?.sort()).toEqual(
      inA.map((id) => `${id}/providers/Microsoft.Insights/metrics`).sort(),
    );
    expect(kinds.get("dns-zone")?.length).toBeGreaterThan(0);
    expect(kinds.get("dns-zone")?.every((s) => /privateDnsZones\/[^/]+\/virtualNetworkLinks$/.test(s))).toBe(
      true,
    );
    // The resolver answered every lookup: no DNS blindness.
    expect(kinds.get("dns")).toBeUndefined();
    expect([...kinds.keys()].sort()).toEqual(["dns-zone", "metrics", "resource", "scope"]);
  });

  test("a resolver that does not answer is a `dns` collection error per FQDN; an NXDOMAIN is an answer", async () => {
    const inv = await collector("127.0.0.1:9").collect(
      { subscriptions: [A] },
      { now: NOW, windowMinutes: 60 },
    );
    const dnsErrors = inv.collectionErrors.filter((e) => e.kind === "dns");
    expect(dnsErrors.map((e) => e.scope).sort()).toEqual(inv.dns.map((a) => `dns:${a.fqdn}`).sort());
    expect(dnsErrors.length).toBeGreaterThan(0);
    expect(inv.collectionErrors.filter((e) => e.kind !== "dns")).toEqual([]);
    expect(isDnsAnswerError("NXDOMAIN for nowhere.example")).toBe(true);
    expect(isDnsAnswerError("CNAME loop at a.example")).toBe(true);
    expect(isDnsAnswerError("ETIMEOUT resolving a.example")).toBe(false);
    expect(isDnsAnswerError("ESERVFAIL resolving a.example")).toBe(false);
  });
});
