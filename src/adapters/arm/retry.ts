/**
 * Retries of ARM requests, on the SDK pipeline's own `retryPolicy` (core-rest-pipeline) with one strategy
 * that does what the default pair (throttling + exponential) does, plus two things the default cannot:
 *
 * - **Retry-After in both forms** (delta-seconds and HTTP-date, and the `*-retry-after-ms` headers), read by
 *   retryAfter.ts and capped, so one answer cannot park a request for hours.
 * - **A retry budget.** On the Event Grid path a delivery must end well inside Event Grid's 30 s timeout,
 *   or Event Grid redelivers into an invocation that is still running. Within a budget scope every retry
 *   wait must fit before the scope's deadline; past it the request fails at once with a transient
 *   `RetryBudgetExhausted` error, and Event Grid's own retry carries the event. The sweep and the CLI run
 *   without a budget and wait as long as ARM asks (bounded by the retry count and the cap).
 *
 * The scope lives in AsyncLocalStorage, so one scope can span every request of an invocation
 * (`withRetryBudget`) whatever client sends them (the generic client, `@azure/arm-network`, a long-running
 * operation's polls); a request sent outside any scope by a context with a budget gets a scope of its own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import {
  RestError,
  retryPolicy,
  type PipelinePolicy,
  type PipelineResponse,
  type RetryStrategy,
} from "@azure/core-rest-pipeline";
import { retryAfterFromHeaders } from "./retryAfter";

export interface RetryBudget {
  /** The whole budget, for messages. */
  readonly totalInMs: number;
  /** Deadline on `now`'s clock. */
  readonly deadlineInMs: number;
  /** Monotonic clock the deadline is measured on. */
  readonly now: () => number;
}

export const RETRY_BUDGET_EXHAUSTED = "RetryBudgetExhausted";

const budgetScope = new AsyncLocalStorage<RetryBudget>();

/** A monotonic clock in milliseconds. */
export const monotonicNow = (): number => performance.now();

export function createRetryBudget(totalInMs: number, now: () => number = monotonicNow): RetryBudget {
  return { totalInMs, deadlineInMs: now() + totalInMs, now };
}

/** The budget scope the caller runs in, if any. */
export function currentRetryBudget(): RetryBudget | undefined {
  return budgetScope.getStore();
}

/**
 * Runs `fn` with a retry budget shared by every ARM request it makes (retries, their waits and
 * long-running-operation polls included). An enclosing scope with an earlier deadline wins.
 */
export function withRetryBudget<T>(
  totalInMs: number,
  fn: () => Promise<T>,
  now: () => number = monotonicNow,
): Promise<T> {
  const outer = budgetScope.getStore();
  const inner = createRetryBudget(totalInMs, now);
  if (outer && outer.deadlineInMs - outer.now() <= totalInMs) return fn();
  return budgetScope.run(inner, fn);
}

export interface ArmRetryOptions {
  /** Retries after the first attempt. Default 3 (the SDK's default). */
  maxRetries?: number;
  /** First back-off for 5xx/408/network failures. Default 1 s. */
  retryDelayInMs?: number;
  /** Longest exponential back-off. Default 64 s (the SDK's). */
  maxRetryDelayInMs?: number;
  /** Longest Retry-After honoured on a 429/503. Default 60 s. */
  maxRetryAfterInMs?: number;
  /** When set, requests outside any budget scope each get a scope of this size. */
  retryBudgetInMs?: number;
  /** Monotonic clock for budgets. */
  now?: () => number;
}

const SYSTEM_ERRORS = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOENT",
  "ENOTFOUND",
]);

function isThrottled(status: number | undefined): boolean {
  return status === 429 || status === 503;
}

function isRetriableStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 408 || (status >= 500 && status !== 501 && status !== 505));
}

/** One strategy: Retry-After when the answer names one, else exponential back-off with jitter. */
function budgetedStrategy(options: {
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
  maxRetryAfterInMs: number;
}): RetryStrategy {
  return {
    name: "linkgateRetryStrategy",
    retry({ retryCount, response, responseError }) {
      const status = response?.status;
      const systemError = !response && !!responseError?.code && SYSTEM_ERRORS.has(responseError.code);
      if (!isRetriableStatus(status) && !isThrottled(status) && !systemError) {
        return responseError && !response ? { errorToThrow: responseError } : { skipStrategy: true };
      }
      // Throttling retries are bounded by the retry count, so no floor is needed against spinning: an
      // answer of 0 (or a date just past) retries at once. A far-future value is capped.
      const asked = isThrottled(status)
        ? retryAfterFromHeaders((n) => response?.headers.get(n), Date.now(), {
            minInMs: 0,
            maxInMs: options.maxRetryAfterInMs,
          })
        : undefined;
      const exponential = Math.min(options.retryDelayInMs * 2 ** retryCount, options.maxRetryDelayInMs);
      const waitInMs = asked ?? Math.round(exponential * (0.8 + Math.random() * 0.4));
      const budget = budgetScope.getStore();
      if (budget && budget.now() + waitInMs > budget.deadlineInMs) {
        return { errorToThrow: budgetError(budget, retryCount, waitInMs, response, responseError) };
      }
      return { retryAfterInMs: waitInMs };
    },
  };
}

function budgetError(
  budget: RetryBudget,
  retryCount: number,
  waitInMs: number,
  response: PipelineResponse | undefined,
  responseError: RestError | undefined,
): RestError {
  const answer = response ? `HTTP ${response.status}` : (responseError?.code ?? "no response");
  return new RestError(
    `retry budget of ${budget.totalInMs} ms exhausted after ${retryCount + 1} attempt(s): ARM answered ` +
      `${answer} and asked for ${waitInMs} ms more; failing fast so the caller's own retry (Event Grid ` +
      `redelivery, the next sweep) carries the work`,
    {
      code: RETRY_BUDGET_EXHAUSTED,
      // Keep the status so the error classifies as transient (429/5xx); a network failure has none.
      statusCode: response?.status,
      request: response?.request ?? responseError?.request,
    },
  );
}

export const LINKGATE_RETRY_POLICY = "linkgateRetryPolicy";

/** The pipeline policy: core-rest-pipeline's retryPolicy over the budgeted strategy, in a budget scope. */
export function armRetryPolicy(options: ArmRetryOptions = {}): PipelinePolicy {
  const now = options.now ?? monotonicNow;
  const maxRetries = options.maxRetries ?? 3;
  const inner = retryPolicy(
    [
      budgetedStrategy({
        retryDelayInMs: options.retryDelayInMs ?? 1_000,
        maxRetryDelayInMs: options.maxRetryDelayInMs ?? 64_000,
        maxRetryAfterInMs: options.maxRetryAfterInMs ?? 60_000,
      }),
    ],
    { maxRetries },
  );
  const budgetInMs = options.retryBudgetInMs;
  return {
    name: LINKGATE_RETRY_POLICY,
    sendRequest(request, next) {
      if (budgetInMs === undefined || budgetScope.getStore()) return inner.sendRequest(request, next);
      return budgetScope.run(createRetryBudget(budgetInMs, now), () => inner.sendRequest(request, next));
    },
  };
}

/** Replaces the SDK's default retry policy of a client's pipeline with ours. */
export function useArmRetryPolicy(
  pipeline: {
    removePolicy(o: { name?: string }): unknown;
    addPolicy(p: PipelinePolicy, o?: { phase?: "Retry" }): void;
  },
  policy: PipelinePolicy,
): void {
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  pipeline.removePolicy({ name: LINKGATE_RETRY_POLICY });
  pipeline.addPolicy(policy, { phase: "Retry" });
}
