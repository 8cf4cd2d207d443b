/**
 * Acceptance: the entry points a new user meets first (issue 2 and 4): `npx linkgate --help` right after
 * `npm install`, and `npm run demo`, which must run the whole job against the embedded emulator and exit 0.
 */
import { spawn } from "node:child_process";
import { ROOT, cleanEnv, ensureBuilt, runCli, type RunResult } from "./helpers";

// These tests spawn the real CLI (a process start each, several per test); leave room on a loaded 2-core CI
// machine. Per-process kill is at 60 s (helpers.ts).
jest.setTimeout(120_000);

/** Runs an npm-family tool (npm, npx) from the repository root, as a user's shell would. */
function runTool(tool: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { cwd: ROOT, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const COMMANDS = ["policy", "decide", "handle-event", "reconcile", "sweep", "emulator", "demo"];

beforeAll(() => ensureBuilt(), 120_000);

test.concurrent("`npx linkgate --help` lists every command and exits 0", async () => {
  const r = await runTool("npx", ["linkgate", "--help"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: linkgate /);
  for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
});

test.concurrent("`linkgate policy --help` lists validate and test; an unknown command exits 2", async () => {
  const [policyHelp, unknown] = await Promise.all([
    runCli(["policy", "--help"]),
    runCli(["approve-everything"]),
  ]);
  expect(policyHelp.code).toBe(0);
  expect(policyHelp.stdout).toMatch(/^ {2}validate .*<file>/m);
  expect(policyHelp.stdout).toMatch(/^ {2}test .*<policy> <cases>/m);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'approve-everything'");
});

test.concurrent(
  "`npm run demo` exits 0 and prints decisions and findings",
  async () => {
    const r = await runTool("npm", ["run", "demo"]);
    expect(r.code).toBe(0);
    // The connection event decides through the real reconcile path and writes to the emulator.
    expect(r.stdout).toMatch(/^ {2}APPROVE \S+ by rule internal-demo-apps \(enforce, written to ARM\)$/m);
    // The sweep prints findings as a table and a summary line.
    expect(r.stdout).toMatch(/^ERROR +pls-lb-not-standard +aaaaaaaa +rg-demo +pls-basic /m);
    expect(r.stdout).toMatch(/^\d+ finding\(s\): \d+ error, \d+ warning, \d+ info;/m);
  },
  60_000,
);
