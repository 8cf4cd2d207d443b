/**
 * Acceptance tests drive the real `linkgate` executable (bin/linkgate.js → dist/) as a child process, exactly
 * as a user or a pipeline would, and check the stable CLI contracts of issues 2-4 byte for byte where they are
 * specified. `npm install` compiles dist (prepare) and CI builds before `npm test`; when src is newer than dist
 * (someone edited and ran the tests straight away) the suite compiles once, under a lock so that parallel jest
 * workers never run the CLI from half-written files.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const BIN = path.join(ROOT, "bin", "linkgate.js");
export const FIXTURES = path.join(__dirname, "fixtures");

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A child environment with nothing from the developer's shell that would change what linkgate talks to: no
 * emulator, storage, telemetry or scope settings unless the test sets them.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(LINKGATE_|AzureWebJobs|APPLICATIONINSIGHTS_|AZURE_)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `node bin/linkgate.js ...args` and resolves when it exits. */
export function runCli(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  const entry = path.join(ROOT, "dist", "src", "cli", "main.js");
  if (!fs.existsSync(entry)) return true;
  return newestMtime(path.join(ROOT, "src"), ".ts") > newestMtime(path.join(ROOT, "dist", "src"), ".js");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes sure bin/linkgate.js runs the current sources (see the file comment). */
export async function ensureBuilt(): Promise<void> {
  const lock = path.join(
    os.tmpdir(),
    `linkgate-acceptance-build-${Buffer.from(ROOT).toString("hex").slice(-32)}`,
  );
  for (;;) {
    if (!distIsStale()) return;
    try {
      fs.mkdirSync(lock);
    } catch {
      // Another worker is compiling; wait for it and look again.
      await sleep(250);
      continue;
    }
    try {
      if (!distIsStale()) return;
      const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
      const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], {
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`dist is stale and tsc failed:\n${r.stdout}${r.stderr}`);
    } finally {
      fs.rmdirSync(lock);
    }
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `linkgate-acceptance-${prefix}-`));
}

/** Parses stdout as JSON lines (one object per line), failing loudly on anything else. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
