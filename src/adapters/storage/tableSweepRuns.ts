/**
 * The record of sharded sweeps (core/shard) in the findings table: which shards the latest sweep was cut
 * into (partition `sweep-runs`, row `latest`), and which of them completed (partition `shard-runs-{sweepId}`,
 * one row per shard). The coordinator reads them on its next tick to name the shards that never completed;
 * a shard reads its own row to recognise a redelivered message. Recording a new sweep forgets the shard
 * rows of the one it replaces, so the table holds two sweeps' worth at most.
 */
import type { TableClient } from "@azure/data-tables";
import type { OperationOptions } from "../../ports";
import type { ShardRunRecord, SweepRecord, SweepRunStore } from "../../ports/shard";
import { loadSettings, type Settings } from "../../config";
import { createTableClient, tableStoreConfigFromEnv, type TableSettings } from "./tableFindingStore";

const SWEEPS = "sweep-runs";
const LATEST = "latest";
/** A string property holds 32 K UTF-16 characters: past this the shard list keeps ids only. */
const MAX_SHARDS_TEXT = 30_000;

function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === "number" ? s : undefined;
}

function runsPartition(sweepId: string): string {
  return `shard-runs-${sweepId}`;
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
      const subs = Array.isArray(o.subscriptions)
        ? o.subscriptions.filter((x): x is string => typeof x === "string")
        : [];
      return [{ shardId: o.shardId, subscriptions: subs }];
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
      return sweepId
        ? { sweepId, startedAt: str(e["startedAt"]), shards: parseShards(str(e["shards"])) }
        : undefined;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async recordSweep(record: SweepRecord, options: OperationOptions = {}): Promise<void> {
    const previous = await this.latestSweep(options);
    let shards = JSON.stringify(record.shards);
    if (shards.length > MAX_SHARDS_TEXT)
      shards = JSON.stringify(record.shards.map((s) => ({ shardId: s.shardId })));
    await this.client.upsertEntity(
      { partitionKey: SWEEPS, rowKey: LATEST, sweepId: record.sweepId, startedAt: record.startedAt, shards },
      "Replace",
      { abortSignal: options.abortSignal },
    );
    if (previous && previous.sweepId !== record.sweepId) {
      for (const r of await this.listShardRuns(previous.sweepId, options)) {
        await this.client
          .deleteEntity(runsPartition(r.sweepId), r.shardId, { abortSignal: options.abortSignal })
          .catch((e: unknown) => {
            if (statusOf(e) !== 404) throw e;
          });
      }
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
