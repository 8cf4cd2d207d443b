/**
 * The deployment package (issue 10 goals 1 and 2): `npm run package` builds it into a temp dir, and the packaged
 * app, loaded the way the Functions Node.js worker loads it (package.json `main` imported, `@azure/functions-core`
 * provided by the worker), registers every function, with nothing from this repository's node_modules within
 * reach; registration reads only the entry and the chunks it imports, and each lazy entry loads on its own.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "./bicep";
import { parseDnsTable, startDnsServer } from "../../../src/adapters/dns/answerServer";
import { startEmulator } from "../../../src/emulator";

const MAX_BYTES = 15 * 1000 * 1000;

let dir: string;
let out: string;
let build: ReturnType<typeof spawnSync>;

function runPackage(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(REPO, "scripts/package.mjs"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, LINKGATE_POLICY_FILE: "", ...env },
  });
}

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, e) => sum + sizeOf(join(path, e)), 0) : s.size;
}

function listFiles(path: string, prefix = ""): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(path, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * Loads the package as the worker does: reads package.json `main` (a path or a glob over file names), loads each
 * match (`import()` for an ES module, .mjs or .js under "type": "module"; `require` otherwise), and answers
 * `require("@azure/functions-core")` with a stub that records registrations, through the hook the worker
 * installs (a Proxy on Module.prototype.require). `loaded` settles when every match is loaded; with
 * LINKGATE_TEST_TRACK=1, `files` lists the package files Node read, in order.
 */
const LOADER = `
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL, fileURLToPath } = require("node:url");
const calls = [];
const handlers = {};
const schedules = [];
const files = [];
if (process.env.LINKGATE_TEST_TRACK === "1") {
  Module.registerHooks({
    load(url, context, next) {
      if (url.startsWith("file:")) files.push(path.relative(process.cwd(), fileURLToPath(url)));
      return next(url, context);
    },
  });
}
const core = {
  setProgrammingModel(model) { calls.push({ programmingModel: model.name }); },
  getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata, handler) {
    handlers[metadata.name] = handler;
    for (const b of Object.values(metadata.bindings)) if (b.schedule) schedules.push(b.schedule);
    calls.push({ name: metadata.name, triggers: Object.values(metadata.bindings).map((b) => b.type), handler: typeof handler });
    return { dispose() {} };
  },
};
Module.prototype.require = new Proxy(Module.prototype.require, {
  apply(target, self, args) {
    return args[0] === "@azure/functions-core" ? core : Reflect.apply(target, self, args);
  },
});
const root = process.cwd();
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const dir = path.join(root, path.dirname(pkg.main));
const pattern = new RegExp("^" + path.basename(pkg.main).replace(/[.]/g, "[.]").replace(/[*]/g, ".*") + "$");
const entries = fs.readdirSync(dir).filter((f) => pattern.test(f)).sort();
const isEsm = (f) => f.endsWith(".mjs") || (!f.endsWith(".cjs") && pkg.type === "module");
const loaded = (async () => {
  for (const f of entries) {
    if (isEsm(f)) await import(pathToFileURL(path.join(dir, f)).href);
    else require(path.join(dir, f));
  }
})();
// A failure: its stack on stderr, and what was registered before it on stdout.
const fail = (e) => {
  process.stderr.write(String((e && e.stack) || e));
  process.stdout.write(JSON.stringify({ failedAfter: calls }));
  process.exit(1);
};
`;

/** Runs LOADER, then `then` (JS, inside an async function, after the load); answers its stdout as JSON. */
function inPackage(then: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
  const r = spawnSync(
    process.execPath,
    [...nodeArgs, "-e", `${LOADER}\nloaded.then(async () => {\n${then}\n}).catch(fail);`],
    {
      cwd: out,
      encoding: "utf8",
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...env },
    },
  );
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** inPackage without blocking this process (an emulator the child talks to runs here). */
function inPackageAsync(
  then: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["-e", `${LOADER}\nloaded.then(async () => {\n${then}\n}).catch(fail);`],
      {
        cwd: out,
        env: { PATH: process.env["PATH"] ?? "", HOME: dir, ...env },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("close", (status) => resolve({ status, stderr, stdout }));
  });
}

/** An InvocationContext as the worker passes one, its log lines kept in `lines` ([level, message]). */
const CONTEXT = `
const lines = [];
const logTo = (level) => (message) => lines.push([level, String(message)]);
const ctx = { invocationId: "package-test", functionName: "f", triggerMetadata: {}, log: logTo("info"), trace: logTo("trace"),
  debug: logTo("debug"), info: logTo("info"), warn: logTo("warn"), error: logTo("error") };
`;

/** The sources a package file's source map lists, as `/`-separated paths. */
function sourcesOf(file: string): string[] {
  const map = JSON.parse(readFileSync(join(out, `${file}.map`), "utf8")) as { sources: string[] };
  return map.sources.map((s) => s.replace(/\\/g, "/"));
}

/** The package's JavaScript files (dist/*.mjs), package-relative. */
function scripts(): string[] {
  return listFiles(join(out, "dist"))
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => `dist/${f}`)
    .sort();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "linkgate-package-"));
  out = join(dir, "pkg");
  build = runPackage(["--out", out], { LINKGATE_POLICY_FILE: "examples/policy-cases.yaml" });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run package", () => {
  it("builds the package and reports its size", () => {
    expect({ status: build.status, stderr: build.stderr }).toEqual({ status: 0, stderr: "" });
    expect(build.stdout).toMatch(/linkgate package: .* \d+\.\d\d MB unzipped/);
  });

  it(`is at most ${MAX_BYTES / 1e6} MB unzipped and has no node_modules`, () => {
    expect(sizeOf(out)).toBeLessThanOrEqual(MAX_BYTES);
    expect(existsSync(join(out, "node_modules"))).toBe(false);
  });

  it("holds the entry, the lazy entries and shared chunks with their source maps, host.json, package.json and the policy files", () => {
    const files = listFiles(out);
    expect(files.filter((f) => !f.startsWith("dist/")).sort()).toEqual(
      [
        ".linkgate-package",
        "examples/policy-cases.yaml",
        "examples/policy.yaml",
        "host.json",
        "package.json",
        "policy.yaml",
      ].sort(),
    );
    // dist/: linkgate.mjs, lazy-<what>.mjs, chunk-<hash>.mjs, each with its map; licence comments beside some.
    const dist = files.filter((f) => f.startsWith("dist/"));
    expect(
      dist.filter(
        (f) => !/^dist\/(linkgate|lazy-[\w.-]+|chunk-[A-Z0-9]+)\.mjs(\.map|\.LEGAL\.txt)?$/.test(f),
      ),
    ).toEqual([]);
    expect(dist).toContain("dist/linkgate.mjs");
    expect(dist.filter((f) => f.endsWith(".map")).sort()).toEqual(scripts().map((f) => `${f}.map`));
    // The approval path, the sweep path and applicationinsights are lazy entries of their own.
    for (const lazy of [
      "lazy-adapters-compose",
      "lazy-core-events-handle",
      "lazy-core-sweep",
      "lazy-applicationinsights",
    ]) {
      expect(dist).toContain(`dist/${lazy}.mjs`);
    }
    expect(readFileSync(join(out, "host.json"), "utf8")).toBe(readFileSync(join(REPO, "host.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg["main"]).toBe("dist/linkgate.mjs");
    expect(pkg["dependencies"]).toEqual({});
    // The lazy entries are ES modules loaded by require(), which Node does from 22.12 on.
    expect(pkg["engines"]).toEqual({ node: ">=22.12" });
  });

  it("keeps an external source map for every file, pointing back at src/", () => {
    const sources = new Set<string>();
    for (const f of scripts()) {
      const name = f.slice("dist/".length);
      expect(readFileSync(join(out, f), "utf8").trimEnd().endsWith(`//# sourceMappingURL=${name}.map`)).toBe(
        true,
      );
      for (const s of sourcesOf(f)) sources.add(s);
    }
    for (const f of [
      "src/functions/eventGrid.ts",
      "src/functions/sweepTimer.ts",
      "src/functions/sweepShard.ts",
      "src/adapters/compose.ts",
    ]) {
      expect([...sources].some((s) => s.endsWith(f))).toBe(true);
    }
  });

  it("loads like the Functions host loads it (import of main) and registers every function", () => {
    const r = inPackage("process.stdout.write(JSON.stringify({ entries, calls }));");
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const { entries, calls } = JSON.parse(r.stdout) as {
      entries: string[];
      calls: Record<string, unknown>[];
    };
    expect(entries).toEqual(["linkgate.mjs"]);
    expect(calls[0]).toEqual({ programmingModel: "@azure/functions" });
    const functions = calls.filter((c) => "name" in c);
    expect(functions).toEqual(
      expect.arrayContaining([
        { name: "linkgateEvents", triggers: ["eventGridTrigger"], handler: "function" },
        { name: "linkgateSweep", triggers: ["timerTrigger"], handler: "function" },
        { name: "linkgateSweepShard", triggers: ["queueTrigger"], handler: "function" },
      ]),
    );
    // Every function file in src/functions is in the package: one registration (at least) per file.
    const sources = readdirSync(join(REPO, "src/functions")).filter((f) => f.endsWith(".ts"));
    expect(functions.length).toBeGreaterThanOrEqual(sources.length);
  });

  it.each([
    // [schedule set, schedule registered]
    ["0 */5 * * * *", "0 */5 * * * *"],
    ["every five minutes", "0 */15 * * * *"],
  ])(
    "LINKGATE_SWEEP_SCHEDULE=%j: cron-parser loads from its lazy entry at registration; the timer gets %j",
    (set, registered) => {
      const r = inPackage("process.stdout.write(JSON.stringify({ schedules, calls }));", {
        LINKGATE_SWEEP_SCHEDULE: set,
      });
      expect(r.status).toBe(0);
      const { schedules } = JSON.parse(r.stdout) as { schedules: string[] };
      expect(schedules).toEqual([registered]);
      // A bad schedule is reported as one (naming the setting), never as a failure to load the parser.
      if (set !== registered) expect(r.stderr + r.stdout).not.toMatch(/Cannot find module|ERR_REQUIRE/);
    },
  );

  it("reads, at registration, none of the lazy entries and none of the code the paths load later", () => {
    const r = inPackage("process.stdout.write(JSON.stringify(files));", { LINKGATE_TEST_TRACK: "1" });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const read = JSON.parse(r.stdout) as string[];
    expect(read[0]).toBe("dist/linkgate.mjs");
    expect(read.filter((f) => !/^dist\/(linkgate|chunk-[A-Z0-9]+)\.mjs$/.test(f))).toEqual([]);
    const sources = read.flatMap(sourcesOf);
    expect(sources.some((s) => s.endsWith("src/functions/eventGrid.ts"))).toBe(true);
    const later = [
      "src/adapters/compose.ts",
      "src/core/events/handle.ts",
      "src/core/sweep.ts",
      "src/adapters/inventory/",
      "src/core/policy/",
      "node_modules/applicationinsights/",
      "node_modules/@opentelemetry/",
      "node_modules/@azure/identity/",
      "node_modules/@azure/data-tables/",
      "node_modules/@azure/storage-queue/",
      "node_modules/@azure/core-rest-pipeline/",
      "node_modules/yaml/",
      "node_modules/ajv/",
    ];
    expect(later.filter((l) => sources.some((s) => s.includes(l)))).toEqual([]);
  });

  it("loads every lazy entry with require(), each answering what its module exports", () => {
    const lazy = scripts()
      .map((f) => f.slice("dist/".length))
      .filter((f) => f.startsWith("lazy-"));
    const r = inPackage(`
const out = {};
for (const f of ${JSON.stringify(lazy)}) out[f] = Object.keys(require(path.join(dir, f)).lazy).sort();
process.stdout.write(JSON.stringify(out));`);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const exported = JSON.parse(r.stdout) as Record<string, string[]>;
    expect(Object.keys(exported).sort()).toEqual(lazy);
    for (const [f, keys] of Object.entries(exported)) {
      expect({ f, empty: keys.length === 0 }).toEqual({ f, empty: false });
      // A file under src/ (lazy-adapters-compose.mjs is src/adapters/compose.ts): the same value exports.
      const source = join(REPO, "src", `${f.slice("lazy-".length, -".mjs".length).replace(/-/g, "/")}.ts`);
      if (existsSync(source)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect({ f, keys }).toEqual({ f, keys: Object.keys(require(source) as object).sort() });
      }
    }
  });

  it("refuses to register anything on a Node that cannot require() ES modules, saying what it needs", () => {
    const r = inPackage("process.stdout.write(JSON.stringify(calls));", {}, [
      "--no-experimental-require-module",
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("run it on Node >= 22.12");
    expect(JSON.parse(r.stdout)).toEqual({ failedAfter: [] });
  });

  it("maps a stack trace from the package back to src/*.ts under NODE_OPTIONS=--enable-source-maps", () => {
    // Invoking the Event Grid handler without an invocation context throws inside src/ (in a lazy chunk).
    const r = inPackage(
      `try { await handlers.linkgateEvents({}, null); process.stdout.write("no error"); }
catch (e) { process.stdout.write(String(e && e.stack)); }`,
      { NODE_OPTIONS: "--enable-source-maps" },
    );
    expect(r.status).toBe(0);
    const frame = r.stdout.split("\n").find((l) => l.trim().startsWith("at "));
    expect(frame).toMatch(/src\/[\w/]+\.ts:\d+:\d+\)?$/);
  });

  describe("runs its paths from the lazy entries, against the emulator", () => {
    const SEED = join(REPO, "examples", "demo-estate");
    const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
    const CORP = "cccccccc-0000-4000-8000-000000000002";
    const F = "ffffffff-0000-4000-8000-000000000003";

    it("the Event Grid function approves a Pending Relay connection the policy approves, and writes it", async () => {
      const relay = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Relay/namespaces/relay-pkg`;
      const connection = `${relay}/privateEndpointConnections/pe-pkg`;
      const writes: { method: string; path: string; status: number }[] = [];
      const emu = await startEmulator({
        lroRetryAfterSeconds: 0,
        onExchange: (e) => {
          if (e.method !== "GET") writes.push({ ...e, path: e.path.toLowerCase() });
        },
        seed: [
          {
            id: `/subscriptions/${SUB}`,
            subscriptionId: SUB,
            tenantId: "bbbbbbbb-0000-4000-8000-000000000001",
            state: "Enabled",
          },
          {
            id: `/subscriptions/${CORP}`,
            subscriptionId: CORP,
            tenantId: "bbbbbbbb-0000-4000-8000-000000000001",
            state: "Enabled",
          },
          {
            id: relay,
            name: "relay-pkg",
            type: "Microsoft.Relay/namespaces",
            location: "westeurope",
            sku: { name: "Standard", tier: "Standard" },
            properties: {
              provisioningState: "Succeeded",
              privateEndpointConnections: [
                {
                  id: connection,
                  name: "pe-pkg",
                  type: "Microsoft.Relay/namespaces/privateEndpointConnections",
                  properties: {
                    privateEndpoint: {
                      id: `/subscriptions/${CORP}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-pkg`,
                    },
                    privateLinkServiceConnectionState: {
                      status: "Pending",
                      description: "please",
                      actionsRequired: "None",
                    },
                  },
                },
              ],
            },
          },
        ],
      });
      try {
        writeFileSync(join(dir, "emulator-ca.pem"), emu.caPem);
        writeFileSync(
          join(dir, "approve-corp.yaml"),
          `apiVersion: linkgate/v1\nmode: enforce\ndefault: pending\nrules:\n  - id: corp\n    when:\n      requester:\n        subscriptions: [${CORP}]\n    action: approve\n    message: approved by the package test\n`,
        );
        const event = {
          id: "package-test",
          topic: `/subscriptions/${SUB}`,
          subject: connection,
          eventType: "Microsoft.Resources.ResourceWriteSuccess",
          eventTime: new Date().toISOString(),
          dataVersion: "2",
          metadataVersion: "1",
          data: {
            resourceUri: connection,
            operationName: "Microsoft.Relay/namespaces/privateEndpointConnections/write",
            status: "Succeeded",
            subscriptionId: SUB,
          },
        };
        const r = await inPackageAsync(
          `${CONTEXT}
const result = await handlers.linkgateEvents(${JSON.stringify(event)}, ctx);
process.stdout.write(JSON.stringify(result.decisions.map((d) => d.action + (d.written ? " written" : ""))));`,
          {
            LINKGATE_EMULATOR: emu.url,
            LINKGATE_EMULATOR_CA: join(dir, "emulator-ca.pem"),
            LINKGATE_POLICY_FILE: join(dir, "approve-corp.yaml"),
          },
        );
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
        expect(JSON.parse(r.stdout)).toEqual(["approve written"]);
        // The approval reached ARM: one PUT on the connection, answered 2xx.
        expect(writes).toEqual([{ method: "PUT", path: connection.toLowerCase(), status: 200 }]);
      } finally {
        await emu.stop();
      }
    }, 120_000);

    it("the timer function sweeps the demo estate (findings kept in Azurite Table) and logs its summary", async () => {
      const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
      const tls = process.env["LINKGATE_TEST_TLS_DIR"];
      if (!conn || !tls) throw new Error("test/global-setup.ts did not start Azurite");
      const caFile = join(dir, "demo-ca.pem");
      const emu = await startEmulator({ seedDir: SEED, caFile, lroRetryAfterSeconds: 0 });
      const dns = await startDnsServer(
        parseDnsTable(readFileSync(join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
      );
      try {
        const r = await inPackageAsync(
          `${CONTEXT}
await handlers.linkgateSweep({ isPastDue: false, schedule: { adjustForDST: true } }, ctx);
process.stdout.write(JSON.stringify(lines));`,
          {
            LINKGATE_EMULATOR: emu.url,
            LINKGATE_EMULATOR_CA: caFile,
            LINKGATE_SUBSCRIPTIONS: F,
            LINKGATE_DNS_RESOLVER: dns.address,
            LINKGATE_POLICY_FILE: join(SEED, "policy.yaml"),
            AzureWebJobsStorage: conn,
            LINKGATE_TABLE_CA: join(tls, "ca.pem"),
            LINKGATE_FINDINGS_TABLE: `pkg${process.pid}`,
          },
        );
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
        const lines = JSON.parse(r.stdout) as [string, string][];
        expect(lines.filter(([level]) => level !== "info")).toEqual([]);
        expect(lines.map(([, m]) => m)).toContainEqual(
          expect.stringMatching(/^sweep: \d+ open findings \(\d+ error, 2 warning, \d+ info\), \d+ opened/),
        );
      } finally {
        await dns.stop();
        await emu.stop();
      }
    }, 120_000);
  });

  it.each([
    ["a missing file", "policy/nowhere.yaml", /LINKGATE_POLICY_FILE=policy\/nowhere\.yaml does not exist/],
    ["a path outside the repository", "../outside.yaml", /points outside the repository/],
    ["an absolute path", "/etc/hosts", /is absolute/],
  ])("refuses LINKGATE_POLICY_FILE naming %s, before building anything", (_label, value, message) => {
    const target = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
    const r = runPackage(["--out", target], { LINKGATE_POLICY_FILE: value });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(target)).toBe(false);
  });

  it("never deletes a directory it did not write", () => {
    const foreign = join(dir, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "keep.txt"), "mine");
    const r = runPackage(["--out", foreign]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("was not written by 'npm run package'");
    expect(readFileSync(join(foreign, "keep.txt"), "utf8")).toBe("mine");
  });
});
