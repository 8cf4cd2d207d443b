/**
 * One Application Insights client per worker, shared by the timer and shard functions: each SDK client owns
 * exporters and timers, so a client per invocation (or per function) would leak them. Its own warnings go to
 * whichever invocation last asked for it. The SDK is loaded on first use, not at registration (cold start).
 */
import { silentLogger, type Logger, type TelemetrySink } from "../../ports";

let shared: { sink: TelemetrySink; connectionString: string } | undefined;
let currentLogger: Logger = silentLogger;
const forwardingLogger: Logger = {
  info: (m, p) => currentLogger.info(m, p),
  warn: (m, p) => currentLogger.warn(m, p),
  error: (m, p) => currentLogger.error(m, p),
};

/** Where the shared client's own warnings go from now on: the invocation that just started. */
export function useTelemetryLogger(logger: Logger): void {
  currentLogger = logger;
}

/** The worker's sink for `env`'s connection string (a new one only when the connection string changed). */
export function workerTelemetry(env: NodeJS.ProcessEnv): TelemetrySink {
  const connectionString = env["APPLICATIONINSIGHTS_CONNECTION_STRING"] ?? "";
  if (!shared || shared.connectionString !== connectionString) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createTelemetrySink } = require("./appInsights") as typeof import("./appInsights");
    shared = { sink: createTelemetrySink(env, { logger: forwardingLogger }), connectionString };
  }
  return shared.sink;
}
