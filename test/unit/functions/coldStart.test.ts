/**
 * Cold start (issue 10): loading the app as the Functions host does registers both functions without loading
 * the SDKs a path needs only later (telemetry after the decision, Microsoft.Network only for a PLS, Table
 * Storage only when storage is configured, the sweep's modules only in the timer invocation). Measured in
 * `npm run bench -- cold`; here, which packages a fresh process has loaded.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../../..");
const REGISTER_TS = path.join(REPO, "test/integration/sweep/support/register-ts.js");

/** Loads src/functions/*.ts with @azure/functions-core stubbed; runs `then` (JS) with `mods`; prints JSON. */
function inChild(then: string): { registered: string[]; loaded: string[]; extra: unknown } {
  const script = `
const Module = require("node:module");
const path = require("node:path");
const registered = [];
const core = {
  setProgrammingModel() {}, getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  registerFunction(m) { registered.push(m.name); return { dispose() {} }; },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "@azure/functions-core" ? core : load.call(this, request, ...rest);
};
const dir = ${JSON.stringify(path.join(REPO, "src/functions"))};
const mods = ["eventGrid.ts", "sweepTimer.ts"].map((f) => require(path.join(dir, f)));
const loadedNow = () => [...new Set(Object.keys(require.cache)
  .map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f))
  .filter(Boolean).map((m) => m[1].replace(/\\\\/g, "/")))].sort();
Promise.resolve((async () => { ${then} })()).then((extra) => {
  process.stdout.write(JSON.stringify({ registered, loaded: loadedNow(), extra }));
}, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;
  const r = spawnSync(process.execPath, ["-r", REGISTER_TS, "-e", script], {
    cwd: REPO,
    encoding: "utf8",
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" },
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { registered: string[]; loaded: string[]; extra: unknown };
}

const LATER = [
  "applicationinsights",
  "@azure/arm-network",
  "@azure/data-tables",
  "@azure/identity",
  "@azure/core-rest-pipeline",
  "yaml",
  "ajv",
];

describe("cold start", () => {
  test("registering both functions loads @azure/functions and none of the SDKs a path needs later", () => {
    const r = inChild("return null;");
    expect(r.registered.sort()).toEqual(["linkgateEvents", "linkgateSweep"]);
    expect(r.loaded).toContain("@azure/functions");
    expect(r.loaded.filter((m) => LATER.includes(m))).toEqual([]);
  }, 60_000);

  test("the telemetry sink loads applicationinsights at its first flush, not when events are tracked", () => {
    const r = inChild(`
      const { createTelemetrySink } = require(${JSON.stringify(path.join(REPO, "src/adapters/telemetry/appInsights.ts"))});
      const sink = createTelemetrySink({ APPLICATIONINSIGHTS_CONNECTION_STRING:
        "InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/" },
        { flushTimeoutInMs: 50 });
      sink.trackEvent("decided", { a: "b" });
      const before = Object.keys(require.cache).some((f) => f.includes("applicationinsights"));
      await sink.flush();
      const after = Object.keys(require.cache).some((f) => f.includes("applicationinsights"));
      await sink.shutdown();
      return { before, after };
    `);
    expect(r.extra).toEqual({ before: false, after: true });
  }, 60_000);
});
