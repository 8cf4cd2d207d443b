/**
 * A degraded sweep end to end: `linkgate sweep` in-process against the emulator (real SDK clients), finding
 * state in Azurite. Three sweeps per case: clean; degraded by the emulator's fault injection (a subscription
 * read 403, Resource Graph 503, Azure Monitor refusing) after someone really fixed a problem; clean again.
 * The degraded sweep must keep the findings of what it could not read open with their firstSeen and emit no
 * resolved transition for them; the clean sweep after it resolves what is really fixed, once.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../../src/cli/main";
import type { SweepJson } from "../../../src/cli/commands/sweep";
import type { FaultRule } from "../../../src/emulator/faults";
import { parseDnsTable, startDnsServer, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm } from "../emulator/helpers";
import { memoryIo } from "../memoryIo";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const POLICY = path.join(SEED, "policy.yaml");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const F = "ffffffff-0000-4000-8000-000000000003";
const OLD_CONN = `/subscriptions/${A}/resourceGroups/rg-demo/providers/Microsoft.Network/privateLinkServices/pls-good/privateEndpointConnections/pe-old.conn`;
const METRIC_CHECKS = ["pe-no-traffic", "pls-no-traffic", "pls-nat-port-usage-high"];
/**
 * The checks this test judges by: ARM-, metrics- and DNS-based ones with planted failures in both
 * subscriptions. The policy checks are left out: they also depend on tenant discovery, whose caching is
 * tested with the approval path, not here.
 */
const CHECKS = [
  "connection-pending-too-long",
  "connection-stale-state",
  "pls-lb-not-standard",
  "pls-frontend-missing",
  "pe-dns-live-resolution",
  "relay-pe-limit",
  "relay-namespace-limit",
  ...METRIC_CHECKS,
];

type Finding = SweepJson["findings"][number];
const inSub = (sub: string) => (f: { resourceId: string }) =>
  f.resourceId.toLowerCase().startsWith(`/subscriptions/${sub}/`);
const key = (f: { checkId: string; resourceId: string }) => `${f.checkId} ${f.resourceId.toLowerCase()}`;

interface Case {
  name: string;
  faults: FaultRule[];
  /** Which findings of the clean sweep the faults blind. */
  blinded: (f: Finding) => boolean;
  failedScopes: string[];
  /** Also check the table output (one more degraded sweep). */
  table?: boolean;
}

const CASES: Case[] = [
  {
    name: "subscription A unreadable (403 on GET /subscriptions/A)",
    faults: [{ method: "GET", path: `^/subscriptions/${A}$`, status: 403, code: "AuthorizationFailed" }],
    blinded: inSub(A),
    failedScopes: [`/subscriptions/${A}`],
    table: true,
  },
  {
    name: "Resource Graph answering 503",
    faults: [
      { method: "POST", path: "Microsoft.ResourceGraph/resources", status: 503, retryAfterSeconds: 0 },
    ],
    blinded: () => true,
    failedScopes: [`/subscriptions/${A}`, `/subscriptions/${F}`],
  },
  {
    // 403 rather than 5xx only to keep the test fast: a 5xx is retried with back-off first.
    name: "Azure Monitor refusing every metrics batch",
    faults: [
      {
        method: "POST",
        path: "/metrics:getBatch$",
        status: 403,
        code: "AuthorizationFailed",
      },
    ],
    blinded: (f) => METRIC_CHECKS.includes(f.checkId),
    failedScopes: [`/subscriptions/${A} (metrics)`],
  },
];

describe("a degraded sweep never resolves what it could not read (emulator + Azurite)", () => {
  let emu: RunningEmulator;
  let dns: RunningDnsServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let table = 0;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-degraded-"));
    // A fresh estate per case: each case fixes a problem in it.
    emu = await startEmulator({ seedDir: SEED, caFile: path.join(dir, "ca.pem"), lroRetryAfterSeconds: 0 });
    dns = await startDnsServer(
      parseDnsTable(fs.readFileSync(path.join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
    );
    const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
    const tls = process.env["LINKGATE_TEST_TLS_DIR"];
    if (!conn || !tls) throw new Error("test/global-setup.ts did not start Azurite");
    env = {
      LINKGATE_EMULATOR: emu.url,
      LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
      LINKGATE_SUBSCRIPTIONS: `${A},${F}`,
      LINKGATE_DNS_RESOLVER: dns.address,
      AzureWebJobsStorage: conn,
      LINKGATE_TABLE_CA: path.join(tls, "ca.pem"),
      LINKGATE_FINDINGS_TABLE: `degraded${process.pid}x${++table}`,
      LINKGATE_CHECKS: CHECKS.join(","),
    };
  }, 30_000);
  afterEach(async () => {
    await dns.stop();
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sweep = async (output: "json" | "table" = "json") => {
    const io = memoryIo(env);
    const code = await main(["sweep", "--policy", POLICY, "--output", output, "--no-reconcile"], io);
    return { code, out: io.out(), err: io.err() };
  };
  const sweepJson = async () => {
    const r = await sweep();
    return { code: r.code, doc: JSON.parse(r.out) as SweepJson };
  };

  test.each(CASES.map((c) => [c.name, c] as const))(
    "%s",
    async (_name, c) => {
      // 1. Clean.
      const first = await sweepJson();
      expect(first.doc.summary).toMatchObject({ stateful: true, degraded: false, failedScopes: [] });
      const blinded = first.doc.findings.filter(c.blinded);
      expect(blinded.length).toBeGreaterThan(0);
      const firstSeen = new Map(first.doc.findings.map((f) => [key(f), f.firstSeen]));

      // Someone really fixes a problem in A: the connection that waited too long is rejected.
      await emulatorArm(emu)
        .network(A)
        .privateLinkServices.updatePrivateEndpointConnection("rg-demo", "pls-good", "pe-old.conn", {
          privateLinkServiceConnectionState: { status: "Rejected", description: "not needed any more" },
        });
      const fixedKey = key({ checkId: "connection-pending-too-long", resourceId: OLD_CONN });
      const fixedIsBlinded = blinded.some((f) => key(f) === fixedKey);

      // 2. Degraded.
      for (const rule of c.faults) emu.faults.add(rule);
      let second: Awaited<ReturnType<typeof sweepJson>>;
      let table: Awaited<ReturnType<typeof sweep>> | undefined;
      try {
        second = await sweepJson();
        if (c.table) table = await sweep("table");
      } finally {
        emu.faults.clear();
      }
      const s = second.doc.summary;
      expect(second.code).toBe(2);
      expect(s).toMatchObject({ degraded: true, failedScopes: c.failedScopes, failedChecks: [] });
      // Every blinded finding is still open, with its firstSeen, marked carried; none of them resolved.
      const open = new Map(second.doc.findings.map((f) => [key(f), f]));
      for (const f of blinded) {
        expect([key(f), open.get(key(f))?.firstSeen]).toEqual([key(f), firstSeen.get(key(f))]);
        expect([key(f), open.get(key(f))?.transition]).toEqual([key(f), "carried"]);
      }
      expect(s.carriedForward).toBe(blinded.length);
      const resolvedNow = s.details.resolved.map(key);
      for (const f of blinded) expect(resolvedNow).not.toContain(key(f));
      // What the degraded sweep could see, it still judged: the fix resolves now unless it was blinded.
      expect(resolvedNow).toEqual(fixedIsBlinded ? [] : [fixedKey]);
      if (c.table)
        // The table wraps its notes to the terminal width: read the notice with line breaks collapsed.
        expect(/^DEGRADED:[\s\S]*?(?=\n\n)/m.exec(table?.out ?? "")?.[0].replace(/\s+/g, " ")).toMatch(
          /^DEGRADED: could not read or run .* carried forward unchanged \(not resolved\)/,
        );

      // 3. Clean again: what was really fixed resolves, once; nothing blinded re-opens.
      const third = await sweepJson();
      expect(third.doc.summary).toMatchObject({ degraded: false, carriedForward: 0 });
      expect(third.doc.summary.details.resolved.map(key)).toEqual(fixedIsBlinded ? [fixedKey] : []);
      const reopened = third.doc.findings.filter((f) => f.transition === "opened").map(key);
      for (const f of blinded) expect(reopened).not.toContain(key(f));
      for (const f of third.doc.findings.filter((x) => firstSeen.has(key(x))))
        expect([key(f), f.firstSeen]).toEqual([key(f), firstSeen.get(key(f))]);
    },
    120_000,
  );
});
