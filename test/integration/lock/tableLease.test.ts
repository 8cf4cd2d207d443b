/**
 * The Table lease on a real Table service: Azurite over HTTPS (test/global-setup.ts), its CA trusted
 * explicitly. Holders in this process and in child processes never overlap; a dead holder's lease is taken
 * over once it expires; release and renewal are If-Match, so a holder that lost its lease frees nothing.
 */
import * as path from "node:path";
import { TableClient } from "@azure/data-tables";
import { targetLockFromEnv } from "../../../src/adapters/lock";
import { LOCK_PARTITION, leaseRowKey, TableLeaseLock } from "../../../src/adapters/lock/tableLease";
import { createTableClient, tableStoreConfigFromEnv } from "../../../src/adapters/storage/tableFindingStore";
import { loadSettings } from "../../../src/config";
import { LockTimeoutError, targetLockKey } from "../../../src/core/lock";
import type { UnconfirmedWrite } from "../../../src/ports";
import { azuriteEnv, firstLine, holdsOf, overlaps, startChild, type Hold } from "./support/children";

const WORKER = path.join(__dirname, "support", "lockWorker.ts");
const TARGET =
  "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns1";
let counter = 0;

function freshTable(): string {
  counter += 1;
  return `locks${process.pid}x${counter}`;
}

function client(table: string): TableClient {
  const env = azuriteEnv(table);
  const settings = loadSettings(env);
  const config = tableStoreConfigFromEnv(env, settings);
  if (!config) throw new Error("storage not configured");
  return createTableClient({ ...config, table });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function holdLoop(lock: TableLeaseLock, key: string, n: number, holdMs: number): Promise<Hold[]> {
  const out: Hold[] = [];
  for (let i = 0; i < n; i++) {
    const h = await lock.acquire(key, { waitTimeoutInMs: 20_000 });
    const start = Date.now();
    await sleep(holdMs);
    const end = Date.now();
    await h.release();
    out.push({ pid: process.pid, start, end });
  }
  return out;
}

describe("TableLeaseLock on Azurite", () => {
  test("three holders in this process, each with its own lease client, never overlap", async () => {
    const table = freshTable();
    const locks = [0, 1, 2].map((i) => new TableLeaseLock(client(table), { owner: `t${i}`, pollInMs: 10 }));
    const key = targetLockKey(TARGET);
    const holds = (await Promise.all(locks.map((l) => holdLoop(l, key, 4, 30)))).flat();
    expect(holds).toHaveLength(12);
    expect(overlaps(holds)).toEqual([]);
    // Released leases are deleted: nothing left behind.
    const left = [];
    for await (const e of client(table).listEntities()) left.push(e);
    expect(left).toEqual([]);
  });

  test("holders in two child processes never overlap", async () => {
    const env = {
      ...azuriteEnv(freshTable()),
      LOCK_KIND: "table",
      LOCK_KEY: targetLockKey(TARGET),
      ITERATIONS: "5",
      HOLD_MS: "40",
    };
    const a = startChild(WORKER, env);
    const b = startChild(WORKER, env);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.stderr).toBe("");
    expect(rb.stderr).toBe("");
    const holds = [...holdsOf(ra.stdout), ...holdsOf(rb.stdout)];
    expect(holds).toHaveLength(10);
    expect(new Set(holds.map((h) => h.pid)).size).toBe(2);
    expect(overlaps(holds)).toEqual([]);
  }, 60_000);

  test("a killed holder's lease is taken over once it expires, not before", async () => {
    const table = freshTable();
    const key = targetLockKey(TARGET);
    const child = startChild(WORKER, {
      ...azuriteEnv(table),
      LOCK_KIND: "table",
      LOCK_KEY: key,
      TTL_MS: "3000",
      DIE_AFTER_ACQUIRE: "1",
    });
    const line = JSON.parse(await firstLine(child)) as { acquired: number };
    child.kill("SIGKILL");
    await child.done;
    const lock = new TableLeaseLock(client(table), { pollInMs: 20 });
    // Still within the dead holder's TTL: a short wait times out.
    await expect(lock.acquire(key, { waitTimeoutInMs: 300 })).rejects.toBeInstanceOf(LockTimeoutError);
    const h = await lock.acquire(key, { waitTimeoutInMs: 10_000 });
    const at = Date.now();
    await h.release();
    expect(at - line.acquired).toBeGreaterThanOrEqual(3000 - 250);
  }, 30_000);

  test("release and renewal are If-Match: a holder whose lease was taken over frees nothing and is told it lost", async () => {
    const table = freshTable();
    const key = targetLockKey(TARGET);
    const c = client(table);
    const a = new TableLeaseLock(c, { owner: "a", ttlInMs: 3000 });
    const h = await a.acquire(key);
    // Someone takes the lease over (as after A stalled past its TTL): the entity and its etag change.
    await c.updateEntity(
      {
        partitionKey: LOCK_PARTITION,
        rowKey: leaseRowKey(key),
        owner: "b",
        expiresAtMs: Date.now() + 60_000,
        targetId: key,
        unconfirmed: "",
      },
      "Replace",
      { etag: "*" },
    );
    // A's next renewal (every ttl/3 = 1 s) fails with 412: the handle says lost.
    await sleep(1_300);
    expect(h.lost.aborted).toBe(true);
    await h.release();
    const e = await c.getEntity<{ owner: string }>(LOCK_PARTITION, leaseRowKey(key));
    expect(e.owner).toBe("b");
  }, 15_000);

  test("unconfirmed writes outlive a release and reach the next holder, then clear", async () => {
    const table = freshTable();
    const key = targetLockKey(TARGET);
    const a = new TableLeaseLock(client(table), { owner: "a" });
    const b = new TableLeaseLock(client(table), { owner: "b" });
    const w: UnconfirmedWrite = {
      connectionId: `${TARGET}/privateEndpointConnections/c1`,
      status: "Approved",
      description: "[linkgate:allow] ok",
      action: "approve",
      ruleId: "allow",
      reasons: "allow matched",
      at: new Date().toISOString(),
    };
    const h1 = await a.acquire(key);
    expect(h1.unconfirmed).toEqual([]);
    await h1.recordUnconfirmed([w]);
    await h1.release();
    const h2 = await b.acquire(key, { waitTimeoutInMs: 1_000 });
    expect(h2.unconfirmed).toEqual([w]);
    await h2.recordUnconfirmed([]);
    await h2.release();
    const h3 = await a.acquire(key, { waitTimeoutInMs: 1_000 });
    expect(h3.unconfirmed).toEqual([]);
    await h3.release();
  });

  test("compose picks the Table lease from storage settings alone and shares it per process", () => {
    const env = azuriteEnv(freshTable());
    const l1 = targetLockFromEnv(env);
    const l2 = targetLockFromEnv(env);
    expect(l1.description).toMatch(/^table locks\d+x\d+ at https:\/\/127\.0\.0\.1:\d+$/);
    expect(l2).toBe(l1);
    expect(targetLockFromEnv({ TMPDIR: "/tmp" }).description).toMatch(/^machine-local lock files in /);
  });
});
