/**
 * `linkgate sweep` end to end, in-process: the emulator as ARM (LINKGATE_EMULATOR / _CA), a loopback DNS
 * server, and Azurite for finding state. Asserts the stable contract: one JSON object on stdout, exit codes,
 * and a fixed problem turning into a `resolved` transition on the next run.
 */
import { ALL_CHECKS } from "../../../src/core/checks";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../../src/cli/main";
import type { CliIo } from "../../../src/cli/io";
import type { SweepJson } from "../../../src/cli/commands/sweep";
import { parseDnsTable, startDnsServer, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm } from "../emulator/helpers";
import { memoryIo } from "../memoryIo";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const POLICY = path.join(SEED, "policy.yaml");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const F = "ffffffff-0000-4000-8000-000000000003";
const OLD_CONN = `/subscriptions/${A}/resourceGroups/rg-demo/providers/Microsoft.Network/privateLinkServices/pls-good/privateEndpointConnections/pe-old.conn`;

describe("linkgate sweep", () => {
  let emu: RunningEmulator;
  let dns: RunningDnsServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-sweep-cli-"));
    emu = await startEmulator({ seedDir: SEED, caFile: path.join(dir, "ca.pem"), lroRetryAfterSeconds: 0 });
    dns = await startDnsServer(
      parseDnsTable(fs.readFileSync(path.join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
    );
    env = {
      LINKGATE_EMULATOR: emu.url,
      LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
      LINKGATE_SUBSCRIPTIONS: `${A},${F}`,
      LINKGATE_DNS_RESOLVER: dns.address,
    };
  }, 30_000);
  afterAll(async () => {
    await dns.stop();
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("--output json: exactly one object with findings and summary on stdout; exit 1 on error findings", async () => {
    const io = memoryIo(env);
    const code = await main(["sweep", "--policy", POLICY, "--output", "json", "--no-reconcile"], io);
    expect(code).toBe(1);
    const lines = io.out().trim().split("\n");
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0] ?? "") as SweepJson;
    expect(Object.keys(doc)).toEqual(["findings", "summary"]);
    const f = doc.findings.find((x) => x.checkId === "pls-lb-not-standard");
    expect(f).toMatchObject({
      severity: "error",
      resourceId: `/subscriptions/${A}/resourceGroups/rg-demo/providers/Microsoft.Network/privateLinkServices/pls-basic`,
      transition: "opened",
      docUrl: "docs/checks/pls-lb-not-standard.md",
    });
    expect(f?.id).toMatch(/^pls-lb-not-standard:[0-9a-f]{16}$/);
    expect(doc.summary).toMatchObject({
      stateful: false,
      trigger: "cli",
      subscriptions: 2,
      checksRun: ALL_CHECKS.length,
      decisions: 0,
    });
    expect(doc.summary.findings.error).toBeGreaterThan(0);
    // --no-reconcile: the missed event is reported, not decided.
    expect(doc.findings.some((x) => x.checkId === "connection-missed-event")).toBe(true);
    expect(doc.summary.details.decisions).toEqual([]);
  });

  test("--subscription narrows the scope; warnings only exit 0; table output", async () => {
    const io = memoryIo(env);
    const code = await main(["sweep", "--policy", POLICY, "--subscription", F], io);
    expect(io.err()).toBe("");
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^SEVERITY +CHECK +SUBSCRIPTION +RESOURCE GROUP +NAME +MESSAGE$/m);
    expect(io.out()).toMatch(
      /^WARNING +relay-pe-limit +ffffffff +rg-relay-fleet +relay-busy +Relay namespace/m,
    );
    expect(io.out()).toMatch(/^WARNING +relay-namespace-limit +ffffffff +- +- +subscription$/m);
    // Not a terminal: the table fits 120 columns.
    expect(
      io
        .out()
        .split("\n")
        .filter((l) => l.length > 120),
    ).toEqual([]);
    expect(io.out()).toContain("2 finding(s): 0 error, 2 warning, 0 info");
    expect(io.out()).toContain("(stateless: no finding store configured)");
  });

  test("a progress bar goes to stderr only when it is a terminal; stdout keeps the one JSON object", async () => {
    const io = memoryIo({ ...env, LINKGATE_SUBSCRIPTIONS: F });
    let bar = "";
    const tty = new PassThrough() as unknown as CliIo["stderr"] & {
      columns: number;
      cursorTo: () => boolean;
      clearLine: () => boolean;
      moveCursor: () => boolean;
    };
    Object.assign(tty, {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    (tty as unknown as PassThrough).on("data", (c: Buffer) => (bar += c.toString()));
    io.stderr = tty;
    expect(await main(["sweep", "--policy", POLICY, "--output", "json"], io)).toBe(0);
    expect(bar).toMatch(/sweep (resource graph|arm|metrics|dns|checks|state)/);
    expect(io.out().trim().split("\n")).toHaveLength(1);
    // Without a terminal (the other tests), nothing but errors reaches stderr.
  });

  test("exit 2 when it cannot run: bad output format, invalid policy, no scope, bad subscription", async () => {
    const bad = path.join(dir, "bad-policy.yaml");
    fs.writeFileSync(bad, "apiVersion: linkgate/v1\nmode: sometimes\n");
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [
        ["sweep", "--policy", POLICY, "--output", "xml"],
        env,
        /--output "xml" is not one of: table, wide, json, yaml, sarif, junit, markdown/,
      ],
      [["sweep", "--policy", bad], env, /bad-policy\.yaml.*mode/s],
      [
        ["sweep", "--policy", POLICY],
        { ...env, LINKGATE_SUBSCRIPTIONS: "" },
        /no scope to sweep: set LINKGATE_SUBSCRIPTIONS/,
      ],
      [
        ["sweep", "--policy", POLICY, "--subscription", "not-a-guid"],
        env,
        /--subscription: "not-a-guid" is not a subscription ID/,
      ],
    ];
    for (const [argv, e, message] of cases) {
      const io = memoryIo(e);
      expect(await main(argv, io)).toBe(2);
      expect(io.err()).toMatch(message);
      expect(io.out()).toBe("");
    }
  });

  test("exit 2 when part of the estate could not be read (an incomplete sweep is not a healthy one)", async () => {
    // Resource Graph refuses the queries (the collector reads load balancers, NICs and the rest through it).
    emu.faults.add({
      method: "POST",
      path: "Microsoft.ResourceGraph/resources$",
      status: 403,
      code: "AuthorizationFailed",
    });
    try {
      const io = memoryIo({ ...env, LINKGATE_SUBSCRIPTIONS: A });
      expect(await main(["sweep", "--policy", POLICY, "--output", "json", "--no-reconcile"], io)).toBe(2);
      const doc = JSON.parse(io.out()) as SweepJson;
      expect(doc.summary.details.collectionErrors.length).toBeGreaterThan(0);
      for (const e of doc.summary.details.collectionErrors) {
        expect(e).toEqual(
          expect.objectContaining({ message: expect.stringMatching(/403 AuthorizationFailed/) }),
        );
      }
    } finally {
      emu.faults.clear();
    }
  });

  test("with Table Storage (Azurite): the next sweep reports a fixed problem as resolved", async () => {
    const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
    const tls = process.env["LINKGATE_TEST_TLS_DIR"];
    if (!conn || !tls) throw new Error("test/global-setup.ts did not start Azurite");
    const stateful = {
      ...env,
      AzureWebJobsStorage: conn,
      LINKGATE_TABLE_CA: path.join(tls, "ca.pem"),
      LINKGATE_FINDINGS_TABLE: `cli${process.pid}`,
    };
    const run = async () => {
      const io = memoryIo(stateful);
      await main(["sweep", "--policy", POLICY, "--output", "json", "--no-reconcile"], io);
      return JSON.parse(io.out()) as SweepJson;
    };
    const first = await run();
    expect(first.summary.stateful).toBe(true);
    expect(first.summary.opened).toBe(first.findings.length);
    const again = await run();
    expect(again.summary).toMatchObject({ opened: 0, resolved: 0, unchanged: first.findings.length });
    expect(again.findings.every((f) => f.transition === "unchanged")).toBe(true);

    // Someone decides the connection that waited too long.
    await emulatorArm(emu)
      .network(A)
      .privateLinkServices.updatePrivateEndpointConnection("rg-demo", "pls-good", "pe-old.conn", {
        privateLinkServiceConnectionState: { status: "Rejected", description: "not needed any more" },
      });
    const fixed = await run();
    expect(fixed.summary.details.resolved).toEqual([
      expect.objectContaining({ checkId: "connection-pending-too-long", resourceId: OLD_CONN }),
    ]);
    // ... and the rejection is itself a new (info) finding: the Rejected connection is still present.
    expect(
      fixed.findings.filter((f) => f.transition === "opened").map((f) => [f.checkId, f.resourceId]),
    ).toEqual([["connection-stale-state", OLD_CONN]]);
  });
});
