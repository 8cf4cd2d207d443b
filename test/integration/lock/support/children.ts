/** Spawning TypeScript children (lock and handle workers) with the repo's swc register hook. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export const REGISTER_TS = path.resolve(__dirname, "../../sweep/support/register-ts.js");

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tlsDir(): string {
  const dir = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!dir) throw new Error("test/global-setup.ts did not run (LINKGATE_TEST_TLS_DIR unset)");
  return dir;
}

export function azuriteEnv(lockTable: string): NodeJS.ProcessEnv {
  const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
  if (!conn) throw new Error("test/global-setup.ts did not start Azurite (LINKGATE_TEST_AZURITE_CONN unset)");
  return {
    AzureWebJobsStorage: conn,
    LINKGATE_TABLE_CA: path.join(tlsDir(), "ca.pem"),
    LINKGATE_LOCK_TABLE: lockTable,
  };
}

/** Starts `node -r register-ts script` with only the given environment (plus PATH/HOME). */
export function startChild(
  script: string,
  env: NodeJS.ProcessEnv,
): ChildProcess & { done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ["-r", REGISTER_TS, script], {
    env: { PATH: process.env["PATH"], HOME: process.env["HOME"], ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<ChildResult>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return Object.assign(child, { done });
}

/** Resolves with the first stdout line of a running child. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout?.on("data", (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf("\n");
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.on("close", (code) => reject(new Error(`child exited (${code}) before printing a line`)));
  });
}

export interface Hold {
  pid: number;
  start: number;
  end: number;
}

export function holdsOf(stdout: string): Hold[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Hold);
}

/** Pairs of holds whose intervals intersect (there must be none). */
export function overlaps(holds: readonly Hold[]): [Hold, Hold][] {
  const sorted = [...holds].sort((a, b) => a.start - b.start);
  const out: [Hold, Hold][] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) out.push([prev, cur]);
  }
  return out;
}
