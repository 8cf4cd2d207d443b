/**
 * Composition of the sharded sweep from app settings, shared by the timer (coordinator), the queue-triggered
 * shard function and the bench/test workers: the shard queue, the sweep record and, per shard, the ordinary
 * sweep runtime (sweepRuntime.ts) narrowed to the shard's subscriptions, so its finding state and
 * first-seen-Pending times live in the shard's own partitions (stateKey of the shard's scope).
 *
 * The shard function builds its runtime once per worker (cachedShardRuntime): one ARM context, one findings
 * table client, one lease and one record for every message, and per message only the shard's collectors and
 * stores over them. It is rebuilt when what it was built from changes: any environment variable (app
 * settings), the policy's content (read on every message, as the timer reads it on every tick), or the
 * modification time of a CA file the settings name.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { PolicyRuntime } from "../../core/reconcile";
import type { CoordinatorDeps, ShardSweepDeps } from "../../core/shard";
import type { SweepOptions } from "../../core/sweep";
import type { Clock, Logger, TelemetrySink } from "../../ports";
import { SettingsError, loadSettings, type Settings } from "../../config";
import { approvalPorts } from "../compose";
import { sweepRuntime } from "../inventory/sweepRuntime";
import { StorageConfigError, createTableClient, tableStoreConfigFromEnv } from "../storage/tableFindingStore";
import { TableSweepRunStore, sweepRunStoreFromEnv } from "../storage/tableSweepRuns";
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

/** The shard function's ports: one ARM context, lease, record and findings table client; a sweep runtime per shard. */
export function shardRuntime(o: ShardRuntimeOptions): ShardRuntime {
  const settings = o.settings ?? loadSettings(o.env);
  requireSubscriptions(settings);
  // One client of the findings table for the record and every shard's finding and first-seen-Pending
  // partitions (sweepRuntime alone would build two a shard).
  const tableConfig = tableStoreConfigFromEnv(o.env, settings);
  const findings = tableConfig ? createTableClient(tableConfig) : undefined;
  if (!findings) {
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
  const runs = new TableSweepRunStore(findings);
  const forShard = (subscriptions: readonly string[]) =>
    // The shard's own partitions (stateKey of its scope), over the worker's one findings-table client.
    sweepRuntime({
      env: o.env,
      settings,
      logger: o.logger,
      policy: o.policy,
      subscriptions,
      table: findings,
      telemetry: approval.telemetry,
      clock: approval.clock,
      arm: approval.arm,
      trigger: o.trigger,
    });
  // The check settings as sweepRuntime derives them (built once per runtime, not per message).
  const template = forShard(settings.subscriptions).options;
  return {
    deps: {
      forShard: (message) => forShard(message.subscriptions).deps,
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
      settings: template.settings,
      only: template.only,
      disabled: template.disabled,
      trigger: o.trigger,
      estateSubscriptions: settings.subscriptions,
    },
  };
}

/** The logger of the invocation being served (see withInvocationLogger); the builder's outside any. */
const invocationLoggers = new AsyncLocalStorage<Logger>();

/** Runs `fn` with `logger` as the logger of everything the cached runtime logs on its behalf. */
export function withInvocationLogger<T>(logger: Logger, fn: () => Promise<T>): Promise<T> {
  return invocationLoggers.run(logger, fn);
}

function invocationLogger(fallback: Logger): Logger {
  const current = () => invocationLoggers.getStore() ?? fallback;
  return {
    info: (m, p) => current().info(m, p),
    warn: (m, p) => current().warn(m, p),
    error: (m, p) => current().error(m, p),
  };
}

/** What a runtime was built from: every environment variable, the policy, and the CA files' mtimes. */
function fingerprint(env: NodeJS.ProcessEnv, policyKey: string): string {
  const mtime = (file: string | undefined) => {
    if (!file) return "";
    try {
      return String(fs.statSync(file).mtimeMs);
    } catch {
      return "unreadable";
    }
  };
  const entries = Object.entries(env)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash("sha256")
    .update(
      JSON.stringify([
        entries,
        policyKey,
        mtime(env["LINKGATE_EMULATOR_CA"]),
        mtime(env["LINKGATE_TABLE_CA"]),
      ]),
    )
    .digest("hex");
}

let cached: { key: string; clock: Clock | undefined; runtime: ShardRuntime } | undefined;
let builds = 0;

/**
 * The worker's shard runtime: built on the first message and reused while `env`, the policy (`policyKey`: its
 * content hash, or its errors) and the CA files stay as they were; rebuilt, replacing the old one, when any
 * of them changes. Log lines go to the logger of the invocation running (withInvocationLogger).
 */
export function cachedShardRuntime(o: ShardRuntimeOptions & { policyKey: string }): ShardRuntime {
  const key = fingerprint(o.env, o.policyKey);
  if (cached && cached.key === key && cached.clock === o.clock) return cached.runtime;
  const runtime = shardRuntime({ ...o, logger: invocationLogger(o.logger) });
  builds += 1;
  cached = { key, clock: o.clock, runtime };
  return runtime;
}

/** How many times this process built a shard runtime (diagnostics and tests). */
export function shardRuntimeBuilds(): number {
  return builds;
}

let fullGc: (() => void) | null | undefined;

/**
 * A full garbage collection before a shard is swept, so that each shard starts from the worker's live set
 * (about 35 MB at 100,000 connections) rather than from the previous shard's garbage. V8 sizes the old
 * generation as a multiple (up to 4x) of what survived the last full collection; without this a worker's heap
 * grew shard after shard (figures in docs/performance.md, "Beyond one instance"). `gc` is reached the way Jest's --logHeapUsage reaches it: --expose-gc set at run time
 * exposes it in a new context. Returns false when it is not available (then nothing happens). A full
 * collection of this heap takes tens of milliseconds; a shard takes seconds to minutes.
 */
export function collectBeforeShard(): boolean {
  if (fullGc === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    try {
      if (typeof exposed === "function") {
        fullGc = exposed as () => void;
      } else {
        setFlagsFromString("--expose-gc");
        const gc = runInNewContext("gc") as unknown;
        fullGc = typeof gc === "function" ? (gc as () => void) : null;
      }
    } catch {
      fullGc = null;
    }
  }
  if (!fullGc) return false;
  fullGc();
  return true;
}
