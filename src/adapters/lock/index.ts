/**
 * Which target lock a process uses, from app settings alone: the Table lease when storage is configured
 * (the same table service and credential the findings store uses: LINKGATE_TABLE_ENDPOINT,
 * AzureWebJobsStorage__tableServiceUri / __accountName, or the AzureWebJobsStorage connection string), else
 * lock files local to this machine (the CLI without storage). Either way an in-process queue sits in front,
 * so concurrent invocations in one worker wait locally before contending for the shared lock.
 */
import { queuedLocally } from "../../core/lock";
import type { Logger, TargetLock } from "../../ports";
import { loadSettings, type Settings } from "../../config";
import { StorageConfigError, createTableClient, tableStoreConfigFromEnv } from "../storage/tableFindingStore";
import { LocalFileLock, type LocalFileLockOptions } from "./localFileLock";
import { TableLeaseLock, type TableLeaseOptions } from "./tableLease";

export { LocalFileLock, defaultLockDir } from "./localFileLock";
export { TableLeaseLock, leaseRowKey } from "./tableLease";

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

export type LockSettings = Pick<Settings, "findingsTable" | "tableEndpoint" | "tableCaFile" | "lockTable">;

export interface TargetLockFromEnvOptions {
  logger?: Logger;
  table?: Omit<TableLeaseOptions, "logger">;
  local?: Omit<LocalFileLockOptions, "logger">;
}

/** One lock per configuration and process, so every invocation in a worker shares the in-process queue. */
const shared = new Map<string, TargetLock>();

/**
 * The lock for these settings. Built once per process and configuration (the Event Grid function, the
 * sweep timer and a CLI command in one process share it); `options` only apply when it is first built.
 */
export function targetLockFromEnv(
  env: NodeJS.ProcessEnv,
  settings: LockSettings = loadSettings(env),
  options: TargetLockFromEnvOptions = {},
): TargetLock {
  const config = tableStoreConfigFromEnv(env, settings);
  if (config && !TABLE_NAME.test(settings.lockTable)) {
    throw new StorageConfigError(
      `LINKGATE_LOCK_TABLE="${settings.lockTable}" is not a table name (3-63 letters and digits, starting with a letter)`,
    );
  }
  const signature = config
    ? JSON.stringify([
        config.kind,
        config.kind === "identity" ? [config.endpoint, config.clientId] : config.connectionString,
        settings.lockTable,
        config.extraCaPem ?? "",
        options.table ?? {},
      ])
    : JSON.stringify(["local", options.local ?? {}]);
  const existing = shared.get(signature);
  if (existing) return existing;
  const lock = config
    ? queuedLocally(
        new TableLeaseLock(createTableClient({ ...config, table: settings.lockTable }), {
          ...options.table,
          logger: options.logger,
        }),
      )
    : queuedLocally(new LocalFileLock({ ...options.local, logger: options.logger }));
  shared.set(signature, lock);
  return lock;
}
