/**
 * The sharded sweep's record on a real Table service (Azurite over HTTPS, started by test/global-setup.ts, its
 * CA trusted explicitly): a sweep of any allowed number of shards (core/shard MAX_SHARDS) is recorded whole,
 * and replacing a sweep cleans the previous one's rows with batch transactions rather than one DELETE a row.
 */
import * as path from "node:path";
import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import type { TableClient } from "@azure/data-tables";
import { MAX_SHARD_SIZE, MAX_SHARDS, planShards } from "../../../src/core/shard";
import type { ShardRunRecord } from "../../../src/ports/shard";
import { createTableClient, tableStoreConfigFromEnv } from "../../../src/adapters/storage/tableFindingStore";
import { TableSweepRunStore } from "../../../src/adapters/storage/tableSweepRuns";

let tableCounter = 0;

function tableClient(): TableClient {
  const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
  const dir = process.env["LINKGATE_TEST_TLS_DIR"];
  if (!conn || !dir)
    throw new Error("test/global-setup.ts did not start Azurite (LINKGATE_TEST_AZURITE_CONN unset)");
  tableCounter += 1;
  const env = {
    AzureWebJobsStorage: conn,
    LINKGATE_TABLE_CA: path.join(dir, "ca.pem"),
    LINKGATE_FINDINGS_TABLE: `sweepruns${process.pid}x${tableCounter}`,
  };
  const config = tableStoreConfigFromEnv(env);
  if (!config) throw new Error("no table config from the Azurite environment");
  return createTableClient(config);
}

/** Counts the requests the client sends, by method and path ending (a real observation, not a mock). */
function countRequests(client: TableClient): Map<string, number> {
  const counts = new Map<string, number>();
  const policy: PipelinePolicy = {
    name: "countRequests",
    sendRequest: (request, next) => {
      const url = new URL(request.url);
      const key = `${request.method} ${url.pathname.endsWith("$batch") ? "$batch" : "entity"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(request);
    },
  };
  client.pipeline.addPolicy(policy);
  return counts;
}

/** `n` distinct subscription IDs, deterministic. */
function subscriptions(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const h = i.toString(16).padStart(12, "0");
    return `${h.slice(0, 8)}-0000-4000-8000-${h}`;
  });
}

function run(sweepId: string, shardId: string): ShardRunRecord {
  return {
    sweepId,
    shardId,
    completedAt: "2026-12-01T10:00:00.000Z",
    degraded: false,
    openFindings: 1,
    opened: 1,
    resolved: 0,
    decisions: 2,
  };
}

describe("TableSweepRunStore on Azurite", () => {
  test.each([
    ["the most shards a sweep may have, 2 subscriptions each", MAX_SHARDS, 2],
    ["40 shards of the most subscriptions a shard may have", 40, MAX_SHARD_SIZE],
    ["one shard", 1, 1],
  ])(
    "records %s whole and reads it back in order",
    async (_name, count, size) => {
      const store = new TableSweepRunStore(tableClient());
      const shards = planShards(subscriptions(count * size), size);
      expect(shards).toHaveLength(count);
      await store.recordSweep({ sweepId: "s1", startedAt: "2026-12-01T10:00:00.000Z", shards });
      const back = await store.latestSweep();
      expect(back?.sweepId).toBe("s1");
      expect(back?.startedAt).toBe("2026-12-01T10:00:00.000Z");
      expect(back?.shards).toEqual(shards);
    },
    60_000,
  );

  test("a later sweep replaces the record; a shorter one leaves nothing of the longer", async () => {
    const store = new TableSweepRunStore(tableClient());
    const long = planShards(subscriptions(300), 1);
    const short = planShards(subscriptions(10), 5);
    await store.recordSweep({ sweepId: "long", startedAt: "2026-12-01T10:00:00.000Z", shards: long });
    await store.recordSweep({ sweepId: "short", startedAt: "2026-12-01T11:00:00.000Z", shards: short });
    expect(await store.latestSweep()).toEqual({
      sweepId: "short",
      startedAt: "2026-12-01T11:00:00.000Z",
      shards: short,
    });
  }, 60_000);

  test("replacing a sweep deletes its shard rows in batch transactions of at most 100, none one by one", async () => {
    const client = tableClient();
    const store = new TableSweepRunStore(client);
    const first = planShards(subscriptions(250), 1);
    await store.recordSweep({ sweepId: "first", startedAt: "2026-12-01T10:00:00.000Z", shards: first });
    for (let i = 0; i < first.length; i += 25) {
      await Promise.all(first.slice(i, i + 25).map((s) => store.recordShard(run("first", s.shardId))));
    }
    expect(await store.listShardRuns("first")).toHaveLength(250);
    const counts = countRequests(client);
    await store.recordSweep({
      sweepId: "second",
      startedAt: "2026-12-01T11:00:00.000Z",
      shards: planShards(subscriptions(4), 2),
    });
    expect(await store.listShardRuns("first")).toEqual([]);
    expect(counts.get("DELETE entity") ?? 0).toBe(0);
    // 250 completion rows and 250 shard-list rows of "first": 3 + 3 deletions; the 2 rows of "second": 1.
    expect(counts.get("POST $batch")).toBe(7);
    // The next sweep still finds its own completions.
    await store.recordShard(run("second", "shard-0000000000000001"));
    expect((await store.listShardRuns("second")).map((r) => r.shardId)).toEqual(["shard-0000000000000001"]);
  }, 60_000);

  test("a failed cleanup of the previous sweep does not fail the new record (the fan-out must go on)", async () => {
    const client = tableClient();
    const store = new TableSweepRunStore(client);
    await store.recordSweep({
      sweepId: "old",
      startedAt: "2026-12-01T10:00:00.000Z",
      shards: planShards(subscriptions(3), 1),
    });
    await store.recordShard(run("old", "shard-0000000000000001"));
    // From now on every batch that deletes rows fails as a throttled or unavailable service would.
    let refused = 0;
    client.pipeline.addPolicy({
      name: "refuseDeleteBatches",
      sendRequest: (request, next) => {
        const body = typeof request.body === "string" ? request.body : "";
        if (request.url.includes("$batch") && /\bDELETE /.test(body)) {
          refused += 1;
          throw new RestError("refused by the test", { statusCode: 503, request });
        }
        return next(request);
      },
    });
    const shards = planShards(subscriptions(2), 1);
    await store.recordSweep({ sweepId: "new", startedAt: "2026-12-01T11:00:00.000Z", shards });
    expect(refused).toBeGreaterThan(0);
    const latest = await store.latestSweep();
    expect(latest?.sweepId).toBe("new");
    expect(latest?.shards.map((s) => s.shardId)).toEqual(shards.map((s) => s.shardId));
  }, 60_000);

  test("a record written before shard lists had their own rows (one `shards` property) still reads", async () => {
    const client = tableClient();
    const store = new TableSweepRunStore(client);
    await store.latestSweep(); // creates the table
    const shards = planShards(subscriptions(6), 3);
    await client.upsertEntity(
      {
        partitionKey: "sweep-runs",
        rowKey: "latest",
        sweepId: "old",
        startedAt: "2026-12-01T09:00:00.000Z",
        shards: JSON.stringify(shards),
      },
      "Replace",
    );
    expect(await store.latestSweep()).toEqual({
      sweepId: "old",
      startedAt: "2026-12-01T09:00:00.000Z",
      shards,
    });
    await store.recordShard(run("old", shards[0]!.shardId));
    await store.recordSweep({ sweepId: "new", startedAt: "2026-12-01T10:00:00.000Z", shards });
    expect(await store.listShardRuns("old")).toEqual([]);
    expect((await store.latestSweep())?.shards).toEqual(shards);
  }, 60_000);
});
