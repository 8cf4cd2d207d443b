/**
 * bin/linkgate.js where dist/ was never built: after `npm install --omit=dev` there is no TypeScript to compile
 * with, and the entry must say what to do (exit 2) rather than crash with a compiler stack trace.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("bin/linkgate.js without dist/", () => {
  it("without TypeScript: one line naming what to run, exit 2", () => {
    const root = mkdtempSync(join(tmpdir(), "lg-bin-"));
    try {
      mkdirSync(join(root, "bin"));
      copyFileSync(join(__dirname, "..", "..", "..", "bin", "linkgate.js"), join(root, "bin", "linkgate.js"));
      const r = spawnSync(process.execPath, [join(root, "bin", "linkgate.js"), "--help"], {
        encoding: "utf8",
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/dist\/ is missing and TypeScript is not installed/);
      expect(r.stderr).toMatch(/npm run build/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
