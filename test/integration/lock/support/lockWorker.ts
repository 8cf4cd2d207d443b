/**
 * A child process that takes a target lock ITERATIONS times, holds it HOLD_MS each time, and prints one JSON
 * line per hold: {pid, start, end} (ms since epoch, taken inside the lock). LOCK_KIND=local uses the
 * machine-local file lock in LOCK_DIR; LOCK_KIND=table the Table lease on AzureWebJobsStorage/LINKGATE_LOCK_TABLE.
 * With DIE_AFTER_ACQUIRE=1 it takes the lock once, says {"acquired":...} and waits to be killed.
 */
import {
  createTableClient,
  tableStoreConfigFromEnv,
} from "../../../../src/adapters/storage/tableFindingStore";
import { LocalFileLock } from "../../../../src/adapters/lock/localFileLock";
import { TableLeaseLock } from "../../../../src/adapters/lock/tableLease";
import { loadSettings } from "../../../../src/config";
import type { TargetLock } from "../../../../src/ports";

const env = process.env;
const key = env["LOCK_KEY"] ?? "k";
const iterations = Number(env["ITERATIONS"] ?? "5");
const holdMs = Number(env["HOLD_MS"] ?? "50");
const ttl = Number(env["TTL_MS"] ?? "60000");

function lock(): TargetLock {
  if (env["LOCK_KIND"] === "local") {
    return new LocalFileLock({ dir: env["LOCK_DIR"], staleInMs: Number(env["STALE_MS"] ?? "10000") });
  }
  const settings = loadSettings(env);
  const config = tableStoreConfigFromEnv(env, settings);
  if (!config) throw new Error("no storage configured");
  return new TableLeaseLock(createTableClient({ ...config, table: settings.lockTable }), { ttlInMs: ttl });
}

async function main(): Promise<void> {
  const l = lock();
  if (env["DIE_AFTER_ACQUIRE"] === "1") {
    await l.acquire(key, { waitTimeoutInMs: 20_000 });
    process.stdout.write(`${JSON.stringify({ acquired: Date.now(), pid: process.pid })}\n`);
    setInterval(() => {}, 1_000);
    return;
  }
  for (let i = 0; i < iterations; i++) {
    const h = await l.acquire(key, { waitTimeoutInMs: 30_000 });
    const start = Date.now();
    await new Promise((r) => setTimeout(r, holdMs));
    const end = Date.now();
    await h.release();
    process.stdout.write(`${JSON.stringify({ pid: process.pid, start, end })}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`lock worker failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
