/**
 * The deployment package (issue 10 goal 2): `npm run package` builds it into a temp dir, and the packaged app,
 * loaded the way the Functions Node.js worker loads it (package.json `main`, `@azure/functions-core` provided by
 * the worker), registers both functions, with nothing from this repository's node_modules within reach.
 */
import { spawnSync } from "node:child_process";
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
 * Loads the package as the worker does: reads package.json `main` (a path or a glob over file names), requires
 * each match, and answers `require("@azure/functions-core")` with a stub that records registrations.
 */
const LOADER = `
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const calls = [];
const core = {
  setProgrammingModel(model) { calls.push({ programmingModel: model.name }); },
  getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata, handler) {
    calls.push({ name: metadata.name, triggers: Object.values(metadata.bindings).map((b) => b.type), handler: typeof handler });
    return { dispose() {} };
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "@azure/functions-core" ? core : load.call(this, request, ...rest);
};
const root = process.cwd();
const main = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).main;
const dir = path.join(root, path.dirname(main));
const pattern = new RegExp("^" + path.basename(main).replace(/[.]/g, "[.]").replace(/[*]/g, ".*") + "$");
const entries = fs.readdirSync(dir).filter((f) => pattern.test(f)).sort();
for (const f of entries) require(path.join(dir, f));
process.stdout.write(JSON.stringify({ entries, calls }));
`;

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

  it("holds exactly the bundle, its source map and licences, host.json, package.json and the policy files", () => {
    expect(listFiles(out).sort()).toEqual(
      [
        ".linkgate-package",
        "dist/linkgate.js",
        "dist/linkgate.js.LEGAL.txt",
        "dist/linkgate.js.map",
        "examples/policy-cases.yaml",
        "examples/policy.yaml",
        "host.json",
        "package.json",
        "policy.yaml",
      ].sort(),
    );
    expect(readFileSync(join(out, "host.json"), "utf8")).toBe(readFileSync(join(REPO, "host.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg["main"]).toBe("dist/linkgate.js");
    expect(pkg["dependencies"]).toEqual({});
  });

  it("keeps an external source map that points back at src/", () => {
    const js = readFileSync(join(out, "dist/linkgate.js"), "utf8");
    expect(js.trimEnd().endsWith("//# sourceMappingURL=linkgate.js.map")).toBe(true);
    const map = JSON.parse(readFileSync(join(out, "dist/linkgate.js.map"), "utf8")) as { sources: string[] };
    for (const f of [
      "src/functions/eventGrid.ts",
      "src/functions/sweepTimer.ts",
      "src/adapters/compose.ts",
    ]) {
      expect(map.sources.some((s) => s.endsWith(f))).toBe(true);
    }
  });

  it("loads like the Functions host loads it and registers both functions", () => {
    const r = spawnSync(process.execPath, ["--enable-source-maps", "-e", LOADER], {
      cwd: out,
      encoding: "utf8",
      env: { PATH: process.env["PATH"] ?? "", HOME: dir },
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const { entries, calls } = JSON.parse(r.stdout) as {
      entries: string[];
      calls: Record<string, unknown>[];
    };
    expect(entries).toEqual(["linkgate.js"]);
    expect(calls[0]).toEqual({ programmingModel: "@azure/functions" });
    const functions = calls.filter((c) => "name" in c);
    expect(functions).toEqual(
      expect.arrayContaining([
        { name: "linkgateEvents", triggers: ["eventGridTrigger"], handler: "function" },
        { name: "linkgateSweep", triggers: ["timerTrigger"], handler: "function" },
      ]),
    );
    // Every function file in src/functions is in the bundle: one registration (at least) per file.
    const sources = readdirSync(join(REPO, "src/functions")).filter((f) => f.endsWith(".ts"));
    expect(functions.length).toBeGreaterThanOrEqual(sources.length);
  });

  it("maps a stack trace from the bundle back to src/*.ts under NODE_OPTIONS=--enable-source-maps", () => {
    // Invoking the Event Grid handler without an invocation context throws inside src/.
    const invoke = `${LOADER.replace("process.stdout.write(JSON.stringify({ entries, calls }));", "")}
const handler = handlers.linkgateEvents;
Promise.resolve().then(() => handler({}, null)).then(
  () => process.stdout.write("no error"),
  (e) => process.stdout.write(String(e && e.stack)),
);`.replace(
      "registerFunction(metadata, handler) {",
      "registerFunction(metadata, handler) {\n    handlers[metadata.name] = handler;",
    );
    const r = spawnSync(process.execPath, ["-e", `const handlers = {};\n${invoke}`], {
      cwd: out,
      encoding: "utf8",
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, NODE_OPTIONS: "--enable-source-maps" },
    });
    expect(r.status).toBe(0);
    const frame = r.stdout.split("\n").find((l) => l.trim().startsWith("at "));
    expect(frame).toMatch(/src\/[\w/]+\.ts:\d+:\d+\)?$/);
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
