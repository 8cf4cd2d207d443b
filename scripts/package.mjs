#!/usr/bin/env node
/* global process, console */
/**
 * `npm run package [-- --out DIR]`: the deployable Functions app, small and self-contained, in DIR (default
 * .azure-package, the `dist` azure.yaml deploys).
 *
 * - One esbuild bundle, dist/linkgate.js, of every function file in src/functions (so the SDKs and core load once
 *   per worker), CommonJS for Node 22, preferring the SDKs' ESM builds (mainFields module,main) so unused
 *   operations fall away, minified with names kept, and an external source map (the app sets
 *   NODE_OPTIONS=--enable-source-maps, so stack traces point at src/*.ts).
 * - Only `@azure/functions-core` stays external: the Functions Node.js worker provides it at run time, and the
 *   bundled `@azure/functions` registers the functions through it. Nothing else is required at run time, so the
 *   package has no node_modules.
 * - NOT_SHIPPED packages are left out: no function reaches them (`@azure/arm-network` serves only the CLI's
 *   demo since the approval path reads and writes Private Link Services through the generic client), yet a
 *   lazy `require` of them would put them in the bundle (2.5 MB of 6.8 MB that V8 reads at every cold
 *   start). Each is replaced by a module that throws saying so, should a later change reach one.
 * - package.json (main: dist/linkgate.js), host.json, policy.yaml (the starter policy, the default
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

export async function packageApp(out) {
  const functionFiles = readdirSync(join(ROOT, "src/functions"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort();
  if (functionFiles.length === 0) fail("no function files in src/functions");
  const policies = policyFiles();
  clean(out);
  mkdirSync(join(out, "dist"), { recursive: true });
  writeFileSync(join(out, MARKER), "written by npm run package; safe to delete\n");

  const result = await build({
    stdin: {
      contents: functionFiles.map((f) => `import "./src/functions/${f.replace(/\.ts$/, "")}";`).join("\n"),
      resolveDir: ROOT,
      sourcefile: "linkgate-functions.ts",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    outfile: join(out, "dist/linkgate.js"),
    external: ["@azure/functions-core"],
    plugins: [notShipped],
    sourcemap: "linked",
    sourcesContent: false,
    minify: true,
    keepNames: true,
    legalComments: "external",
    metafile: true,
    logLevel: "warning",
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
        main: "dist/linkgate.js",
        engines: root.engines,
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
  return { bytes, modules, functionFiles, policies };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = parseArgs(process.argv.slice(2));
  const { bytes, modules, functionFiles, policies } = await packageApp(out);
  const mb = (bytes / 1e6).toFixed(2);
  console.log(
    `linkgate package: ${relative(process.cwd(), out) || "."} ${mb} MB unzipped (${modules} modules bundled from ` +
      `${functionFiles.map((f) => `src/functions/${f}`).join(", ")}; policies: ${policies.join(", ")})`,
  );
  if (bytes > MAX_BYTES) {
    fail(
      `the package is ${mb} MB, over the ${MAX_BYTES / 1e6} MB limit (issue 10). See which inputs grew with esbuild's metafile.`,
    );
  }
}
