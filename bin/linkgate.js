#!/usr/bin/env node
// Entry point of the `linkgate` CLI. The TypeScript is compiled by `npm install` (prepare); if dist is missing
// (an install that skipped lifecycle scripts) we compile once here rather than fail with a stack trace.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const root = path.resolve(__dirname, "..");
const entry = path.join(root, "dist", "src", "cli", "main.js");
if (!fs.existsSync(entry)) {
  const { spawnSync } = require("node:child_process");
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) {
    // `npm install --omit=dev` leaves no TypeScript: say what to do instead of a compiler stack trace.
    process.stderr.write(
      "linkgate: dist/ is missing and TypeScript is not installed (npm install --omit=dev?); " +
        "run `npm install` (with dev dependencies) and `npm run build` in " +
        root +
        ", or install a built package\n",
    );
    process.exit(2);
  }
  process.stderr.write("linkgate: compiling TypeScript (dist/ missing)...\n");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`linkgate: ${err && err.message ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
