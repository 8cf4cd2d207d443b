/**
 * Queue trigger: sweeps one shard of a sharded sweep (LINKGATE_SWEEP_SHARD_SIZE > 0; the timer enqueues the
 * shards, core/shard). Thin by design: compose from app settings, run core/shard's sweepShard, log.
 *
 * - A malformed message is logged as an error and returns (acknowledged): it sweeps nothing and a retry
 *   would not make it valid.
 * - A failure throws: the host makes the message visible again and retries it up to maxDequeueCount
 *   (host.json), then moves it to `<queue>-poison`. The shard's findings stay as they were meanwhile.
 * - host.json sets batchSize 1 so one instance sweeps one shard at a time (the 256 MB budget is per shard).
 *
 * The queue name is read at registration (LINKGATE_SWEEP_QUEUE, default linkgate-sweep-shards) rather than
 * written as '%LINKGATE_SWEEP_QUEUE%': the host fails to index a function whose %setting% is missing.
 */
import { app, type InvocationContext } from "@azure/functions";
import { errorMessage } from "../core/errors";
import type { ShardOutcome } from "../core/shard";
import type { Clock } from "../ports";
import { useTelemetryLogger, workerTelemetry } from "../adapters/telemetry/workerSink";
import { DEFAULT_SWEEP_QUEUE, loadSettings, loadSweepQueue, settingAtRegistration } from "../config";

/* eslint-disable @typescript-eslint/no-require-imports */
const shardPath = () => ({
  ...(require("../core/shard") as typeof import("../core/shard")),
  ...(require("../adapters/compose") as typeof import("../adapters/compose")),
  ...(require("../adapters/queue/shardRuntime") as typeof import("../adapters/queue/shardRuntime")),
});
/* eslint-enable @typescript-eslint/no-require-imports */

export function queueFromEnv(env: NodeJS.ProcessEnv, report: (message: string) => void): string {
  return settingAtRegistration(
    () => loadSweepQueue(env),
    DEFAULT_SWEEP_QUEUE,
    `the shard function listens to "${DEFAULT_SWEEP_QUEUE}" until it is fixed`,
    report,
  );
}

export async function linkgateSweepShard(
  queueItem: unknown,
  context: InvocationContext,
  env: NodeJS.ProcessEnv = process.env,
  clock?: Clock,
): Promise<ShardOutcome> {
  const {
    collectBeforeShard,
    invocationLogger,
    loadDeployedPolicy,
    cachedShardRuntime,
    sweepShard,
    withInvocationLogger,
  } = shardPath();
  const logger = invocationLogger(context);
  useTelemetryLogger(logger);
  const dequeueCount = context.triggerMetadata?.["dequeueCount"];
  try {
    // Settings and policy are read on every message, as the timer reads them on every tick; the runtime
    // built from them is kept for the next message while neither changes (adapters/queue/shardRuntime.ts).
    const settings = loadSettings(env);
    const loaded = await loadDeployedPolicy(settings, logger);
    for (const e of loaded.errors) logger.error(`sweep shard: policy error: ${e}`);
    const policy = loaded.errors.length > 0 ? undefined : loaded.runtime;
    const runtime = cachedShardRuntime({
      env,
      settings,
      logger,
      policy,
      // A policy without a content hash is never taken for the one already built.
      policyKey: policy
        ? `policy ${policy.hash ?? `unhashed ${Date.now()} ${Math.random()}`}`
        : `invalid ${loaded.errors.join("\n")}`,
      telemetry: workerTelemetry(env),
      clock,
      trigger: "shard",
    });
    let outcome: ShardOutcome;
    try {
      outcome = await withInvocationLogger(logger, () =>
        sweepShard(queueItem, runtime.deps, {
          ...runtime.options,
          reconcile: settings.sweepReconcile,
          // One shard per instance at a time (host.json batchSize 1): start it from the live set, not from the
          // previous shard's garbage (the 256 MB budget is per shard). Only for a message that will sweep: a
          // malformed or duplicate one costs no full collection.
          beforeSweep: collectBeforeShard,
        }),
      );
    } finally {
      await workerTelemetry(env).flush();
    }
    if (outcome.status === "rejected") {
      logger.error(`sweep shard: message rejected, nothing swept: ${outcome.error}`, {
        invocationId: context.invocationId,
        dequeueCount,
      });
      return outcome;
    }
    if (outcome.status === "swept") {
      const s = outcome.result.summary;
      if (s.degraded) {
        logger.warn(
          `sweep shard ${outcome.message.shardId} completed DEGRADED: could not read or run ${[...s.failedScopes, ...s.failedChecks.map((c) => `check ${c}`)].join(", ")}; ` +
            `${s.carriedForward} finding(s) carried forward, ${s.withheld} withheld`,
          {
            invocationId: context.invocationId,
            sweepId: outcome.message.sweepId,
            shardId: outcome.message.shardId,
          },
        );
      }
      const problems = [
        ...loaded.errors.map((e) => `policy: ${e}`),
        ...(s.stateError ? [s.stateError] : []),
        ...(s.revocationError ? [s.revocationError] : []),
      ];
      if (problems.length > 0) throw new Error(`sweep shard completed degraded: ${problems.join("; ")}`);
    }
    return outcome;
  } catch (e) {
    logger.error(
      `sweep shard failed (the queue retries it, then moves it to the poison queue): ${errorMessage(e)}`,
      {
        invocationId: context.invocationId,
        dequeueCount,
      },
    );
    throw e;
  }
}

app.storageQueue("linkgateSweepShard", {
  queueName: queueFromEnv(process.env, (m) => console.error(`linkgate: ${m}`)),
  connection: "AzureWebJobsStorage",
  handler: (item, context) => linkgateSweepShard(item, context).then(() => undefined),
});
