/**
 * Cold start (issue 10): loading the app as the Functions host does registers both functions without loading
 * the SDKs a path needs only later (telemetry after the decision, Table Storage only when storage is
 * configured, the sweep's modules only in the timer invocation), and the first decision on a Private Link
 * Service does not load @azure/arm-network (the approval path reads and writes PLS connections through the
 * generic client). Measured in `npm run bench -- cold`; here, which packages a fresh process has loaded.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";

const REPO = path.resolve(__dirname, "../../..");
const REGISTER_TS = path.join(REPO, "test/integration/sweep/support/register-ts.js");

interface ChildResult {
  registered: string[];
  loaded: string[];
  extra: unknown;
}

/**
 * Loads src/functions/*.ts with @azure/functions-core stubbed (registered handlers in `handlers`); runs `then`
 * (JS) with `mods`; prints JSON.
 */
function inChild(then: string, env: Record<string, string> = {}): Promise<ChildResult> {
  const script = `
const Module = require("node:module");
const path = require("node:path");
const registered = [];
const handlers = {};
const core = {
  setProgrammingModel() {}, getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  registerFunction(m, h) { registered.push(m.name); handlers[m.name] = h; return { dispose() {} }; },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "@azure/functions-core" ? core : load.call(this, request, ...rest);
};
const dir = ${JSON.stringify(path.join(REPO, "src/functions"))};
const mods = require("node:fs").readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()
  .map((f) => require(path.join(dir, f)));
const loadedNow = () => [...new Set(Object.keys(require.cache)
  .map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f))
  .filter(Boolean).map((m) => m[1].replace(/\\\\/g, "/")))].sort();
Promise.resolve((async () => { ${then} })()).then((extra) => {
  process.stdout.write(JSON.stringify({ registered, loaded: loadedNow(), extra }));
}, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;
  // Asynchronous: the emulator a decision talks to runs in this process.
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", REGISTER_TS, "-e", script], {
      cwd: REPO,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`child failed: ${err}`));
      resolve(JSON.parse(out) as ChildResult);
    });
  });
}

const LATER = [
  "applicationinsights",
  "@azure/arm-network",
  "@azure/data-tables",
  "@azure/storage-queue",
  "@azure/identity",
  "@azure/core-rest-pipeline",
  "yaml",
  "ajv",
];

describe("cold start", () => {
  test("registering the functions loads @azure/functions and none of the SDKs a path needs later", async () => {
    const r = await inChild("return null;");
    expect(r.registered.sort()).toEqual(["linkgateEvents", "linkgateSweep", "linkgateSweepShard"]);
    expect(r.loaded).toContain("@azure/functions");
    expect(r.loaded.filter((m) => LATER.includes(m))).toEqual([]);
  }, 60_000);

  test("the telemetry sink loads applicationinsights at its first flush, not when events are tracked", async () => {
    const r = await inChild(`
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

  describe("the first decision on a Private Link Service", () => {
    const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
    const CORP = "cccccccc-0000-4000-8000-000000000002";
    const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls-cold`;
    const CONNECTION = `${PLS}/privateEndpointConnections/pe-cold`;
    let emulator: RunningEmulator;
    let dir: string;
    beforeAll(async () => {
      emulator = await startEmulator({
        seed: [
          { id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: SUB, state: "Enabled" },
          { id: `/subscriptions/${CORP}`, subscriptionId: CORP, tenantId: SUB, state: "Enabled" },
          {
            id: PLS,
            name: "pls-cold",
            type: "Microsoft.Network/privateLinkServices",
            location: "westeurope",
            properties: {
              provisioningState: "Succeeded",
              privateEndpointConnections: [
                {
                  id: CONNECTION,
                  name: "pe-cold",
                  type: "Microsoft.Network/privateLinkServices/privateEndpointConnections",
                  properties: {
                    privateEndpoint: {
                      id: `/subscriptions/${CORP}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-cold`,
                    },
                    privateLinkServiceConnectionState: {
                      status: "Pending",
                      description: "cold",
                      actionsRequired: "None",
                    },
                  },
                },
              ],
            },
          },
        ],
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-coldstart-"));
      fs.writeFileSync(path.join(dir, "ca.pem"), emulator.caPem);
      fs.writeFileSync(
        path.join(dir, "policy.yaml"),
        `apiVersion: linkgate/v1\nmode: enforce\ndefault: pending\nrules:\n  - id: corp\n    when:\n      requester:\n        subscriptions: [${CORP}]\n    action: approve\n    message: approved\n`,
      );
    });
    afterAll(async () => {
      await emulator.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("is written without loading @azure/arm-network (nor identity, tables or telemetry SDKs)", async () => {
      const r = await inChild(
        `
        const event = {
          id: "cold", topic: "/subscriptions/${SUB}", subject: ${JSON.stringify(CONNECTION)},
          eventType: "Microsoft.Resources.ResourceWriteSuccess", eventTime: new Date().toISOString(),
          dataVersion: "2", metadataVersion: "1",
          data: { resourceUri: ${JSON.stringify(CONNECTION)}, status: "Succeeded", subscriptionId: "${SUB}",
            operationName: "Microsoft.Network/privateLinkServices/privateEndpointConnections/write" },
        };
        const quiet = () => {};
        const ctx = { invocationId: "cold", functionName: "linkgateEvents", log: quiet, trace: quiet,
          debug: quiet, info: quiet, warn: quiet, error: quiet };
        const out = await handlers.linkgateEvents(event, ctx);
        return out.decisions.map((d) => d.action + (d.written ? " written" : ""));
      `,
        {
          LINKGATE_EMULATOR: emulator.url,
          LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
          LINKGATE_POLICY_FILE: path.join(dir, "policy.yaml"),
        },
      );
      expect(r.extra).toEqual(["approve written"]);
      expect(r.loaded).toContain("@azure/core-rest-pipeline");
      expect(
        r.loaded.filter((m) =>
          ["@azure/arm-network", "@azure/identity", "@azure/data-tables", "applicationinsights"].includes(m),
        ),
      ).toEqual([]);
    }, 60_000);
  });
});
