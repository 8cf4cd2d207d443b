/**
 * The sharded sweep's Storage queue (@azure/storage-queue): the coordinator enqueues one message per shard,
 * the `linkgateSweepShard` function is triggered by it (the Functions host reads the queue).
 *
 * Connection, like the host's own queue trigger (`connection: "AzureWebJobsStorage"`): identity-based in
 * Azure (AzureWebJobsStorage__queueServiceUri, or __accountName: https://ACCOUNT.queue.core.windows.net,
 * with __clientId for a user-assigned identity), a connection string locally (AzureWebJobsStorage, e.g.
 * Azurite's). LINKGATE_TABLE_CA (the local storage emulator's CA) is trusted for the queue endpoint too.
 *
 * Messages are base64 text: the host's queue trigger decodes base64 by default (messageEncoding).
 */
import { trustAlso } from "../tls";
import type { QueueClient, StoragePipelineOptions } from "@azure/storage-queue";
import type { TokenCredential } from "@azure/core-auth";
import type { OperationOptions } from "../../ports";
import type { ShardQueue } from "../../ports/shard";
import { loadSettings, type Settings } from "../../config";
import { defaultCredential } from "../arm/context";
import { StorageConfigError, tableStoreConfigFromEnv } from "../storage/tableFindingStore";
import { statusOf } from "../restStatus";

export type QueueConfig =
  | { kind: "identity"; endpoint: string; queue: string; clientId?: string; extraCaPem?: string }
  | { kind: "connectionString"; connectionString: string; queue: string; extraCaPem?: string };

/** Where the shard queue is, from the host's storage settings; undefined when none is configured. */
export function queueConfigFromEnv(
  env: NodeJS.ProcessEnv,
  settings: Pick<Settings, "sweepQueue" | "findingsTable" | "tableEndpoint" | "tableCaFile"> = loadSettings(
    env,
  ),
): QueueConfig | undefined {
  const queue = settings.sweepQueue;
  const extraCaPem = tableStoreConfigFromEnv(env, settings)?.extraCaPem;
  const clientId = (env["AzureWebJobsStorage__clientId"] ?? "").trim() || undefined;
  const uri = (env["AzureWebJobsStorage__queueServiceUri"] ?? "").trim();
  const account = (env["AzureWebJobsStorage__accountName"] ?? "").trim();
  if (uri) return { kind: "identity", endpoint: httpsEndpoint(uri), queue, clientId, extraCaPem };
  if (account) {
    return {
      kind: "identity",
      endpoint: `https://${account}.queue.core.windows.net`,
      queue,
      clientId,
      extraCaPem,
    };
  }
  const connectionString = (env["AzureWebJobsStorage"] ?? "").trim();
  if (connectionString) return { kind: "connectionString", connectionString, queue, extraCaPem };
  return undefined;
}

function httpsEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StorageConfigError(
      `AzureWebJobsStorage__queueServiceUri "${value}" is not a URL: expected https://ACCOUNT.queue.core.windows.net`,
    );
  }
  // A bearer token must never travel in clear text.
  if (url.protocol !== "https:") {
    throw new StorageConfigError(`AzureWebJobsStorage__queueServiceUri "${value}" must use https`);
  }
  return value.replace(/\/+$/, "");
}

export function createQueueClient(config: QueueConfig, credential?: TokenCredential): QueueClient {
  // Loaded when the queue is first used, not with the app (cold start: docs/performance.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { QueueClient } = require("@azure/storage-queue") as typeof import("@azure/storage-queue");
  // The storage pipeline hands its options to the core pipeline, whose TLS policy adds the emulator's CA.
  const options = (
    config.extraCaPem ? { tlsOptions: trustAlso(config.extraCaPem) } : {}
  ) as StoragePipelineOptions;
  if (config.kind === "connectionString") {
    try {
      return new QueueClient(config.connectionString, config.queue, options);
    } catch (e) {
      // The SDK's message may quote the string; the account key must never reach a log.
      throw new StorageConfigError(
        `AzureWebJobsStorage is not a usable storage connection string for the queue ${config.queue} (${(e as Error).name}); ` +
          `expected one with a QueueEndpoint or an account key, or set AzureWebJobsStorage__accountName for identity-based access`,
      );
    }
  }
  const cred = credential ?? defaultCredential(process.env, config.clientId);
  return new QueueClient(`${config.endpoint}/${config.queue}`, cred, options);
}

export class StorageShardQueue implements ShardQueue {
  readonly description: string;
  private ensured: Promise<void> | undefined;

  constructor(readonly client: QueueClient) {
    // The URL without query: a SAS never reaches a log.
    const u = new URL(client.url);
    this.description = `queue ${client.name} at ${u.origin}`;
  }

  /** Creates the queue once per process; 403 means the deployment made it and granted message rights only. */
  ensure(options: OperationOptions = {}): Promise<void> {
    this.ensured ??= this.client
      .createIfNotExists({ abortSignal: options.abortSignal })
      .then(() => undefined)
      .catch((e: unknown) => {
        if (statusOf(e) === 403) return;
        this.ensured = undefined;
        throw e;
      });
    return this.ensured;
  }

  async send(text: string, options: OperationOptions = {}): Promise<void> {
    await this.ensure(options);
    await this.client.sendMessage(Buffer.from(text, "utf8").toString("base64"), {
      abortSignal: options.abortSignal,
    });
  }
}

/** The shard queue from app settings; undefined when no storage is configured. */
export function shardQueueFromEnv(
  env: NodeJS.ProcessEnv,
  settings: Settings = loadSettings(env),
): StorageShardQueue | undefined {
  const config = queueConfigFromEnv(env, settings);
  return config ? new StorageShardQueue(createQueueClient(config)) : undefined;
}
