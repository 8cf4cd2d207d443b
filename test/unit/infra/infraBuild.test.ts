/**
 * `npm run infra:build` both ways: with a Bicep compiler on PATH (a fake `bicep` that records its arguments) it
 * compiles every .bicep file and fails on a compile error; with none it says so and runs the offline checks.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { listBicepFiles, REPO } from "./bicep";

let dir: string;
const nodeDir = dirname(process.execPath);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "linkgate-infra-build-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A directory holding a fake `bicep` that logs each call; it fails to compile files named in $FAKE_BICEP_BROKEN. */
function fakeBicep(name: string): { bin: string; log: string } {
  const bin = join(dir, name);
  mkdirSync(bin);
  const log = join(dir, `${name}.log`);
  writeFileSync(
    join(bin, "bicep"),
    [
      "#!/bin/sh",
      `echo "$*" >> "${log}"`,
      'if [ "$1" = "--version" ]; then echo "Bicep CLI version 0.99.0 (fake)"; exit 0; fi',
      'case " ${FAKE_BICEP_BROKEN:-} " in *" $2 "*) echo "$2(1,1) : Error BCP138: For-expressions are not supported in this context." >&2; exit 1 ;; esac',
      'echo "{}"',
      "",
    ].join("\n"),
  );
  chmodSync(join(bin, "bicep"), 0o755);
  return { bin, log };
}

function infraBuild(args: string[], path: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(REPO, "scripts/infra-build.mjs"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { HOME: dir, PATH: path, ...env },
  });
}

const bicepFiles = () => listBicepFiles().map((f) => relative(REPO, f));

describe("npm run infra:build", () => {
  it("compiles every .bicep file with the bicep CLI when it is on PATH", () => {
    const { bin, log } = fakeBicep("ok");
    const r = infraBuild(["--compile-only"], `${bin}:${nodeDir}:/usr/bin:/bin`);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toContain(
      `compiling ${bicepFiles().length} files with bicep (Bicep CLI version 0.99.0 (fake))`,
    );
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toBe("--version");
    expect(calls.slice(1)).toEqual(bicepFiles().map((f) => `build ${f} --stdout`));
    expect(bicepFiles()).toEqual(expect.arrayContaining(["infra/main.bicep", "infra/events.bicep"]));
  });

  it("fails, naming the file and the compiler's error, when a file does not compile", () => {
    const { bin } = fakeBicep("broken");
    const r = infraBuild(["--compile-only"], `${bin}:${nodeDir}:/usr/bin:/bin`, {
      FAKE_BICEP_BROKEN: "infra/main.bicep",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("infra/main.bicep does not compile:");
    expect(r.stderr).toContain("Error BCP138");
    expect(r.stderr).toContain(`1 of ${bicepFiles().length} files do not compile: infra/main.bicep`);
  });

  it("without a compiler, says so and runs the offline checks", () => {
    const r = infraBuild(["test/unit/infra/parse.test.ts"], `${nodeDir}:/usr/bin:/bin`);
    expect(r.stdout).toContain("no Bicep compiler found");
    expect(r.stdout).toContain("running the offline checks: jest test/unit/infra/parse.test.ts");
    expect({ status: r.status, jest: /Tests:\s+\d+ passed, \d+ total/.test(r.stderr) }).toEqual({
      status: 0,
      jest: true,
    });
  }, 120_000);

  it("with --compile-only and no compiler, fails", () => {
    const r = infraBuild(["--compile-only"], `${nodeDir}:/usr/bin:/bin`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--compile-only needs a Bicep compiler");
  });
});
