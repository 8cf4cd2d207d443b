#!/usr/bin/env node
/* global process, console */
/**
 * `npm install` runs `prepare`: compile the CLI (tsc -p tsconfig.build.json) into dist/. TypeScript is a
 * devDependency, so `npm install --omit=dev` (or `npm ci --omit=dev`) has no tsc: then there is nothing to
 * compile with, and the step is skipped with a note instead of failing the install. A tsc that is present but
 * fails still fails the install.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let tsc;
try {
  tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
} catch {
  console.log(
    "linkgate prepare: TypeScript is not installed (npm install --omit=dev); skipping the build of dist/.",
  );
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
