#!/usr/bin/env node
/* global process, console */
/**
 * `npm run infra:build [-- --compile-only] [-- <jest arguments>]`: check the Bicep before `azd up`.
 *
 * 1. With a Bicep compiler installed, compiles every .bicep file under infra/ with it: the standalone `bicep`
 *    CLI if it is on PATH, otherwise `az bicep` (the Azure CLI's copy). Any compile error fails the command.
 *    Without one, says so (and how to install one) and goes on.
 * 2. Runs the offline checks (jest test/unit/infra): what the compiler does not know about Flex Consumption and
 *    azd (siteConfig allow-list, scale limits, deployment names, providers, the package). Extra arguments are
 *    passed to jest, e.g. `npm run infra:build -- test/unit/infra/flex.test.ts`.
 * `--compile-only` skips step 2 and fails when no compiler is installed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WINDOWS = process.platform === "win32";

function log(message) {
  console.log(`linkgate infra:build: ${message}`);
}

function bicepFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith(".bicep") ? [join(dir, e.name)] : [],
    )
    .sort();
}

function run(command, args, options = {}) {
  // az is a .cmd script on Windows, which only a shell starts.
  return spawnSync(command, args, { cwd: ROOT, encoding: "utf8", shell: WINDOWS, ...options });
}

/** The compiler to use: `bicep` on PATH, else `az bicep`; undefined when neither answers. */
function findCompiler() {
  const bicep = run("bicep", ["--version"]);
  if (bicep.status === 0) {
    return { name: `bicep (${bicep.stdout.trim()})`, args: (file) => ["bicep", ["build", file, "--stdout"]] };
  }
  const az = run("az", ["bicep", "version", "--only-show-errors"]);
  if (az.status === 0) {
    return {
      name: `az bicep (${az.stdout.trim().split("\n")[0]})`,
      args: (file) => ["az", ["bicep", "build", "--file", file, "--stdout", "--only-show-errors"]],
    };
  }
  return undefined;
}

function compileAll(compiler) {
  const files = bicepFiles(join(ROOT, "infra"));
  log(`compiling ${files.length} files with ${compiler.name}`);
  const failed = [];
  for (const file of files) {
    const rel = relative(ROOT, file);
    const [command, args] = compiler.args(rel);
    // The ARM JSON goes to stdout and is not kept; diagnostics go to stderr.
    const r = run(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) {
      failed.push(rel);
      console.error(`linkgate infra:build: ${rel} does not compile:\n${(r.stderr ?? "").trim()}`);
    } else if (r.stderr?.trim()) {
      console.error(`linkgate infra:build: ${rel} compiles with warnings:\n${r.stderr.trim()}`);
    }
  }
  if (failed.length > 0) {
    console.error(
      `linkgate infra:build: ${failed.length} of ${files.length} files do not compile: ${failed.join(", ")}`,
    );
    return false;
  }
  log(`all ${files.length} files compile`);
  return true;
}

function offlineChecks(jestArgs) {
  let jest;
  try {
    // jest's package exports hide bin/jest.js from resolve(): go through its package.json.
    jest = join(
      dirname(createRequire(join(ROOT, "package.json")).resolve("jest/package.json")),
      "bin/jest.js",
    );
  } catch {
    console.error(
      "linkgate infra:build: jest is not installed (run `npm ci` with dev dependencies) for the offline checks.",
    );
    return false;
  }
  const targets = jestArgs.length > 0 ? jestArgs : ["test/unit/infra"];
  log(`running the offline checks: jest ${targets.join(" ")}`);
  const r = spawnSync(process.execPath, [jest, ...targets], { cwd: ROOT, stdio: "inherit" });
  return r.status === 0;
}

const argv = process.argv.slice(2);
const compileOnly = argv.includes("--compile-only");
const jestArgs = argv.filter((a) => a !== "--compile-only");

const compiler = findCompiler();
let ok = true;
if (compiler) {
  ok = compileAll(compiler);
} else {
  log(
    "no Bicep compiler found (neither `bicep` nor `az bicep` answered), so nothing is compiled. Install one to " +
      "compile: `az bicep install`, or the standalone CLI (https://aka.ms/bicep-install).",
  );
  if (compileOnly) {
    console.error("linkgate infra:build: --compile-only needs a Bicep compiler.");
    process.exit(1);
  }
  log("running the offline checks only; they parse the templates but are no substitute for the compiler.");
}
if (!compileOnly) ok = offlineChecks(jestArgs) && ok;
process.exit(ok ? 0 : 1);
