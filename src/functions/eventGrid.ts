/**
 * Event Grid trigger: every accepted event is a hint naming resources to reconcile. Thin by design: parse
 * and decide in core (handleEventInput), log here, rethrow transient failures so Event Grid redelivers.
 * The trigger's input is already-parsed JSON, in Event Grid or CloudEvents schema.
 */
import { app, type InvocationContext } from "@azure/functions";
import type { HandleEventDeps, HandleResult } from "../core/events/handle";
import { errorMessage, isTransient } from "../core/errors";

/*
 * Cold start (docs/performance.md): registration loads only @azure/functions; the approval path (policy
 * engine, ARM pipeline, lock) is loaded by the first invocation, and what it needs later (Microsoft.Network
 * for a PLS, Table Storage, telemetry) when it needs it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const approvalPath = () => ({
  ...(require("../adapters/compose") as typeof import("../adapters/compose")),
  ...(require("../core/events/handle") as typeof import("../core/events/handle")),
  ...(require("../adapters/arm/context") as typeof import("../adapters/arm/context")),
  ...(require("../adapters/arm/retry") as typeof import("../adapters/arm/retry")),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/** Built once per worker: the policy file, ARM clients and the tenant cache outlive an invocation. */
let runtime: Promise<HandleEventDeps> | undefined;

export async function linkgateEvents(event: unknown, context: InvocationContext): Promise<HandleResult> {
  const {
    approvalRuntimeFromEnv,
    invocationLogger,
    handleEventInput,
    withRetryBudget,
    EVENT_PATH_RETRY_BUDGET_IN_MS,
  } = approvalPath();
  const logger = invocationLogger(context);
  runtime ??= approvalRuntimeFromEnv({ logger });
  let deps: HandleEventDeps;
  try {
    deps = { ...(await runtime), logger };
  } catch (e) {
    // Configuration errors (bad settings, emulator misconfiguration) would fail every retry the same way,
    // but acknowledging would lose the event: fail loudly so it is redelivered once fixed or dead-lettered.
    runtime = undefined;
    logger.error(`linkgate cannot start: ${errorMessage(e)}`, { invocationId: context.invocationId });
    throw e;
  }
  try {
    // One retry budget for the whole delivery, so it ends well inside Event Grid's 30 s timeout.
    // App Insights' operation id is the W3C trace id (traceparent 00-<trace id>-<span id>-<flags>).
    const operationId =
      /^[\da-f]{2}-([\da-f]{32})-/.exec(context.traceContext?.traceParent ?? "")?.[1] ?? context.invocationId;
    const result = await withRetryBudget(EVENT_PATH_RETRY_BUDGET_IN_MS, () =>
      handleEventInput(event, deps, { operationId }),
    );
    logger.info(`handled: ${result.decisions.length} decision(s), ${result.failures.length} failure(s)`, {
      invocationId: context.invocationId,
      events: result.events,
    });
    return result;
  } catch (e) {
    const transient = isTransient(e);
    logger.error(
      `event handling failed (${transient ? "transient: Event Grid will redeliver" : "terminal"})`,
      {
        invocationId: context.invocationId,
        error: errorMessage(e),
      },
    );
    throw e;
  } finally {
    await deps.telemetry.flush();
  }
}

/** Test hook: forget the cached runtime so the next invocation re-reads the environment. */
export function resetRuntimeForTests(): void {
  runtime = undefined;
}

app.eventGrid<unknown>("linkgateEvents", { handler: linkgateEvents });
