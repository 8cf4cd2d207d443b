// Lets a plain `node` child process require the TypeScript sources directly (same swc transform as jest),
// so a test can run real code under NODE_EXTRA_CA_CERTS, which only takes effect at process start.
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a CommonJS preload script run by plain node */
const fs = require("node:fs");
const Module = require("node:module");
const { transformSync } = require("@swc/core");

Module._extensions[".ts"] = function compile(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { code } = transformSync(source, {
    filename,
    jsc: { target: "es2022", parser: { syntax: "typescript" } },
    module: { type: "commonjs" },
    sourceMaps: "inline",
  });
  module._compile(code, filename);
};
