/**
 * The machine-local lock (CLI without storage) across real processes: holders never overlap, a killed
 * holder's lock is taken over once stale, and unconfirmed writes are kept next to the lock file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalFileLock } from "../../../src/adapters/lock/localFileLock";
import { LockTimeoutError, queuedLocally, targetLockKey } from "../../../src/core/lock";
import { firstLine, holdsOf, overlaps, startChild, type Hold } from "./support/children";

const WORKER = path.join(__dirname, "support", "lockWorker.ts");
const TARGET =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns1";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-locktest-"));
}

describe("LocalFileLock", () => {
  test("holders in two child processes never overlap", async () => {
    const env = {
      LOCK_KIND: "local",
      LOCK_DIR: tempDir(),
      LOCK_KEY: targetLockKey(TARGET),
      ITERATIONS: "6",
      HOLD_MS: "40",
    };
    const a = startChild(WORKER, env);
    const b = startChild(WORKER, env);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.stderr).toBe("");
    expect(rb.stderr).toBe("");
    const holds = [...holdsOf(ra.stdout), ...holdsOf(rb.stdout)];
    expect(holds).toHaveLength(12);
    expect(new Set(holds.map((h) => h.pid)).size).toBe(2);
    expect(overlaps(holds)).toEqual([]);
  }, 60_000);

  test("a killed holder's lock is taken over once stale, not before", async () => {
    const dir = tempDir();
    const key = targetLockKey(TARGET);
    const child = startChild(WORKER, {
      LOCK_KIND: "local",
      LOCK_DIR: dir,
      LOCK_KEY: key,
      STALE_MS: "2000",
      DIE_AFTER_ACQUIRE: "1",
    });
    await firstLine(child);
    child.kill("SIGKILL");
    await child.done;
    const killedAt = Date.now();
    const lock = new LocalFileLock({ dir, staleInMs: 2000 });
    await expect(lock.acquire(key, { waitTimeoutInMs: 200 })).rejects.toBeInstanceOf(LockTimeoutError);
    const h = await lock.acquire(key, { waitTimeoutInMs: 10_000 });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await h.release();
  }, 30_000);

  test("concurrent holders in one process queue locally and never overlap", async () => {
    const lock = queuedLocally(new LocalFileLock({ dir: tempDir() }));
    const key = targetLockKey(TARGET);
    const holds: Hold[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const h = await lock.acquire(key);
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 20));
        holds.push({ pid: process.pid, start, end: Date.now() });
        await h.release();
      }),
    );
    expect(holds).toHaveLength(4);
    expect(overlaps(holds)).toEqual([]);
  });

  test("unconfirmed writes are kept beside the lock for the next holder", async () => {
    const lock = new LocalFileLock({ dir: tempDir() });
    const key = targetLockKey(TARGET);
    const w = {
      connectionId: `${TARGET}/privateEndpointConnections/c1`,
      status: "Rejected" as const,
      description: "[linkgate:deny] no",
      action: "reject" as const,
      ruleId: "deny",
      reasons: "deny matched",
      at: new Date().toISOString(),
    };
    const h1 = await lock.acquire(key);
    await h1.recordUnconfirmed([w]);
    await h1.release();
    const h2 = await lock.acquire(key);
    expect(h2.unconfirmed).toEqual([w]);
    await h2.recordUnconfirmed([]);
    await h2.release();
    const h3 = await lock.acquire(key);
    expect(h3.unconfirmed).toEqual([]);
    await h3.release();
  });
});
