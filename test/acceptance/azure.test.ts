/**
 * Acceptance: the commands that reach Azure, against `linkgate emulator` started as its own process exactly as
 * docs/emulator.md tells a user to (`--seed DIR --port 0 --ca-out FILE`, then LINKGATE_EMULATOR and
 * LINKGATE_EMULATOR_CA). Contracts (issues 2-4): the emulator's single `listening https://127.0.0.1:PORT`
 * line; `handle-event` / `reconcile [--dry-run]` print decisions as JSON lines and write only what enforce mode
 * decides, once; `sweep` prints exactly one JSON object `{findings, summary}` and exits 0 / 1 / 2.
 *
 * The estate (fixtures/estate) gives each test its own Relay namespace so the approval tests run concurrently;
 * the sweeps run afterwards (their own describe blocks) because they read and reconcile the whole subscription.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { sarifValidator } from "../fixtures/sarif/validate";
import { BIN, FIXTURES, cleanEnv, ensureBuilt, jsonLines, runCli, tempDir } from "./helpers";

// These tests spawn the real CLI (a process start each, several per test); leave room on a loaded 2-core CI
// machine. Per-process kill is at 60 s (helpers.ts).
jest.setTimeout(120_000);

const PROVIDER = "11111111-aaaa-4aaa-8aaa-111111111111";
const EMPTY = "44444444-dddd-4ddd-8ddd-444444444444";
const BROKEN = "55555555-eeee-4eee-8eee-555555555555";
const NS = `/subscriptions/${PROVIDER}/resourceGroups/rg-msg/providers/Microsoft.Relay/namespaces`;
const POLICY = path.join(FIXTURES, "policy.yaml");
const SEED = path.join(FIXTURES, "estate");

let dir: string;
let emulator: ChildProcess;
let emulatorStdout = "";
let url: string;
let caFile: string;
let env: NodeJS.ProcessEnv;

/** Starts the emulator process and resolves with its one stdout line once it is ready. */
function startEmulator(): Promise<string> {
  return new Promise((resolve, reject) => {
    caFile = path.join(dir, "emulator-ca.pem");
    emulator = spawn(process.execPath, [BIN, "emulator", "--seed", SEED, "--port", "0", "--ca-out", caFile], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    emulator.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    emulator.stdout!.setEncoding("utf8").on("data", (s: string) => {
      emulatorStdout += s;
      if (emulatorStdout.includes("\n")) resolve(emulatorStdout.slice(0, emulatorStdout.indexOf("\n")));
    });
    emulator.on("exit", (code) => reject(new Error(`emulator exited ${code} before listening: ${stderr}`)));
  });
}

/** Reads a resource straight from the emulator (what ARM holds now), bypassing linkgate. */
function armGet(
  id: string,
  apiVersion = "2021-11-01",
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${url}${id}?api-version=${apiVersion}`,
      { ca: fs.readFileSync(caFile, "utf8"), headers: { Authorization: "Bearer acceptance" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (s: string) => (text += s));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on("error", reject);
  });
}

async function connectionState(id: string): Promise<{ status: string; description: string }> {
  const r = await armGet(id);
  expect(r.status).toBe(200);
  const props = r.body.properties as {
    privateLinkServiceConnectionState: { status: string; description: string };
  };
  return props.privateLinkServiceConnectionState;
}

const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(args, { env: { ...env, ...extraEnv }, cwd: dir });

/** The decision lines, reduced to what the contract promises and a test can compare. */
function decisions(stdout: string) {
  return jsonLines(stdout).map((d) => ({
    connection: String(d.connectionId).split("/").pop(),
    action: d.action,
    ruleId: d.ruleId,
    mode: d.mode,
    written: d.written,
  }));
}

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("azure");
  const line = await startEmulator();
  url = line.slice("listening ".length);
  env = cleanEnv({ LINKGATE_EMULATOR: url, LINKGATE_EMULATOR_CA: caFile });
}, 120_000);

afterAll(() => {
  emulator?.removeAllListeners("exit");
  emulator?.kill("SIGTERM");
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("linkgate emulator --seed DIR --port 0 --ca-out FILE", () => {
  test("prints exactly one line `listening https://127.0.0.1:PORT` and writes its CA", async () => {
    expect(emulatorStdout).toMatch(/^listening https:\/\/127\.0\.0\.1:\d{1,5}\n$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(fs.readFileSync(caFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Serving requests adds nothing to stdout: scripts read the first line and can rely on it being the only one.
    expect((await armGet(`/subscriptions/${PROVIDER}`, "2022-12-01")).status).toBe(200);
    expect(emulatorStdout.split("\n")).toHaveLength(2);
  });

  test.concurrent(
    "unusable arguments: exit 2 and a message naming the problem, never a listening line",
    async () => {
      const [noSeed, seedIsFile, badPort] = await Promise.all([
        runCli(["emulator", "--seed", path.join(dir, "no-such-dir"), "--port", "0"]),
        runCli(["emulator", "--seed", POLICY, "--port", "0"]),
        runCli(["emulator", "--seed", SEED, "--port", "http"]),
      ]);
      for (const r of [noSeed, seedIsFile, badPort]) {
        expect(r.code).toBe(2);
        expect(r.stdout).not.toContain("listening");
      }
      expect(noSeed.stderr).toContain(`seed directory "${path.join(dir, "no-such-dir")}" does not exist`);
      expect(seedIsFile.stderr).toContain(`seed directory "${POLICY}" is not a directory`);
      expect(badPort.stderr).toContain('--port must be an integer between 0 and 65535, got "http"');
    },
  );
});

describe("handle-event and reconcile over the emulator", () => {
  // With the approval tests rather than the other sweeps so that its retry back-off overlaps them (it reads
  // nothing they write).
  test.concurrent(
    "sweep failure to run: unreachable ARM and bad arguments exit 2",
    async () => {
      const [unreachable, badOutput, noScope] = await Promise.all([
        cli(["sweep", "--policy", POLICY, "--subscription", EMPTY, "--output", "json"], {
          LINKGATE_EMULATOR: "https://127.0.0.1:1",
        }),
        cli(["sweep", "--policy", POLICY, "--subscription", EMPTY, "--output", "xml"]),
        cli(["sweep", "--policy", POLICY, "--output", "json"]),
      ]);
      expect(unreachable.code).toBe(2);
      expect(unreachable.stderr).toContain("ECONNREFUSED");
      expect(badOutput.code).toBe(2);
      expect(badOutput.stderr).toContain(
        '--output "xml" is not one of: table, wide, json, yaml, sarif, junit, markdown',
      );
      expect(noScope.code).toBe(2);
      expect(noScope.stderr).toContain("no scope to sweep");
    },
    40_000,
  );

  test.concurrent(
    "handle-event: a connection write event decides every Pending connection once",
    async () => {
      const target = `${NS}/relay-events`;
      const event = {
        id: "acceptance-event-1",
        subject: `${target}/privateEndpointConnections/pe-ok.conn`,
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        eventTime: "2025-03-04T10:01:12.1234567Z",
        dataVersion: "2",
        metadataVersion: "1",
        topic: `/subscriptions/${PROVIDER}`,
        data: {
          operationName: "Microsoft.Relay/namespaces/privateEndpointConnections/write",
          resourceUri: `${target}/privateEndpointConnections/pe-ok.conn`,
          resourceProvider: "Microsoft.Relay",
          status: "Succeeded",
          subscriptionId: PROVIDER,
        },
      };
      fs.writeFileSync(path.join(dir, "event.json"), JSON.stringify(event));
      // --dry-run decides the same way and writes nothing.
      const dry = await cli(["handle-event", "--policy", POLICY, "--event", "event.json", "--dry-run"]);
      expect(dry.code).toBe(0);
      expect(decisions(dry.stdout).map((d) => [d.connection, d.action, d.mode, d.written])).toEqual([
        ["pe-ok.conn", "approve", "audit", false],
        ["pe-bad.conn", "reject", "audit", false],
      ]);
      expect((await connectionState(`${target}/privateEndpointConnections/pe-ok.conn`)).status).toBe(
        "Pending",
      );

      const first = await cli(["handle-event", "--policy", POLICY, "--event", "event.json"]);
      expect(first.code).toBe(0);
      expect(decisions(first.stdout)).toEqual([
        { connection: "pe-ok.conn", action: "approve", ruleId: "app-teams", mode: "enforce", written: true },
        {
          connection: "pe-bad.conn",
          action: "reject",
          ruleId: "reject-offboarded",
          mode: "enforce",
          written: true,
        },
      ]);
      const line = jsonLines(first.stdout)[0]!;
      expect(line).toMatchObject({
        connectionId: `${target}/privateEndpointConnections/pe-ok.conn`,
        targetId: target,
        message: "Approved by the acceptance policy",
      });
      expect(Array.isArray(line.reasons)).toBe(true);

      // Event Grid delivers at least once (and our own PUT raises another event): nothing is Pending any more.
      const again = await cli(["handle-event", "--policy", POLICY, "--event", "event.json"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe("");

      expect(await connectionState(`${target}/privateEndpointConnections/pe-ok.conn`)).toMatchObject({
        status: "Approved",
        description: "[linkgate:app-teams] Approved by the acceptance policy",
      });
      expect(await connectionState(`${target}/privateEndpointConnections/pe-bad.conn`)).toMatchObject({
        status: "Rejected",
        description: "[linkgate:reject-offboarded] Rejected by the acceptance policy",
      });
      // An Approved connection is never touched.
      expect(await connectionState(`${target}/privateEndpointConnections/pe-done.conn`)).toMatchObject({
        status: "Approved",
        description: "Approved by a person",
      });
    },
  );

  test.concurrent("reconcile --dry-run decides and prints, twice the same, and writes nothing", async () => {
    const target = `${NS}/relay-dryrun`;
    const conn = `${target}/privateEndpointConnections/pe-dry.conn`;
    const before = await armGet(target);
    const first = await cli(["reconcile", "--policy", POLICY, "--resource", target, "--dry-run"]);
    // --explain changes nothing on stdout and says why on stderr.
    const second = await cli([
      "reconcile",
      "--policy",
      POLICY,
      "--resource",
      target,
      "--dry-run",
      "--explain",
    ]);
    expect(second.stderr).toContain(`${conn}\n  => approve (rule app-teams, audit, not written): `);
    expect(second.stderr).toMatch(/^ {5}rule app-teams: matched: /m);
    for (const r of [first, second]) {
      expect(r.code).toBe(0);
      expect(decisions(r.stdout)).toEqual([
        { connection: "pe-dry.conn", action: "approve", ruleId: "app-teams", mode: "audit", written: false },
      ]);
    }
    expect(await connectionState(conn)).toEqual({
      status: "Pending",
      description: "",
      actionsRequired: "None",
    });
    // Not even the parent's etag moved: no write reached ARM.
    expect((await armGet(target)).body.etag).toEqual(before.body.etag);

    // linkgate facts prints what decide --request reads: the real case decides the same way offline.
    const facts = await cli(["facts", "--connection", conn]);
    expect(facts.code).toBe(0);
    expect(JSON.parse(facts.stdout)).toMatchObject({
      requester: { endpointName: expect.any(String) },
      target: { id: target, type: expect.stringMatching(/^Microsoft\.Relay\/namespaces$/i) },
    });
    fs.writeFileSync(path.join(dir, "pe-dry.facts.json"), facts.stdout);
    const offline = await cli(["decide", "--policy", POLICY, "--request", "pe-dry.facts.json"]);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ action: "approve", ruleId: "app-teams" });
    const missing = await cli(["facts", "--connection", `${target}/privateEndpointConnections/no-such.conn`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("has no connection no-such.conn");
  });

  test.concurrent(
    "reconcile: a Pending connection is approved by one write; the next run leaves it alone",
    async () => {
      const target = `${NS}/relay-reconcile`;
      const first = await cli(["reconcile", "--policy", POLICY, "--resource", target]);
      expect(first.code).toBe(0);
      expect(decisions(first.stdout)).toEqual([
        { connection: "pe-rec.conn", action: "approve", ruleId: "app-teams", mode: "enforce", written: true },
        // No rule matches rg-other: left for a human, and a pending decision never writes.
        {
          connection: "pe-human.conn",
          action: "pending",
          ruleId: "default",
          mode: "enforce",
          written: false,
        },
      ]);
      const second = await cli(["reconcile", "--policy", POLICY, "--resource", target]);
      expect(second.code).toBe(0);
      expect(decisions(second.stdout)).toEqual([
        {
          connection: "pe-human.conn",
          action: "pending",
          ruleId: "default",
          mode: "enforce",
          written: false,
        },
      ]);
      expect(await connectionState(`${target}/privateEndpointConnections/pe-rec.conn`)).toMatchObject({
        status: "Approved",
        description: "[linkgate:app-teams] Approved by the acceptance policy",
      });
      expect((await connectionState(`${target}/privateEndpointConnections/pe-human.conn`)).status).toBe(
        "Pending",
      );
    },
  );

  test.concurrent(
    "an invalid policy approves nothing, even in enforce mode: pending by invalid-policy",
    async () => {
      const target = `${NS}/relay-invalid`;
      // The first rule would approve everything; the typo in the second makes the whole file invalid.
      fs.writeFileSync(
        path.join(dir, "broken-policy.yaml"),
        "apiVersion: linkgate/v1\nrules:\n  - id: everyone\n    action: approve\n  - id: typo\n    whne: {}\n    action: reject\n",
      );
      const r = await cli(["reconcile", "--policy", "broken-policy.yaml", "--resource", target]);
      expect(decisions(r.stdout)).toEqual([
        {
          connection: "pe-inv.conn",
          action: "pending",
          ruleId: "invalid-policy",
          mode: "audit",
          written: false,
        },
      ]);
      expect(r.stderr).toContain("broken-policy.yaml:6:5 rules[1].whne: unknown key");
      expect(r.code).toBe(2);
      expect((await connectionState(`${target}/privateEndpointConnections/pe-inv.conn`)).status).toBe(
        "Pending",
      );
    },
  );

  test.concurrent(
    "emulator mode refuses non-loopback and plain-http URLs and needs the CA: exit 2, why on stderr",
    async () => {
      const target = `${NS}/relay-dryrun`;
      const args = ["reconcile", "--policy", POLICY, "--resource", target, "--dry-run"];
      const [remote, http, noCa, missingCa] = await Promise.all([
        cli(args, { LINKGATE_EMULATOR: "https://10.20.30.40:443" }),
        cli(args, { LINKGATE_EMULATOR: url.replace("https:", "http:") }),
        runCli(args, { env: cleanEnv({ LINKGATE_EMULATOR: url }), cwd: dir }),
        cli(args, { LINKGATE_EMULATOR_CA: "no-such-ca.pem" }),
      ]);
      for (const r of [remote, http, noCa, missingCa]) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
      }
      expect(remote.stderr).toContain(
        'LINKGATE_EMULATOR="https://10.20.30.40:443" is not a loopback address: emulator mode only talks to 127.0.0.0/8, ::1 or localhost',
      );
      expect(http.stderr).toContain(`LINKGATE_EMULATOR="${url.replace("https:", "http:")}" must use https`);
      expect(noCa.stderr).toContain("LINKGATE_EMULATOR is set but LINKGATE_EMULATOR_CA is not");
      expect(missingCa.stderr).toContain('LINKGATE_EMULATOR_CA="no-such-ca.pem" cannot be read: ENOENT');
    },
  );

  test.concurrent("bad --resource and unusable event files: exit 2 naming what was wrong", async () => {
    fs.writeFileSync(path.join(dir, "not-an-event.json"), '{"hello":"world"}');
    const [notAnId, unsupported, junkEvent, noEvent] = await Promise.all([
      cli(["reconcile", "--policy", POLICY, "--resource", "relay-events"]),
      cli([
        "reconcile",
        "--policy",
        POLICY,
        "--resource",
        `/subscriptions/${PROVIDER}/resourceGroups/rg/providers/Microsoft.Foo/bars/x`,
      ]),
      cli(["handle-event", "--policy", POLICY, "--event", "not-an-event.json"]),
      cli(["handle-event", "--policy", POLICY, "--event", "no-such-event.json"]),
    ]);
    for (const r of [notAnId, unsupported, junkEvent, noEvent]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
    expect(notAnId.stderr).toContain(
      '--resource "relay-events" is not the ID of a Private Link Service or of a supported PaaS resource',
    );
    expect(unsupported.stderr).toContain('Microsoft.Foo/bars/x" is not the ID of a Private Link Service');
    expect(junkEvent.stderr).toContain(
      'not-an-event.json: event[0]: neither Event Grid schema ("eventType") nor CloudEvents schema ("specversion") fields present',
    );
    expect(noEvent.stderr).toMatch(/no-such-event\.json: cannot read the event file as JSON: ENOENT/);
  });
});

interface SweepDoc {
  findings: { checkId: string; severity: string; resourceId: string; message: string }[];
  summary: { findings: { error: number; total: number }; decisions: number; subscriptions: number };
}

function sweepDoc(stdout: string): SweepDoc {
  const lines = stdout.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  const doc = JSON.parse(lines[0]!) as SweepDoc;
  expect(Object.keys(doc)).toEqual(["findings", "summary"]);
  return doc;
}

describe("linkgate sweep --policy FILE [--subscription ID ...] [--output table|json] [--no-reconcile]", () => {
  test.concurrent(
    "error findings: exit 1, one JSON object with checkId, severity, resourceId, message",
    async () => {
      const r = await cli([
        "sweep",
        "--policy",
        POLICY,
        "--subscription",
        BROKEN,
        "--output",
        "json",
        "--no-reconcile",
      ]);
      expect(r.code).toBe(1);
      const doc = sweepDoc(r.stdout);
      const pls = `/subscriptions/${BROKEN}/resourceGroups/rg-edge/providers/Microsoft.Network/privateLinkServices/pls-broken`;
      expect(doc.findings.map((f) => [f.checkId, f.severity, f.resourceId]).sort()).toEqual([
        ["pls-frontend-missing", "error", pls],
        ["pls-provisioning-failed", "error", pls],
      ]);
      for (const f of doc.findings) expect(f.message).toContain(pls);
      expect(doc.summary).toMatchObject({ subscriptions: 1, findings: { error: 2, total: 2 } });
    },
  );

  test.concurrent("no error findings: exit 0; table output names the findings", async () => {
    const [json, table] = await Promise.all([
      cli(["sweep", "--policy", POLICY, "--subscription", EMPTY, "--output", "json"]),
      cli(["sweep", "--policy", POLICY, "--subscription", BROKEN, "--no-reconcile"]),
    ]);
    expect(json.code).toBe(0);
    expect(sweepDoc(json.stdout).findings).toEqual([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^SEVERITY +CHECK +SUBSCRIPTION +RESOURCE GROUP +NAME +MESSAGE\n/);
    expect(table.stdout).toMatch(/\nERROR +pls-provisioning-failed +\w{8} +rg-edge +pls-broken /);
  });
});

describe("linkgate sweep output for CI: -o table|wide|sarif|junit|markdown, filters, --fail-on, baselines", () => {
  const pls = `/subscriptions/${BROKEN}/resourceGroups/rg-edge/providers/Microsoft.Network/privateLinkServices/pls-broken`;
  const sweep = (args: string[], extra: Record<string, string> = {}) =>
    cli(["sweep", "--subscription", BROKEN, ...args], extra);

  test.concurrent(
    "-o sarif validates against the SARIF 2.1.0 schema: a rule per check, a result per finding",
    async () => {
      const r = await sweep(["-o", "sarif", "--doc-base", "https://example.org/linkgate/"]);
      expect(r.code).toBe(1);
      const log = JSON.parse(r.stdout) as {
        runs: {
          tool: { driver: { rules: { id: string; helpUri: string }[] } };
          results: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string }[] }[] }[];
        }[];
      };
      expect(sarifValidator()(log)).toEqual([]);
      const run = log.runs[0]!;
      expect(run.tool.driver.rules.length).toBeGreaterThanOrEqual(27);
      expect(run.tool.driver.rules.find((x) => x.id === "pls-frontend-missing")?.helpUri).toBe(
        "https://example.org/linkgate/docs/checks/pls-frontend-missing.md",
      );
      expect(
        run.results.map((x) => [x.ruleId, x.locations[0]!.logicalLocations[0]!.fullyQualifiedName]).sort(),
      ).toEqual([
        ["pls-frontend-missing", pls],
        ["pls-provisioning-failed", pls],
      ]);
    },
  );

  test.concurrent("-o junit parses back: a test case per check x resource, the errors failed", async () => {
    const r = await sweep(["-o", "junit"]);
    expect(r.code).toBe(1);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      isArray: (n) => n === "testsuite" || n === "testcase",
    }).parse(r.stdout) as {
      testsuites: {
        failures: string;
        testsuite: { name: string; testcase: { name: string; failure?: { type: string } }[] }[];
      };
    };
    expect(doc.testsuites.failures).toBe("2");
    const failed = doc.testsuites.testsuite.flatMap((s) =>
      s.testcase.filter((c) => c.failure).map((c) => [s.name, c.name, c.failure!.type]),
    );
    expect(failed.sort()).toEqual([
      ["pls-frontend-missing", pls, "error"],
      ["pls-provisioning-failed", pls, "error"],
    ]);
  });

  test.concurrent(
    "the table fits 80 and 120 columns ($COLUMNS when stdout is not a terminal); wide adds remediation and doc URLs",
    async () => {
      const [narrow, normal, wide, md] = await Promise.all([
        sweep([], { COLUMNS: "80" }),
        sweep([]),
        sweep(["-o", "wide"]),
        sweep(["-o", "markdown"]),
      ]);
      for (const [r, width] of [
        [narrow, 80],
        [normal, 120],
      ] as const) {
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/^SEVERITY +CHECK +SUBSCRIPTION +RESOURCE/);
        expect(r.stdout.split("\n").filter((l) => l.length > width)).toEqual([]);
        expect(r.stdout).not.toContain("/subscriptions/");
      }
      expect(normal.stdout).toMatch(/^ERROR +pls-frontend-missing +55555555 +rg-edge +pls-broken /m);
      expect(wide.stdout.split("\n")[0]).toMatch(/ REMEDIATION +DOC$/);
      expect(wide.stdout).toMatch(/file:\/\/\S+\/docs\/checks\/pls-frontend-missing\.md/);
      expect(md.stdout).toMatch(/^## linkgate sweep\n/);
      expect(md.stdout).toContain("| Severity | Check | Resource | Message |");
    },
  );

  test.concurrent("--severity and --check filter; --fail-on gates the exit code", async () => {
    const [warnOnly, oneCheck, none, badGate] = await Promise.all([
      sweep(["-o", "json", "--severity", "warning"]),
      sweep(["-o", "json", "--check", "pls-frontend-missing"]),
      sweep(["-o", "json", "--fail-on", "none"]),
      sweep(["--fail-on", "sometimes"]),
    ]);
    expect([warnOnly.code, JSON.parse(warnOnly.stdout).findings]).toEqual([0, []]);
    expect(oneCheck.code).toBe(1);
    expect(
      (JSON.parse(oneCheck.stdout) as { findings: { checkId: string }[] }).findings.map((f) => f.checkId),
    ).toEqual(["pls-frontend-missing"]);
    expect(none.code).toBe(0);
    expect(badGate.code).toBe(2);
    expect(badGate.stderr).toContain('--fail-on "sometimes" is not one of: error, warning, info, none');
  });

  test.concurrent(
    "--write-baseline accepts today's findings; --baseline leaves them out until they expire",
    async () => {
      const written = await sweep(["--write-baseline", "baseline.yaml", "-o", "json"]);
      expect(written.code).toBe(0);
      expect(written.stderr).toContain("wrote 2 accepted finding(s) to baseline.yaml");
      const text = fs.readFileSync(path.join(dir, "baseline.yaml"), "utf8");
      expect(text).toContain("apiVersion: linkgate/baseline-v1");
      const accepted = await sweep(["--baseline", "baseline.yaml", "-o", "json"]);
      expect([accepted.code, JSON.parse(accepted.stdout).findings]).toEqual([0, []]);
      fs.writeFileSync(
        path.join(dir, "expired.yaml"),
        text.replace(/(reason: .*)/g, '$1\n    expires: "2020-01-31"'),
      );
      const expired = await sweep(["--baseline", "expired.yaml", "-o", "json"]);
      expect(expired.code).toBe(1);
      expect(expired.stderr).toContain("expired on 2020-01-31; it accepts nothing now");
    },
  );
});

// Runs after the approval tests (describe blocks run in order): it reads and reconciles their namespaces.
describe("sweep of the approval subscription", () => {
  test("by default (and with --no-reconcile) the sweep reports the missed event and writes nothing; --reconcile approves it", async () => {
    const conn = `${NS}/relay-dryrun/privateEndpointConnections/pe-dry.conn`;
    const report = await cli(["sweep", "--policy", POLICY, "--subscription", PROVIDER, "--output", "json"]);
    expect(report.code).toBe(0);
    const doc = sweepDoc(report.stdout);
    expect(doc.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ checkId: "connection-missed-event", severity: "warning", resourceId: conn }),
    );
    expect(doc.summary.decisions).toBe(0);
    expect((await connectionState(conn)).status).toBe("Pending");
    const explicit = await cli([
      "sweep",
      "--policy",
      POLICY,
      "--subscription",
      PROVIDER,
      "-o",
      "json",
      "--no-reconcile",
    ]);
    expect(sweepDoc(explicit.stdout).summary.decisions).toBe(0);
    expect((await connectionState(conn)).status).toBe("Pending");

    const fix = await cli([
      "sweep",
      "--policy",
      POLICY,
      "--subscription",
      PROVIDER,
      "--output",
      "json",
      "--reconcile",
    ]);
    expect(fix.code).toBe(0);
    expect(sweepDoc(fix.stdout).summary.decisions).toBeGreaterThanOrEqual(1);
    expect(await connectionState(conn)).toMatchObject({
      status: "Approved",
      description: "[linkgate:app-teams] Approved by the acceptance policy",
    });
  });
});
