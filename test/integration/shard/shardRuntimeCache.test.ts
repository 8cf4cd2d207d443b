/**
 * The shard function keeps one runtime per worker (adapters/queue/shardRuntime.ts cachedShardRuntime) instead
 * of composing clients, collectors and policy for every message, and still picks up what the timer's single
 * sweep would pick up on its next tick: a changed policy file or a changed setting builds a new runtime, and
 * the next message is swept with it. Each invocation's log lines reach that invocation's own context. In
 * process, against the ARM emulator and Azurite Table.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvocationContext } from "@azure/functions";
import { buildEstate } from "../../../scripts/bench/estate";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { shardRuntimeBuilds } from "../../../src/adapters/queue/shardRuntime";
import { encodeShardMessage, planShards, type ShardOutcome } from "../../../src/core/shard";
import { linkgateSweepShard } from "../../../src/functions/sweepShard";
import { tlsDir } from "../lock/support/children";

jest.setTimeout(120_000);

const estate = buildEstate({ connections: 200, subscriptions: 4 });
const shards = planShards(estate.subscriptions, 2);
const run = Math.random().toString(36).slice(2, 8);
let dir: string;
let policyFile: string;
let emulator: RunningEmulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-shard-cache-"));
  policyFile = path.join(dir, "policy.yaml");
  // Audit first: the sweep writes nothing, so a later enforce policy still has Pending connections to approve.
  fs.writeFileSync(policyFile, estate.policy.replace(/^mode: enforce$/m, "mode: audit"));
  emulator = await startEmulator({ seed: estate.seed, lroRetryAfterSeconds: 0 });
  fs.writeFileSync(path.join(dir, "arm-ca.pem"), emulator.caPem);
  const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
  if (!conn) throw new Error("test/global-setup.ts did not start Azurite (LINKGATE_TEST_AZURITE_CONN unset)");
  env = {
    AzureWebJobsStorage: conn,
    LINKGATE_TABLE_CA: path.join(tlsDir(), "ca.pem"),
    LINKGATE_FINDINGS_TABLE: `cacheFindings${run}`,
    LINKGATE_LOCK_TABLE: `cacheLocks${run}`,
    LINKGATE_SWEEP_SHARD_SIZE: "2",
    LINKGATE_SUBSCRIPTIONS: estate.subscriptions.join(","),
    LINKGATE_EMULATOR: emulator.url,
    LINKGATE_EMULATOR_CA: path.join(dir, "arm-ca.pem"),
    LINKGATE_POLICY_FILE: policyFile,
    LINKGATE_DNS_RESOLVER: "127.0.0.1:9",
  };
});

afterAll(async () => {
  await emulator?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function deliver(
  sweepId: string,
  shardIndex: number,
  withEnv: NodeJS.ProcessEnv = env,
): Promise<{ outcome: ShardOutcome; logs: string[] }> {
  const shard = shards[shardIndex]!;
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: `${sweepId}-${shardIndex}-${Math.random()}`,
    functionName: "linkgateSweepShard",
    logHandler: (level, ...args) => logs.push(`${level} ${String(args[0])}`),
  });
  const outcome = await linkgateSweepShard(
    encodeShardMessage({ sweepId, shardId: shard.shardId, subscriptions: shard.subscriptions, attempt: 0 }),
    context,
    withEnv,
  );
  return { outcome, logs };
}

function written(o: ShardOutcome): number {
  return o.status === "swept" ? o.result.decisions.filter((d) => d.written).length : -1;
}

test("one runtime serves message after message; a changed policy or setting builds a new one that is used", async () => {
  const before = shardRuntimeBuilds();
  const a = await deliver("sweep1", 0);
  const b = await deliver("sweep1", 1);
  expect([a.outcome.status, b.outcome.status]).toEqual(["swept", "swept"]);
  expect(shardRuntimeBuilds() - before).toBe(1);
  // Audit mode: the sweep reconciles nothing.
  expect([written(a.outcome), written(b.outcome)]).toEqual([0, 0]);

  // A redelivery is answered from the record, logged on its own invocation, through the same runtime.
  const again = await deliver("sweep1", 1);
  expect(again.outcome.status).toBe("duplicate");
  expect(again.logs.some((l) => l.includes("already completed"))).toBe(true);
  expect(b.logs.some((l) => l.includes("already completed"))).toBe(false);
  expect(shardRuntimeBuilds() - before).toBe(1);

  // The deployed policy changes to enforce: the next message is swept with it.
  fs.writeFileSync(policyFile, estate.policy);
  const c = await deliver("sweep2", 0);
  expect(shardRuntimeBuilds() - before).toBe(2);
  expect(written(c.outcome)).toBeGreaterThan(0);

  // A changed setting: a check disabled by the app settings is no longer reported.
  const d0 = await deliver("sweep3", 1);
  expect(shardRuntimeBuilds() - before).toBe(2);
  const checkIds = (o: ShardOutcome) => (o.status === "swept" ? o.result.findings.map((f) => f.checkId) : []);
  const reported = [...new Set(checkIds(d0.outcome))];
  expect(reported.length).toBeGreaterThan(0);
  const off = reported[0]!;
  const d1 = await deliver("sweep4", 1, { ...env, LINKGATE_DISABLED_CHECKS: off });
  expect(shardRuntimeBuilds() - before).toBe(3);
  expect(d1.outcome.status).toBe("swept");
  expect(checkIds(d1.outcome)).not.toContain(off);
});
