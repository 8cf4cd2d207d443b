/**
 * `npm run bench -- cold [--runs N] [--app DIR]`: cold start, side by side in one run, each in fresh
 * processes, alternating so the machine's state is shared:
 * - eager: `require` of the design card's five SDKs (@azure/functions, @azure/identity, @azure/arm-network,
 *   @azure/data-tables, applicationinsights), timed around the requires;
 * - register: the app loaded as the Functions host loads it (package.json `main`, a path or a glob; `import()`
 *   for an ES module, `require` otherwise; `@azure/functions-core` stubbed as the worker provides it, as
 *   test/unit/infra/package.test.ts does), timed around the loads and checked to register both functions;
 * - first decision: the same load, then the Event Grid handler invoked once with an event naming a Pending
 *   connection the policy approves (on a Relay namespace, and on a Private Link Service: both through the
 *   generic ARM client), against the emulator; timed from the child's spawn to the emulator receiving the
 *   approval's write (the decision written), so process start is included. Prints which of the five SDKs
 *   the decision loaded.
 * `--app DIR` loads another app root (the bundled package: `npm run package` writes .azure-package/).
 * Medians of N runs (default 5).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "../../src/emulator";
import { argValue } from "./util";

const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
const CORP = "cccccccc-0000-4000-8000-000000000002";
const TENANT = "bbbbbbbb-0000-4000-8000-000000000001";
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls-cold`;
export const SDKS = [
  "@azure/functions",
  "@azure/identity",
  "@azure/arm-network",
  "@azure/data-tables",
  "applicationinsights",
];

/**
 * Stubs @azure/functions-core as the worker does, then loads package.json `main` from the app root as the worker
 * does: `import()` for an ES module (.mjs, or .js under "type": "module"), `require` otherwise. `loadApp()`
 * answers the milliseconds the load took.
 */
const LOADER = `
const { performance } = require("node:perf_hooks");
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const registered = [];
const handlers = {};
const core = {
  setProgrammingModel() {},
  getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata, handler) { registered.push(metadata.name); handlers[metadata.name] = handler; return { dispose() {} }; },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "@azure/functions-core" ? core : load.call(this, request, ...rest);
};
const root = process.env.BENCH_APP_ROOT;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const dir = path.join(root, path.dirname(pkg.main));
const pattern = new RegExp("^" + path.basename(pkg.main).replace(/[.]/g, "[.]").replace(/[*]/g, ".*") + "$");
const isEsm = (f) => f.endsWith(".mjs") || (!f.endsWith(".cjs") && pkg.type === "module");
const esm = fs.readdirSync(dir).filter((f) => pattern.test(f)).some(isEsm);
async function loadApp() {
  const t0 = performance.now();
  for (const f of fs.readdirSync(dir).filter((f) => pattern.test(f)).sort()) {
    if (isEsm(f)) await import(pathToFileURL(path.join(dir, f)).href);
    else require(path.join(dir, f));
  }
  return performance.now() - t0;
}
const fail = (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); };
// ES modules are not in require.cache: their count is not known (-1).
const moduleCount = () => (esm ? -1 : Object.keys(require.cache).length);
`;

const EAGER = `
const { performance } = require("node:perf_hooks");
const t0 = performance.now();
for (const m of ${JSON.stringify(SDKS)}) require(m);
process.stdout.write(JSON.stringify({ loadMs: performance.now() - t0 }));
`;

const REGISTER = `${LOADER}
loadApp().then((loadMs) => {
  process.stdout.write(JSON.stringify({ loadMs, registered, modules: moduleCount() }));
}, fail);
`;

const DECIDE = `${LOADER}
loadApp().then(async (loadMs) => {
// The worker calls the registered handler with the trigger's input and an InvocationContext.
const handler = handlers.linkgateEvents;
if (typeof handler !== "function") throw new Error("linkgateEvents was not registered by " + dir);
const id = process.env.BENCH_CONNECTION;
const sub = id.split("/")[2];
const event = {
  id: "cold-" + process.pid, topic: "/subscriptions/" + sub, subject: id,
  eventType: "Microsoft.Resources.ResourceWriteSuccess", eventTime: new Date().toISOString(),
  dataVersion: "2", metadataVersion: "1",
  data: { resourceUri: id, operationName: process.env.BENCH_OPERATION,
    status: "Succeeded", subscriptionId: sub, resourceProvider: "Microsoft.Network" },
};
const quiet = () => {};
const ctx = { invocationId: "cold", functionName: "linkgateEvents", log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
const r = await handler(event, ctx);
// ES modules are not in require.cache: which SDKs loaded is then not known (null), as the module count.
const sdks = esm ? null : ${JSON.stringify(SDKS)}.filter((m) => Object.keys(require.cache).some((f) => f.includes("node_modules/" + m + "/")));
process.stdout.write(JSON.stringify({ loadMs, decisions: r.decisions.map((d) => d.action + (d.written ? " written" : "")), modules: moduleCount(), sdks }));
}).catch(fail);
`;

interface ChildOut {
  loadMs: number;
  registered?: string[];
  decisions?: string[];
  modules?: number;
  sdks?: string[] | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function runChild(
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ out: ChildOut; spawnedAt: number; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, ["-e", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (err += b.toString("utf8")));
    child.on("close", (code) => {
      const endedAt = performance.now();
      if (code !== 0) return reject(new Error(`cold child exited ${code}: ${err.slice(0, 2000)}`));
      try {
        resolve({ out: JSON.parse(out) as ChildOut, spawnedAt, endedAt });
      } catch {
        reject(new Error(`cold child printed no result: ${out.slice(0, 500)} ${err.slice(0, 500)}`));
      }
    });
  });
}

export async function coldMode(args: string[]): Promise<void> {
  const runs = Number(argValue(args, "--runs") ?? "5");
  const repo = path.resolve(__dirname, "..", "..", "..");
  const appRoot = path.resolve(argValue(args, "--app") ?? repo);
  // One target per run and kind: an event reconciles its whole target, so each run needs its own. A Relay
  // connection and a PLS one are both decided through the generic ARM client.
  const KINDS = {
    relay: {
      type: "Microsoft.Relay/namespaces",
      base: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Relay/namespaces/relay-cold`,
      properties: { provisioningState: "Succeeded", publicNetworkAccess: "Disabled" },
      sku: { name: "Standard", tier: "Standard" },
    },
    pls: {
      type: "Microsoft.Network/privateLinkServices",
      base: PLS,
      properties: { provisioningState: "Succeeded", visibility: { subscriptions: [CORP] } },
      sku: undefined,
    },
  } as const;
  const connectionOf = (kind: keyof typeof KINDS, i: number) =>
    `${KINDS[kind].base}-${i}/privateEndpointConnections/pe-cold-${i}`;
  const seed: unknown[] = [
    { id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: TENANT, state: "Enabled" },
    { id: `/subscriptions/${CORP}`, subscriptionId: CORP, tenantId: TENANT, state: "Enabled" },
  ];
  for (const kind of ["relay", "pls"] as const) {
    const k = KINDS[kind];
    for (let i = 0; i < runs; i++) {
      seed.push({
        id: `${k.base}-${i}`,
        name: `${kind}-cold-${i}`,
        type: k.type,
        location: "westeurope",
        ...(k.sku ? { sku: k.sku } : {}),
        properties: {
          ...k.properties,
          privateEndpointConnections: [
            {
              id: connectionOf(kind, i),
              name: `pe-cold-${i}`,
              type: `${k.type}/privateEndpointConnections`,
              properties: {
                privateEndpoint: {
                  id: `/subscriptions/${CORP}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-cold-${i}`,
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
      });
    }
  }
  const writes = new Map<string, number>();
  const emulator = await startEmulator({
    seed,
    lroRetryAfterSeconds: 0,
    onExchange: (e) => {
      if (e.method !== "GET" && /\/privateendpointconnections\/[^/]+$/i.test(e.path))
        writes.set(e.path.toLowerCase(), performance.now());
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-cold-"));
  try {
    const caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, emulator.caPem);
    const policyFile = path.join(dir, "policy.yaml");
    fs.writeFileSync(
      policyFile,
      `apiVersion: linkgate/v1\nmode: enforce\ndefault: pending\nrules:\n  - id: corp\n    when:\n      requester:\n        subscriptions: [${CORP}]\n    action: approve\n    message: approved\n`,
    );
    const base: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"] ?? "",
      BENCH_APP_ROOT: appRoot,
      LINKGATE_EMULATOR: emulator.url,
      LINKGATE_EMULATOR_CA: caFile,
      LINKGATE_POLICY_FILE: policyFile,
      // As deployed: telemetry configured (to a loopback sink that is never reached before the decision).
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        "InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
    };
    const eager: number[] = [];
    const register: number[] = [];
    const decision = { relay: [] as number[], pls: [] as number[] };
    let registered: string[] = [];
    const modules = { register: 0, relay: 0, pls: 0 };
    const count = (n: number, when = "") => (n < 0 ? "ES modules, not counted" : `${n} modules${when}`);
    const sdks: Record<"relay" | "pls", string[] | null> = { relay: [], pls: [] };
    for (let i = 0; i < runs; i++) {
      eager.push((await runChild(EAGER, base, repo)).out.loadMs);
      const r = await runChild(REGISTER, base, appRoot);
      register.push(r.out.loadMs);
      registered = r.out.registered ?? [];
      modules.register = r.out.modules ?? 0;
      for (const kind of ["relay", "pls"] as const) {
        const id = connectionOf(kind, i);
        const d = await runChild(
          DECIDE,
          {
            ...base,
            BENCH_CONNECTION: id,
            BENCH_OPERATION: `${KINDS[kind].type}/privateEndpointConnections/write`,
          },
          appRoot,
        );
        const at = writes.get(id.toLowerCase());
        if (at === undefined || !(d.out.decisions ?? []).includes("approve written"))
          throw new Error(
            `run ${i} (${kind}): the first decision was not written (${JSON.stringify(d.out)})`,
          );
        decision[kind].push(at - d.spawnedAt);
        modules[kind] = d.out.modules ?? 0;
        sdks[kind] = d.out.sdks === null ? null : (d.out.sdks ?? []);
      }
    }
    const e = median(eager);
    console.log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`,
    );
    console.log(
      `app: ${appRoot} (main ${JSON.parse(fs.readFileSync(path.join(appRoot, "package.json"), "utf8")).main})`,
    );
    console.log(`medians of ${runs} fresh processes each:`);
    console.log(`  eager import of the five SDKs:          ${e.toFixed(0)} ms  (1.00x)`);
    console.log(
      `  load app + register (${registered.join(", ")}): ${median(register).toFixed(0)} ms  (${(median(register) / e).toFixed(2)}x, goal <= 0.15x; ${count(modules.register)})`,
    );
    for (const kind of ["relay", "pls"] as const) {
      const m = median(decision[kind]);
      console.log(
        `  first decision written (${kind === "pls" ? "PLS" : "Relay"}), from spawn: ${m.toFixed(0)} ms  (${(m / e).toFixed(2)}x, goal <= 0.50x; ${count(modules[kind], " once telemetry flushed")}; SDKs: ${sdks[kind] === null ? "not counted (ES modules)" : sdks[kind].join(", ") || "none"})`,
      );
    }
    if (!["linkgateEvents", "linkgateSweep"].every((n) => registered.includes(n)))
      throw new Error(`expected linkgateEvents and linkgateSweep registered, got ${registered.join(", ")}`);
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
