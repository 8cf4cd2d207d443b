/**
 * Open findings in Azure Table Storage, so a sweep can report what changed since the previous one.
 *
 * Layout: one partition per state key (the swept scope plus the check selection, hashed), one row per open
 * finding (RowKey = finding id). A resolved finding's row is deleted, so the table only ever holds what is
 * open. Keying by scope means a CLI sweep of one subscription never "resolves" the timer's findings in
 * another, and a run with a narrower check selection never resolves the findings of the checks it skipped.
 *
 * First-seen-Pending times (TablePendingSeenStore) live in the same table, in a partition of their own per
 * swept scope (`pending-…`): one row per connection linkgate has seen Pending, RowKey a hash of its
 * normalized ID (ARM IDs hold `/`, which a RowKey may not), deleted when the sweep forgets it.
 *
 * Connection: identity-based in Azure (LINKGATE_TABLE_ENDPOINT, or the Functions host's identity-based
 * AzureWebJobsStorage__tableServiceUri / __accountName), a connection string locally (AzureWebJobsStorage,
 * e.g. Azurite's UseDevelopmentStorage=true). LINKGATE_TABLE_CA adds a CA to trust for a local HTTPS Azurite.
 */
import * as fs from "node:fs";
import { trustAlso } from "../tls";
import type { TableClient, TableEntityResult, TransactionAction } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelineRetryOptions } from "@azure/core-rest-pipeline";
import { fnv1a64, SEVERITIES, type Finding, type Severity } from "../../core/findings";
import { loadSettings, type Settings } from "../../config";
import type { FindingStore, OperationOptions, SweepScope } from "../../ports";
import type { PendingSeenEntry, PendingSeenStore } from "../../ports/pendingSeen";
import { normalizeResourceId } from "../../core/resourceId";
import { defaultCredential } from "../arm/context";

/** A table transaction holds at most 100 operations, all in one partition. */
const MAX_BATCH = 100;
/** A string property holds at most 64 KiB (32 K UTF-16 characters); keep well under it. */
const MAX_TEXT = 16_000;
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

export class StorageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StorageConfigError";
  }
}

export type TableStoreConfig =
  | { kind: "identity"; endpoint: string; table: string; clientId?: string; extraCaPem?: string }
  | { kind: "connectionString"; connectionString: string; table: string; extraCaPem?: string };

function readCa(file: string | undefined): string | undefined {
  if (!file) return undefined;
  let pem: string;
  try {
    pem = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new StorageConfigError(`LINKGATE_TABLE_CA="${file}" cannot be read: ${(e as Error).message}`);
  }
  if (!pem.includes("BEGIN CERTIFICATE")) {
    throw new StorageConfigError(`LINKGATE_TABLE_CA="${file}" holds no PEM certificate`);
  }
  return pem;
}

export type TableSettings = Pick<Settings, "findingsTable" | "tableEndpoint" | "tableCaFile">;

/**
 * Where finding state lives, from the linkgate settings and the Functions host's storage settings in `env`;
 * undefined when none is configured (the sweep then runs stateless). Order: LINKGATE_TABLE_ENDPOINT,
 * AzureWebJobsStorage__tableServiceUri, AzureWebJobsStorage__accountName, AzureWebJobsStorage (connection
 * string).
 */
export function tableStoreConfigFromEnv(
  env: NodeJS.ProcessEnv,
  settings: TableSettings = loadSettings(env),
): TableStoreConfig | undefined {
  const table = settings.findingsTable;
  if (!TABLE_NAME.test(table)) {
    throw new StorageConfigError(
      `LINKGATE_FINDINGS_TABLE="${table}" is not a table name (3-63 letters and digits, starting with a letter)`,
    );
  }
  const extraCaPem = readCa(settings.tableCaFile);
  const clientId = (env["AzureWebJobsStorage__clientId"] ?? "").trim() || undefined;
  const endpoint = settings.tableEndpoint ?? (env["AzureWebJobsStorage__tableServiceUri"] ?? "").trim();
  const account = (env["AzureWebJobsStorage__accountName"] ?? "").trim();
  if (endpoint) return { kind: "identity", endpoint: validEndpoint(endpoint), table, clientId, extraCaPem };
  if (account) {
    return {
      kind: "identity",
      endpoint: `https://${account}.table.core.windows.net`,
      table,
      clientId,
      extraCaPem,
    };
  }
  const connectionString = (env["AzureWebJobsStorage"] ?? "").trim();
  if (connectionString) return { kind: "connectionString", connectionString, table, extraCaPem };
  return undefined;
}

function validEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StorageConfigError(
      `table endpoint "${value}" is not a URL: expected https://ACCOUNT.table.core.windows.net`,
    );
  }
  // A bearer token must never travel in clear text.
  if (url.protocol !== "https:") {
    throw new StorageConfigError(`table endpoint "${value}" must use https for identity-based access`);
  }
  return value.replace(/\/+$/, "");
}

export function createTableClient(
  config: TableStoreConfig,
  credential?: TokenCredential,
  retryOptions?: PipelineRetryOptions,
): TableClient {
  // Loaded when storage is first used, not with the app (cold start: docs/performance.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TableClient } = require("@azure/data-tables") as typeof import("@azure/data-tables");
  const tlsOptions = config.extraCaPem ? trustAlso(config.extraCaPem) : undefined;
  if (config.kind === "connectionString") {
    try {
      return TableClient.fromConnectionString(config.connectionString, config.table, {
        tlsOptions,
        retryOptions,
      });
    } catch (e) {
      // The SDK's message may quote the string; the account key must never reach a log.
      throw new StorageConfigError(
        `AzureWebJobsStorage is not a usable storage connection string (${(e as Error).name}); ` +
          `expected "DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...", "UseDevelopmentStorage=true", ` +
          `or set LINKGATE_TABLE_ENDPOINT for identity-based access`,
      );
    }
  }
  const cred = credential ?? defaultCredential(process.env, config.clientId);
  return new TableClient(config.endpoint, config.table, cred, { tlsOptions, retryOptions });
}

/** The partition a sweep's state lives in: same scope and check selection, same partition. */
export function stateKey(
  scope: SweepScope,
  selection: { only?: readonly string[]; disabled?: readonly string[] } = {},
): string {
  const norm = (xs: readonly string[] | undefined) =>
    [...new Set((xs ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean))].sort().join(",");
  const text = [
    `subs=${norm(scope.subscriptions)}`,
    `mg=${(scope.managementGroup ?? "").toLowerCase()}`,
    `only=${norm(selection.only)}`,
    `off=${norm(selection.disabled)}`,
  ].join(";");
  return `sweep-${fnv1a64(text)}`;
}

type FindingEntity = {
  partitionKey: string;
  rowKey: string;
  checkId: string;
  severity: string;
  resourceId: string;
  message: string;
  remediation: string;
  docUrl: string;
  firstSeen: string;
  lastSeen: string;
};

const KNOWN_SEVERITIES: ReadonlySet<string> = new Set(SEVERITIES);

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export class TableFindingStore implements FindingStore {
  readonly description: string;
  private ensured: Promise<void> | undefined;

  constructor(
    private readonly client: TableClient,
    private readonly partition: string,
  ) {
    // The URL only: a connection string's key or SAS never reaches a log.
    this.description = `table ${client.tableName} at ${new URL(client.url).origin} (partition ${partition})`;
  }

  private ensureTable(options: OperationOptions): Promise<void> {
    // Once per store. The deployment creates the table and grants data access on that table only, which does
    // not include creating tables: a 403 here is expected there, and reads say clearly if the table is missing.
    this.ensured ??= this.client.createTable({ abortSignal: options.abortSignal }).catch((e: unknown) => {
      if ((e as { statusCode?: number }).statusCode === 403) return;
      this.ensured = undefined;
      throw e;
    });
    return this.ensured;
  }

  async listOpen(options: OperationOptions = {}): Promise<Finding[]> {
    await this.ensureTable(options);
    const out: Finding[] = [];
    const pages = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${this.partition.replace(/'/g, "''")}'` },
      abortSignal: options.abortSignal,
    });
    for await (const e of pages) {
      const f = toFinding(e);
      if (f) out.push(f);
    }
    return out;
  }

  async save(
    change: { open: readonly Finding[]; resolved: readonly Finding[] },
    options: OperationOptions = {},
  ): Promise<void> {
    await this.ensureTable(options);
    const openIds = new Set(change.open.map((f) => f.id));
    const actions: TransactionAction[] = [
      ...change.open.map((f): TransactionAction => ["upsert", this.toEntity(f), "Replace"]),
      // An id both open and resolved cannot happen through diffFindings; if it did, open wins.
      ...change.resolved
        .filter((f) => !openIds.has(f.id))
        .map((f): TransactionAction => ["delete", { partitionKey: this.partition, rowKey: f.id }]),
    ];
    for (let i = 0; i < actions.length; i += MAX_BATCH) {
      await this.client.submitTransaction(actions.slice(i, i + MAX_BATCH), {
        abortSignal: options.abortSignal,
      });
    }
  }

  private toEntity(f: Finding): FindingEntity {
    return {
      partitionKey: this.partition,
      rowKey: f.id,
      checkId: f.checkId,
      severity: f.severity,
      resourceId: f.resourceId,
      message: clip(f.message),
      remediation: clip(f.remediation),
      docUrl: f.docUrl,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
    };
  }
}

/** A row someone edited into nonsense is skipped rather than crash the sweep; it resolves on the next save. */
function toFinding(e: TableEntityResult<Record<string, unknown>>): Finding | undefined {
  const severity = str(e["severity"]);
  const id = str(e.rowKey);
  if (!id || !KNOWN_SEVERITIES.has(severity)) return undefined;
  return {
    id,
    checkId: str(e["checkId"]),
    severity: severity as Severity,
    resourceId: str(e["resourceId"]),
    message: str(e["message"]),
    remediation: str(e["remediation"]),
    docUrl: str(e["docUrl"]),
    firstSeen: str(e["firstSeen"]),
    lastSeen: str(e["lastSeen"]),
  };
}

/** Creates the table once per store; a 403 means the deployment made it and granted data access only. */
function tableEnsurer(client: TableClient): (options: OperationOptions) => Promise<void> {
  let ensured: Promise<void> | undefined;
  return (options) => {
    ensured ??= client.createTable({ abortSignal: options.abortSignal }).catch((e: unknown) => {
      if ((e as { statusCode?: number }).statusCode === 403) return;
      ensured = undefined;
      throw e;
    });
    return ensured;
  };
}

/** The partition of a scope's first-seen-Pending times, next to its findings. */
export function pendingPartition(scopeKey: string): string {
  return `pending-${scopeKey}`;
}

export class TablePendingSeenStore implements PendingSeenStore {
  readonly description: string;
  private readonly ensureTable: (options: OperationOptions) => Promise<void>;

  constructor(
    private readonly client: TableClient,
    private readonly partition: string,
  ) {
    this.description = `table ${client.tableName} at ${new URL(client.url).origin} (partition ${partition})`;
    this.ensureTable = tableEnsurer(client);
  }

  private rowKey(connectionId: string): string {
    return fnv1a64(normalizeResourceId(connectionId));
  }

  async list(options: OperationOptions = {}): Promise<PendingSeenEntry[]> {
    await this.ensureTable(options);
    const out: PendingSeenEntry[] = [];
    const pages = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${this.partition.replace(/'/g, "''")}'` },
      abortSignal: options.abortSignal,
    });
    for await (const e of pages) {
      const connectionId = str(e["connectionId"]);
      // The sweep forgets a row with an invalid time; one without an ID cannot even be named: skip it.
      if (connectionId) out.push({ connectionId, firstSeen: str(e["firstSeen"]) });
    }
    return out;
  }

  async save(
    change: { add: readonly PendingSeenEntry[]; forget: readonly string[] },
    options: OperationOptions = {},
  ): Promise<void> {
    await this.ensureTable(options);
    const adds = new Map(change.add.map((e) => [this.rowKey(e.connectionId), e]));
    const upserts = [...adds].map(([rowKey, e]): TransactionAction => [
      "upsert",
      {
        partitionKey: this.partition,
        rowKey,
        connectionId: clip(e.connectionId),
        firstSeen: e.firstSeen,
      },
      "Replace",
    ]);
    for (let i = 0; i < upserts.length; i += MAX_BATCH) {
      await this.client.submitTransaction(upserts.slice(i, i + MAX_BATCH), {
        abortSignal: options.abortSignal,
      });
    }
    // One by one: a row already gone (another sweep of the same scope forgot it) must not fail the rest, as
    // it would inside a transaction. Few per sweep: the connections decided since the last one.
    for (const id of new Set(change.forget.map((c) => this.rowKey(c)))) {
      if (adds.has(id)) continue;
      try {
        await this.client.deleteEntity(this.partition, id, { abortSignal: options.abortSignal });
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
    }
  }
}

/** First-seen-Pending times for a sweep scope (`stateKey(scope)`); undefined when no storage is configured. */
export function pendingSeenStoreFromEnv(
  env: NodeJS.ProcessEnv,
  scopeKey: string,
  settings: TableSettings = loadSettings(env),
): PendingSeenStore | undefined {
  const config = tableStoreConfigFromEnv(env, settings);
  return config
    ? new TablePendingSeenStore(createTableClient(config), pendingPartition(scopeKey))
    : undefined;
}

/** The store for a sweep scope from app settings; undefined when no storage is configured (stateless). */
export function findingStoreFromEnv(
  env: NodeJS.ProcessEnv,
  key: string,
  settings: TableSettings = loadSettings(env),
): FindingStore | undefined {
  const config = tableStoreConfigFromEnv(env, settings);
  return config ? new TableFindingStore(createTableClient(config), key) : undefined;
}
