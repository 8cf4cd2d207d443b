/**
 * The record of sharded sweeps (core/shard) in the findings table:
 * - which sweep is the latest (partition `sweep-runs`, row `latest`: sweep id, start, shard count);
 * - which shards it was cut into (partition `sweep-shards-{sweepId}`, one row per shard, row key its position,
 *   so a sweep of any allowed number of shards fits: a single property holds 32 K characters, which a list of
 *   1,000 shards' ids alone passes);
 * - which of them completed (partition `shard-runs-{sweepId}`, one row per shard).
 * The coordinator reads them on its next tick to name the shards that never completed; a shard reads its own
 * completion row to recognise a redelivered message. Recording a new sweep deletes the shard and completion
 * rows of the one it replaces (batch transactions of up to 100 rows), so the table holds two sweeps' worth at
 * most. A `latest` row written before the shard list had its own partition (property `shards`) still reads.
 */
import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { OperationOptions } from "../../ports";
import type { ShardRunRecord, SweepRecord, SweepRunStore } from "../../ports/shard";
import { loadSettings, type Settings } from "../../config";
import { createTableClient, tableStoreConfigFromEnv, type TableSettings } from "./tableFindingStore";
import { chunk } from "../chunk";
import { statusOf } from "../restStatus";

const SWEEPS = "sweep-runs";
const LATEST = "latest";
/** Operations in one Table batch transaction (one partition): the service's limit. */
export const MAX_BATCH = 100;
/** Row keys of the shard list: the position, zero-padded so that rows list in plan order. */
const POSITION_DIGITS = 6;

function runsPartition(sweepId: string): string {
  return `shard-runs-${sweepId}`;
}

function shardsPartition(sweepId: string): string {
  return `sweep-shards-${sweepId}`;
}

function positionKey(i: number): string {
  return String(i).padStart(POSITION_DIGITS, "0");
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function quote(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function parseShards(text: string): SweepRecord["shards"] {
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return [];
    return v.flatMap((s: unknown) => {
      const o = s as { shardId?: unknown; subscriptions?: unknown };
      if (typeof o?.shardId !== "string") return [];
      return [{ shardId: o.shardId, subscriptions: stringList(o.subscriptions) }];
    });
  } catch {
    return [];
  }
}

export class TableSweepRunStore implements SweepRunStore {
  readonly description: string;
  private ensured: Promise<void> | undefined;

  constructor(private readonly client: TableClient) {
    this.description = `table ${client.tableName} at ${new URL(client.url).origin}`;
  }

  private ensureTable(options: OperationOptions): Promise<void> {
    this.ensured ??= this.client
      .createTable({ abortSignal: options.abortSignal })
      .then(() => undefined)
      .catch((e: unknown) => {
        if (statusOf(e) === 403 || statusOf(e) === 409) return;
        this.ensured = undefined;
        throw e;
      });
    return this.ensured;
  }

  async latestSweep(options: OperationOptions = {}): Promise<SweepRecord | undefined> {
    await this.ensureTable(options);
    try {
      const e = await this.client.getEntity<Record<string, unknown>>(SWEEPS, LATEST, {
        abortSignal: options.abortSignal,
      });
      const sweepId = str(e["sweepId"]);
      if (!sweepId) return undefined;
      const startedAt = str(e["startedAt"]);
      // Written before the shard list had its own partition.
      if (typeof e["shards"] === "string") return { sweepId, startedAt, shards: parseShards(e["shards"]) };
      const count = num(e["shardCount"]);
      const shards = (await this.listPartition(shardsPartition(sweepId), options))
        .filter((r) => r.rowKey < positionKey(count))
        .sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0))
        .map((r) => {
          let subscriptions: string[] = [];
          try {
            subscriptions = stringList(JSON.parse(str(r.entity["subscriptions"])));
          } catch {
            /* unreadable: the shard is still named, without its subscriptions */
          }
          return { shardId: str(r.entity["shardId"]), subscriptions };
        });
      if (shards.length !== count) {
        throw new Error(
          `the record of sweep ${sweepId} in ${this.description} names ${count} shard(s) but partition ` +
            `${shardsPartition(sweepId)} holds ${shards.length}: the shard list is incomplete`,
        );
      }
      return { sweepId, startedAt, shards };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  private async listPartition(
    partitionKey: string,
    options: OperationOptions,
  ): Promise<{ rowKey: string; entity: Record<string, unknown> }[]> {
    const out: { rowKey: string; entity: Record<string, unknown> }[] = [];
    const pages = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq ${quote(partitionKey)}` },
      abortSignal: options.abortSignal,
    });
    for await (const e of pages) out.push({ rowKey: str(e["rowKey"]), entity: e });
    return out;
  }

  /** Runs the actions (all of one partition) as batch transactions of at most MAX_BATCH. */
  private async inBatches(actions: TransactionAction[], options: OperationOptions): Promise<void> {
    for (const batch of chunk(actions, MAX_BATCH)) {
      await this.client.submitTransaction(batch, { abortSignal: options.abortSignal });
    }
  }

  /**
   * Deletes every row of a partition in batches. A batch fails whole when one of its rows is already gone
   * (another coordinator cleaning at the same time): the partition is then listed again and the rest
   * deleted, a few times at most.
   */
  private async deletePartition(partitionKey: string, options: OperationOptions): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const rows = await this.listPartition(partitionKey, options);
      if (rows.length === 0) return;
      try {
        await this.inBatches(
          rows.map((r): TransactionAction => ["delete", { partitionKey, rowKey: r.rowKey }]),
          options,
        );
        return;
      } catch (e) {
        if (statusOf(e) !== 404 || attempt >= 3) throw e;
      }
    }
  }

  async recordSweep(record: SweepRecord, options: OperationOptions = {}): Promise<void> {
    const previous = await this.latestSweepId(options);
    // The shard list first, then the row that points at it: a reader never follows `latest` to a list that
    // is not all there.
    const partitionKey = shardsPartition(record.sweepId);
    await this.inBatches(
      record.shards.map((s, i): TransactionAction => [
        "upsert",
        {
          partitionKey,
          rowKey: positionKey(i),
          shardId: s.shardId,
          subscriptions: JSON.stringify(s.subscriptions),
        },
        "Replace",
      ]),
      options,
    );
    await this.client.upsertEntity(
      {
        partitionKey: SWEEPS,
        rowKey: LATEST,
        sweepId: record.sweepId,
        startedAt: record.startedAt,
        shardCount: record.shards.length,
      },
      "Replace",
      { abortSignal: options.abortSignal },
    );
    if (previous !== undefined && previous !== record.sweepId) {
      // Best effort: the new record is written, and the coordinator must go on to enqueue its shards. A failed
      // cleanup (throttling, an outage) leaves the previous sweep's rows behind; they are storage, not state.
      await this.deletePartition(runsPartition(previous), options).catch(() => undefined);
      await this.deletePartition(shardsPartition(previous), options).catch(() => undefined);
    }
  }

  /** The latest sweep's id alone (no shard list): what recordSweep needs to clean up after it. */
  private async latestSweepId(options: OperationOptions): Promise<string | undefined> {
    await this.ensureTable(options);
    try {
      const e = await this.client.getEntity<Record<string, unknown>>(SWEEPS, LATEST, {
        abortSignal: options.abortSignal,
        queryOptions: { select: ["sweepId"] },
      });
      return str(e["sweepId"]) || undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async recordShard(record: ShardRunRecord, options: OperationOptions = {}): Promise<void> {
    await this.ensureTable(options);
    await this.client.upsertEntity(
      { partitionKey: runsPartition(record.sweepId), rowKey: record.shardId, ...record },
      "Replace",
      { abortSignal: options.abortSignal },
    );
  }

  async shardRun(
    sweepId: string,
    shardId: string,
    options: OperationOptions = {},
  ): Promise<ShardRunRecord | undefined> {
    await this.ensureTable(options);
    try {
      const e = await this.client.getEntity<Record<string, unknown>>(runsPartition(sweepId), shardId, {
        abortSignal: options.abortSignal,
      });
      return toRun(e);
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async listShardRuns(sweepId: string, options: OperationOptions = {}): Promise<ShardRunRecord[]> {
    await this.ensureTable(options);
    const out: ShardRunRecord[] = [];
    const pages = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq ${quote(runsPartition(sweepId))}` },
      abortSignal: options.abortSignal,
    });
    for await (const e of pages) out.push(toRun(e));
    return out;
  }
}

function toRun(e: Record<string, unknown>): ShardRunRecord {
  return {
    sweepId: str(e["sweepId"]),
    shardId: str(e["rowKey"]),
    completedAt: str(e["completedAt"]),
    degraded: e["degraded"] === true,
    openFindings: num(e["openFindings"]),
    opened: num(e["opened"]),
    resolved: num(e["resolved"]),
    decisions: num(e["decisions"]),
  };
}

/** The sweep record in the findings table; undefined when no storage is configured. */
export function sweepRunStoreFromEnv(
  env: NodeJS.ProcessEnv,
  settings: TableSettings & Partial<Settings> = loadSettings(env),
): SweepRunStore | undefined {
  const config = tableStoreConfigFromEnv(env, settings);
  return config ? new TableSweepRunStore(createTableClient(config)) : undefined;
}
