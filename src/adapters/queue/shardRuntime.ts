/**
 * Composition of the sharded sweep from app settings, shared by the timer (coordinator), the queue-triggered
 * shard function and the bench/test workers: the shard queue, the sweep record and, per shard, the ordinary
 * sweep runtime (sweepRuntime.ts) narrowed to the shard's subscriptions, so its finding state and
 * first-seen-Pending times live in the shard's own partitions (stateKey of the shard's scope).
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { PolicyRuntime } from "../../core/reconcile";
import type { CoordinatorDeps, ShardSweepDeps } from "../../core/shard";
import type { SweepOptions } from "../../core/sweep";
import type { Clock, Logger, TelemetrySink } from "../../ports";
import { SettingsError, loadSettings, type Settings } from "../../config";
import { approvalPorts } from "../compose";
import { sweepRuntime } from "../inventory/sweepRuntime";
import { StorageConfigError } from "../storage/tableFindingStore";
import { sweepRunStoreFromEnv } from "../storage/tableSweepRuns";
import { shardQueueFromEnv } from "./storageQueue";

export interface ShardRuntimeOptions {
  env: NodeJS.ProcessEnv;
  settings?: Settings;
  logger: Logger;
  policy?: PolicyRuntime;
  telemetry?: TelemetrySink;
  clock?: Clock;
  trigger: string;
}

function requireSubscriptions(settings: Settings): void {
  if (settings.subscriptions.length === 0) {
    throw new SettingsError(
      "LINKGATE_SWEEP_SHARD_SIZE",
      "a sharded sweep needs LINKGATE_SUBSCRIPTIONS (the scope it cuts into shards and checks every message against); " +
        "a management-group scope is swept by one instance: set LINKGATE_SWEEP_SHARD_SIZE=0",
    );
  }
}

/** The coordinator's ports; throws when no storage is configured (a queue and a record are required). */
export function coordinatorDeps(o: ShardRuntimeOptions): CoordinatorDeps & { newSweepId: () => string } {
  const settings = o.settings ?? loadSettings(o.env);
  requireSubscriptions(settings);
  const queue = shardQueueFromEnv(o.env, settings);
  const runs = sweepRunStoreFromEnv(o.env, settings);
  if (!queue || !runs) {
    throw new StorageConfigError(
      "a sharded sweep (LINKGATE_SWEEP_SHARD_SIZE > 0) needs storage for its queue and record: set AzureWebJobsStorage " +
        "(or AzureWebJobsStorage__accountName for identity-based access)",
    );
  }
  const clock = o.clock ?? { now: () => new Date() };
  return {
    queue,
    runs,
    clock,
    logger: o.logger,
    newSweepId: () => randomUUID().replace(/-/g, "").slice(0, 12),
  };
}

export interface ShardRuntime {
  deps: ShardSweepDeps;
  options: Omit<SweepOptions, "scope" | "reconcile" | "abortSignal" | "onProgress"> & {
    estateSubscriptions: string[];
  };
}

/** The shard function's ports: one ARM context, lease and record per worker, a sweep runtime per shard. */
export function shardRuntime(o: ShardRuntimeOptions): ShardRuntime {
  const settings = o.settings ?? loadSettings(o.env);
  requireSubscriptions(settings);
  const runs = sweepRunStoreFromEnv(o.env, settings);
  if (!runs) {
    throw new StorageConfigError(
      "the shard function needs storage for finding state, its lease and the sweep record: set AzureWebJobsStorage " +
        "(or AzureWebJobsStorage__accountName for identity-based access)",
    );
  }
  const approval = approvalPorts({
    env: o.env,
    settings,
    logger: o.logger,
    telemetry: o.telemetry,
    clock: o.clock,
  });
  const base = (subscriptions: readonly string[]) =>
    sweepRuntime({
      env: o.env,
      settings,
      logger: o.logger,
      policy: o.policy,
      subscriptions,
      telemetry: approval.telemetry,
      clock: approval.clock,
      arm: approval.arm,
      trigger: o.trigger,
    });
  const template = base(settings.subscriptions);
  return {
    deps: {
      forShard: (message) => base(message.subscriptions).deps,
      reader: approval.reader,
      // The lease's `lost` signal aborts the whole shard sweep, so every request in flight listens to it: more
      // than Node's default 10 listeners is expected, not a leak.
      lease: {
        description: approval.lock.description,
        acquire: async (key, options) => {
          const handle = await approval.lock.acquire(key, options);
          setMaxListeners(0, handle.lost);
          return handle;
        },
      },
      runs,
    },
    options: {
      settings: template.options.settings,
      only: template.options.only,
      disabled: template.options.disabled,
      trigger: o.trigger,
      estateSubscriptions: settings.subscriptions,
    },
  };
}
