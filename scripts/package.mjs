#!/usr/bin/env node
/* global process, console */
/**
 * `npm run package [-- --out DIR]`: the deployable Functions app, small and self-contained, in DIR (default
 * .azure-package, the `dist` azure.yaml deploys).
 *
 * - esbuild, ES modules with code splitting, for Node 22, preferring the SDKs' ESM builds (mainFields
 *   module,main) so unused operations fall away, minified with names kept, each file with an external source
 *   map (the app sets NODE_OPTIONS=--enable-source-maps, so stack traces point at src/*.ts). One build, so every
 *   module is in exactly one file and its state (the process lock, caches, the shared telemetry client) exists
 *   once per worker.
 * - Cold start (docs/performance.md): the entry, dist/linkgate.mjs, imports every function file in
 *   src/functions and holds only what registration runs. Each lazy `require("x")` in src/ (the approval path,
 *   the sweep path, applicationinsights, identity, Table Storage... each loaded when first needed) is a split
 *   point: x becomes an entry of its own, dist/lazy-<name>.mjs, and the `require` loads it synchronously
 *   (Node >= 22.12 requires ES modules), so what x reaches is read only when the code first asks for it. Code
 *   the chunks share is in dist/chunk-<hash>.mjs. Nothing changes in src/: the tsc build and the tests run
 *   the same lazy requires.
 * - Every file starts with `require`, `__filename` and `__dirname` for the CommonJS packages inside (built
 *   with createRequire(import.meta.url)). Only `@azure/functions-core` stays external: the Functions Node.js
 *   worker provides it to `require` (it imports an .mjs entry), and the bundled `@azure/functions` registers
 *   the functions through it. Nothing else is required at run time, so the package has no node_modules.
 * - NOT_SHIPPED packages are left out: no function reaches them (`@azure/arm-network` serves only the CLI's
 *   demo since the approval path reads and writes Private Link Services through the generic client), yet a
 *   lazy `require` of them would put them in the package (2.5 MB of 6.8 MB). Each is replaced by a module
 *   that throws saying so, should a later change reach one.
 * - package.json (main: dist/linkgate.mjs), host.json, policy.yaml (the starter policy, the default
 *   LINKGATE_POLICY_FILE), examples/policy.yaml, policy/ when present, and the file
 *   LINKGATE_POLICY_FILE names when it is set (azd passes its environment to the hook that runs this).
 * Fails when the unzipped package exceeds 15 MB.
 */
import { build } from "esbuild";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_OUT = ".azure-package";
export const MAX_BYTES = 15 * 1000 * 1000;
const MARKER = ".linkgate-package";

function fail(message) {
  console.error(`linkgate package: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && argv[i + 1]) out = argv[++i];
    else if (argv[i].startsWith("--out=")) out = argv[i].slice("--out=".length);
    else fail(`unknown argument '${argv[i]}'. Usage: npm run package [-- --out DIR]`);
  }
  return resolve(ROOT, out);
}

/** Removes a previous package, but never a directory this script did not create. */
function clean(out) {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    fail(
      `${out} exists and was not written by 'npm run package' (no ${MARKER}); remove it or choose another --out.`,
    );
  }
  rmSync(out, { recursive: true, force: true });
}

/** Repo-relative policy paths to ship; each must exist and stay inside the repository. */
function policyFiles() {
  const wanted = ["policy.yaml", "examples/policy.yaml"];
  if (existsSync(join(ROOT, "policy"))) wanted.push("policy");
  const configured = process.env["LINKGATE_POLICY_FILE"]?.trim();
  if (configured) {
    if (isAbsolute(configured)) {
      fail(
        `LINKGATE_POLICY_FILE=${configured} is absolute; it must be a path relative to the repository root.`,
      );
    }
    const full = resolve(ROOT, configured);
    if (full !== ROOT && !full.startsWith(ROOT + sep)) {
      fail(
        `LINKGATE_POLICY_FILE=${configured} points outside the repository; the package only ships files inside it.`,
      );
    }
    if (!existsSync(full) || !statSync(full).isFile()) {
      fail(
        `LINKGATE_POLICY_FILE=${configured} does not exist (relative to ${ROOT}); create it or unset the setting.`,
      );
    }
    wanted.push(relative(ROOT, full));
  }
  return [...new Set(wanted)];
}

/** Packages no function uses at run time; see the header. */
export const NOT_SHIPPED = ["@azure/arm-network"];

/** Resolves each NOT_SHIPPED package to a module that throws, loudly, when something requires it. */
const notShipped = {
  name: "linkgate-not-shipped",
  setup(b) {
    const filter = new RegExp(`^(${NOT_SHIPPED.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "linkgate-not-shipped" }));
    b.onLoad({ filter: /.*/, namespace: "linkgate-not-shipped" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(
        `${args.path} is not in the Functions package (scripts/package.mjs NOT_SHIPPED): ` +
          "a function reached it; ship it by removing it from NOT_SHIPPED",
      )});`,
      loader: "js",
    }));
  },
};

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, e) => sum + sizeOf(join(path, e)), 0);
}

/** The entry's file name in dist/ (package.json `main`). */
export const ENTRY = "linkgate.mjs";
const SRC = join(ROOT, "src") + sep;
const isBuiltin = (spec) => spec.startsWith("node:") || builtinModules.includes(spec);

/**
 * `require`, `__filename` and `__dirname` as CommonJS code expects them, at the top of every output file (the
 * `require` of a chunk resolves next to it, so the lazy entries are found wherever the package is unpacked).
 */
const BANNER =
  'import { createRequire as __lgRequire } from "node:module"; import { fileURLToPath as __lgPath } from "node:url"; ' +
  'import { dirname as __lgDirname } from "node:path"; const require = __lgRequire(import.meta.url), ' +
  "__filename = __lgPath(import.meta.url), __dirname = __lgDirname(__filename);";

/**
 * Without require() of ES modules, every lazy entry would fail at its first use: the worker says so at startup
 * instead, before any function registers.
 */
const NODE_CHECK = `if (!process.features.require_module) {
  throw new Error(
    "linkgate: this package loads its lazy parts with require() of ES modules, which Node " + process.version +
      " does not do; run it on Node >= 22.12 (the function app's Node 22 runtime) without --no-experimental-require-module",
  );
}
`;

/** What both passes share. */
const COMMON = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  mainFields: ["module", "main"],
  external: ["@azure/functions-core"],
  logLevel: "warning",
};

/** The entry's source: one import per function file (each registers its functions). */
function entrySource(functionFiles) {
  return functionFiles.map((f) => `import "./src/functions/${f.replace(/\.ts$/, "")}";`).join("\n");
}

/** A lazy require's split point is named after what it loads: a file under src/, or a package. */
function lazyName(resolved, spec) {
  const what = resolved.startsWith(SRC)
    ? relative(SRC, resolved).replace(/\.[cm]?[jt]s$/, "")
    : spec.replace(/^@/, "");
  return `lazy-${what.replace(/[^\w.-]+/g, "-")}`;
}

/**
 * Calls `found(args, resolved)` for each `require()` written in src/ (Node built-ins and NOT_SHIPPED packages
 * aside) and answers what it returns, or the plain resolution.
 */
function onLazyRequire(b, found) {
  b.onResolve({ filter: /.*/ }, async (args) => {
    if (args.kind !== "require-call" || !args.importer.startsWith(SRC) || args.pluginData?.lazy)
      return undefined;
    if (isBuiltin(args.path) || NOT_SHIPPED.includes(args.path)) return undefined;
    const r = await b.resolve(args.path, {
      kind: args.kind,
      resolveDir: args.resolveDir,
      importer: args.importer,
      pluginData: { lazy: true },
    });
    if (r.errors.length > 0 || r.external) return undefined;
    return found(args, r) ?? r;
  });
}

/**
 * The lazy requires the functions reach, as { name, resolved }: a first, unwritten bundle follows every import
 * and require from the function files and records each `require()` written in src/.
 */
async function lazyRequires(functionFiles) {
  const found = new Map();
  const record = {
    name: "linkgate-find-lazy",
    setup(b) {
      onLazyRequire(b, (args, r) => {
        const name = lazyName(r.path, args.path);
        const seen = found.get(name);
        if (seen && seen.resolved !== r.path) {
          fail(`two lazy requires are both named ${name} (${seen.resolved}, ${r.path}); rename one of them`);
        }
        found.set(name, { name, resolved: r.path });
        return undefined;
      });
    },
  };
  await build({
    ...COMMON,
    stdin: {
      contents: entrySource(functionFiles),
      resolveDir: ROOT,
      sourcefile: "linkgate-functions.ts",
      loader: "ts",
    },
    outfile: join(ROOT, "linkgate-discovery.mjs"),
    write: false,
    plugins: [notShipped, record],
  });
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The entries (the functions' entry and one per lazy require), and each lazy `require("x")` in src/ turned
 * into a small CommonJS shim whose `require("./lazy-x.mjs")` (external: it resolves next to the calling file
 * at run time) answers x's namespace, which that entry exports as `lazy`.
 */
function entriesAndSplits(functionFiles, lazy) {
  const byResolved = new Map(lazy.map((l) => [l.resolved, l]));
  return {
    name: "linkgate-split-at-lazy-requires",
    setup(b) {
      b.onResolve({ filter: /^linkgate-entry:/ }, (args) => ({
        path: args.path,
        namespace: "linkgate-entry",
      }));
      b.onLoad({ filter: /.*/, namespace: "linkgate-entry" }, (args) => {
        if (args.path === "linkgate-entry:functions") {
          // The Node check first: imports are evaluated in order, so it runs before any function registers.
          const contents = `import "linkgate-entry:node-check";\n${entrySource(functionFiles)}`;
          return { contents, resolveDir: ROOT, loader: "ts" };
        }
        if (args.path === "linkgate-entry:node-check") return { contents: NODE_CHECK, loader: "js" };
        const l = lazy.find((x) => `linkgate-entry:${x.name}` === args.path);
        return {
          contents: `import * as lazy from ${JSON.stringify(l.resolved)};\nexport { lazy };\n`,
          resolveDir: ROOT,
          loader: "js",
        };
      });
      b.onResolve({ filter: /^\.\/lazy-.*\.mjs$/, namespace: "linkgate-shim" }, (args) => ({
        path: args.path,
        external: true,
      }));
      onLazyRequire(b, (args, r) => {
        const l = byResolved.get(r.path);
        if (!l) fail(`${args.importer} requires ${args.path}, which the first pass did not find`);
        return { path: l.name, namespace: "linkgate-shim" };
      });
      b.onLoad({ filter: /.*/, namespace: "linkgate-shim" }, (args) => ({
        contents: `module.exports = require("./${args.path}.mjs").lazy;\n`,
        loader: "js",
      }));
    },
  };
}

export async function packageApp(out) {
  const functionFiles = readdirSync(join(ROOT, "src/functions"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort();
  if (functionFiles.length === 0) fail("no function files in src/functions");
  const policies = policyFiles();
  clean(out);
  const lazy = await lazyRequires(functionFiles);
  mkdirSync(join(out, "dist"), { recursive: true });
  writeFileSync(join(out, MARKER), "written by npm run package; safe to delete\n");

  const result = await build({
    ...COMMON,
    entryPoints: [
      { in: "linkgate-entry:functions", out: ENTRY.replace(/\.mjs$/, "") },
      ...lazy.map((l) => ({ in: `linkgate-entry:${l.name}`, out: l.name })),
    ],
    outdir: join(out, "dist"),
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunk-[hash]",
    banner: { js: BANNER },
    plugins: [notShipped, entriesAndSplits(functionFiles, lazy)],
    sourcemap: "linked",
    sourcesContent: false,
    minify: true,
    keepNames: true,
    legalComments: "external",
    metafile: true,
  });
  if (result.errors.length > 0) fail("esbuild reported errors (above)");

  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeFileSync(
    join(out, "package.json"),
    JSON.stringify(
      {
        name: `${root.name}-functions`,
        version: root.version,
        private: true,
        description: `${root.description} (deployment package, built by npm run package)`,
        license: root.license,
        main: `dist/${ENTRY}`,
        // The lazy entries are ES modules loaded by require(), which Node does from 22.12 on.
        engines: { node: ">=22.12" },
        dependencies: {},
      },
      null,
      2,
    ) + "\n",
  );
  cpSync(join(ROOT, "host.json"), join(out, "host.json"));
  for (const p of policies) cpSync(join(ROOT, p), join(out, p), { recursive: true });

  const bytes = sizeOf(out);
  const modules = Object.keys(result.metafile.inputs).length;
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".mjs")).length;
  const entryBytes = statSync(join(out, "dist", ENTRY)).size;
  return { bytes, modules, files, entryBytes, lazy: lazy.map((l) => l.name), functionFiles, policies };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = parseArgs(process.argv.slice(2));
  const { bytes, modules, files, entryBytes, lazy, functionFiles, policies } = await packageApp(out);
  const mb = (bytes / 1e6).toFixed(2);
  console.log(
    `linkgate package: ${relative(process.cwd(), out) || "."} ${mb} MB unzipped (${modules} modules bundled from ` +
      `${functionFiles.map((f) => `src/functions/${f}`).join(", ")} into ${files} files: dist/${ENTRY} ` +
      `${(entryBytes / 1e3).toFixed(0)} kB, ${lazy.length} lazy entries, the rest shared chunks; ` +
      `policies: ${policies.join(", ")})`,
  );
  if (bytes > MAX_BYTES) {
    fail(
      `the package is ${mb} MB, over the ${MAX_BYTES / 1e6} MB limit (issue 10). See which inputs grew with esbuild's metafile.`,
    );
  }
}
