/**
 * Timer trigger: one health sweep per tick. Thin by design: compose from app settings, run the core sweep,
 * log, flush telemetry.
 *
 * Schedule: LINKGATE_SWEEP_SCHEDULE (six-field NCRONTAB), default every 15 minutes. It is read here at
 * registration rather than written as '%LINKGATE_SWEEP_SCHEDULE%': the host fails to index a function whose
 * %setting% is missing, and that would leave the app without its sweep (and without a default). A malformed
 * value is logged as an error naming the setting and the default is used, so one bad setting does not also
 * take down the Event Grid function registered in the same app.
 *
 * Past-due ticks (the app was down or scaled to zero): the host delivers one late invocation with
 * isPastDue, never a backlog; it is logged and runs once. A tick that arrives while this worker is still
 * sweeping is skipped, and the timer's singleton lock keeps other instances from sweeping at the same time.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { errorMessage } from "../core/errors";
import type { SweepResult } from "../core/sweep";
import type { Clock, Logger } from "../ports";
import { useTelemetryLogger, workerTelemetry } from "../adapters/telemetry/workerSink";
import { DEFAULT_SWEEP_SCHEDULE, loadSettings, loadSweepSchedule, settingAtRegistration } from "../config";

/*
 * Cold start (docs/performance.md): the sweep's modules (collector, checks, Table Storage, telemetry) are
 * loaded by the timer invocation, not at registration, so a worker started for an event never loads them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const sweepPath = () => ({
  ...(require("../core/sweep") as typeof import("../core/sweep")),
  ...(require("../adapters/compose") as typeof import("../adapters/compose")),
  ...(require("../adapters/inventory/sweepRuntime") as typeof import("../adapters/inventory/sweepRuntime")),
});
/* eslint-enable @typescript-eslint/no-require-imports */

export function scheduleFromEnv(env: NodeJS.ProcessEnv, report: (message: string) => void): string {
  // Only the schedule is judged here: another malformed setting is the sweep's to report, not the timer's.
  return settingAtRegistration(
    () => loadSweepSchedule(env),
    DEFAULT_SWEEP_SCHEDULE,
    `the sweep runs on the default schedule "${DEFAULT_SWEEP_SCHEDULE}" until it is fixed`,
    report,
  );
}

let running = false;

async function coordinate(
  settings: ReturnType<typeof loadSettings>,
  logger: Logger,
  clock: Clock | undefined,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { coordinatorDeps } =
    require("../adapters/queue/shardRuntime") as typeof import("../adapters/queue/shardRuntime");
  const { startShardedSweep, sweepIdAt } = require("../core/shard") as typeof import("../core/shard");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const deps = coordinatorDeps({ env, settings, logger, clock, trigger: "timer" });
  const r = await startShardedSweep(deps, {
    subscriptions: settings.subscriptions,
    shardSize: settings.sweepShardSize,
    sweepId: sweepIdAt(deps.clock.now(), deps.newSweepId()),
  });
  if (r.notEnqueued.length > 0) {
    throw new Error(
      `sweep fan-out incomplete: ${r.notEnqueued.length} of ${r.shards.length} shard(s) not enqueued`,
    );
  }
}

export async function linkgateSweep(
  timer: Timer,
  context: InvocationContext,
  env: NodeJS.ProcessEnv = process.env,
  /** The sweep's clock (expiries, Pending ages); tests inject one, the host uses the system's. */
  clock?: Clock,
): Promise<SweepResult | undefined> {
  const { invocationLogger, loadDeployedPolicy, runSweep, sweepRuntime } = sweepPath();
  const logger = invocationLogger(context);
  if (timer.isPastDue) {
    logger.warn("sweep: this tick is past due (the app was down or busy); running it once now", {
      invocationId: context.invocationId,
      last: timer.scheduleStatus?.last,
      next: timer.scheduleStatus?.next,
    });
  }
  if (running) {
    logger.warn("sweep: the previous sweep is still running in this worker; skipping this tick", {
      invocationId: context.invocationId,
    });
    return undefined;
  }
  running = true;
  useTelemetryLogger(logger);
  try {
    const settings = loadSettings(env);
    if (settings.sweepShardSize > 0) {
      // Sharded (core/shard): this tick only fans the sweep out; linkgateSweepShard sweeps each shard.
      await coordinate(settings, logger, clock, env);
      return undefined;
    }
    const loaded = await loadDeployedPolicy(settings, logger);
    for (const e of loaded.errors) logger.error(`sweep: policy error: ${e}`);
    // An invalid policy must not decide anything: sweep without it (no policy checks, no reconcile).
    const policy = loaded.errors.length > 0 ? undefined : loaded.runtime;
    const runtime = sweepRuntime({
      env,
      settings,
      logger,
      policy,
      telemetry: workerTelemetry(env),
      clock,
      trigger: timer.isPastDue ? "timer-past-due" : "timer",
    });
    let result: SweepResult;
    try {
      result = await runSweep(runtime.deps, { ...runtime.options, reconcile: settings.sweepReconcile });
    } finally {
      await runtime.deps.telemetry.flush();
    }
    // Blind spots are not failures of this invocation (the next sweep may see them), but they must be seen:
    // their findings were carried forward instead of resolved.
    const s = result.summary;
    if (s.degraded) {
      logger.warn(
        `sweep completed DEGRADED: could not read or run ${[...s.failedScopes, ...s.failedChecks.map((c) => `check ${c}`)].join(", ")}; ` +
          `${s.carriedForward} finding(s) there carried forward unchanged (not resolved), ${s.withheld} new one(s) withheld until a clean sweep`,
        {
          invocationId: context.invocationId,
          degraded: true,
          failedScopes: s.failedScopes,
          failedChecks: s.failedChecks,
          carriedForward: s.carriedForward,
          withheld: s.withheld,
        },
      );
    }
    // Fail the invocation (visible in the Functions monitor and alertable) when the sweep's own inputs broke.
    const problems = [
      ...loaded.errors.map((e) => `policy: ${e}`),
      ...(result.summary.stateError ? [result.summary.stateError] : []),
      ...(result.summary.revocationError ? [result.summary.revocationError] : []),
    ];
    if (problems.length > 0) throw new Error(`sweep completed degraded: ${problems.join("; ")}`);
    return result;
  } catch (e) {
    logger.error(`sweep failed: ${errorMessage(e)}`, { invocationId: context.invocationId });
    throw e;
  } finally {
    running = false;
  }
}

app.timer("linkgateSweep", {
  schedule: scheduleFromEnv(process.env, (m) => console.error(`linkgate: ${m}`)),
  runOnStartup: false,
  useMonitor: true,
  handler: (timer, context) => linkgateSweep(timer, context).then(() => undefined),
});
