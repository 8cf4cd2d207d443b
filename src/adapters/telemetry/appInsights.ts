/**
 * TelemetrySink on the `applicationinsights` v3 SDK: custom events and metrics to the resource named by
 * APPLICATIONINSIGHTS_CONNECTION_STRING. The client is isolated (useGlobalProviders: false) so only what
 * linkgate tracks is sent, and every call is guarded: telemetry is an observer, its failure (bad connection
 * string, backend 5xx, unreachable endpoint) is logged and never stops a sweep or a decision, which live in
 * ARM and the function's logs regardless. The SDK retries failed sends from its offline store.
 *
 * Cold start: the SDK costs more to load than the rest of the decision path (docs/performance.md), so it is
 * loaded when the sink is first flushed (after the decision, at the end of an invocation) or once
 * QUEUE_LOAD_AT items wait, and what was tracked before is replayed to it.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { TelemetryClient } from "applicationinsights";
import { errorMessage } from "../../core/errors";
import {
  nullTelemetry,
  silentLogger,
  type Logger,
  type TelemetryMeasurements,
  type TelemetryProperties,
  type TelemetrySink,
} from "../../ports";

/** A flush waits at most this long: the sweep's result never waits on a slow ingestion endpoint. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

export interface TelemetryOptions {
  logger?: Logger;
  flushTimeoutInMs?: number;
}

/** App Insights drops properties with undefined values badly; send only strings. */
function clean(properties: TelemetryProperties | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

/** Tracked items kept before the SDK is loaded; the next one loads it, so the queue stays bounded. */
export const QUEUE_LOAD_AT = 1_000;

export class AppInsightsTelemetry implements TelemetrySink {
  private warned = false;
  /** undefined: not loaded yet; null: the SDK could not be set up (logged once, telemetry off). */
  private client: TelemetryClient | null | undefined;
  private readonly queue: ((client: TelemetryClient) => void)[] = [];

  constructor(
    private readonly create: () => TelemetryClient,
    private readonly logger: Logger,
    private readonly flushTimeoutInMs: number,
  ) {}

  /** Loads and sets up the SDK on first need; replays what was tracked meanwhile. Never throws. */
  private ensure(): TelemetryClient | undefined {
    if (this.client === undefined) {
      try {
        this.client = this.create();
      } catch (e) {
        // The SDK's message may quote the connection string; only say which setting is wrong.
        this.logger.warn(
          `telemetry disabled: APPLICATIONINSIGHTS_CONNECTION_STRING was not accepted by the SDK (${(e as Error).name})`,
        );
        this.client = null;
      }
      const client = this.client;
      const queued = this.queue.splice(0);
      if (client) for (const send of queued) this.guard("replay", () => send(client));
    }
    return this.client ?? undefined;
  }

  private send(what: string, fn: (client: TelemetryClient) => void): void {
    if (this.client === null) return;
    if (this.client === undefined && this.queue.length < QUEUE_LOAD_AT) {
      this.queue.push(fn);
      return;
    }
    const client = this.ensure();
    if (client) this.guard(what, () => fn(client));
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      // One warning, not one per event: a broken exporter would otherwise flood the log.
      if (!this.warned) this.logger.warn(`telemetry: ${what} failed: ${errorMessage(e)}`);
      this.warned = true;
    }
  }

  trackEvent(name: string, properties?: TelemetryProperties, measurements?: TelemetryMeasurements): void {
    this.send(`trackEvent ${name}`, (client) =>
      client.trackEvent({
        name,
        properties: clean(properties),
        measurements: { ...(measurements ?? {}) },
      }),
    );
  }

  trackMetric(name: string, value: number, properties?: TelemetryProperties): void {
    this.send(`trackMetric ${name}`, (client) =>
      client.trackMetric({ name, value, properties: clean(properties) }),
    );
  }

  async flush(): Promise<void> {
    const client = this.ensure();
    if (client) await this.bounded("flush", () => client.flush());
  }

  /** Stops the SDK's exporters and retry timers; the sink must not be used afterwards. */
  async shutdown(): Promise<void> {
    // Never loaded: nothing to stop (and nothing was tracked, or flush would have loaded it).
    const client = this.client;
    this.queue.length = 0;
    if (client) await this.bounded("shutdown", () => client.shutdown());
  }

  private async bounded(what: string, fn: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            this.logger.warn(
              `telemetry: ${what} did not finish within ${this.flushTimeoutInMs} ms; continuing`,
            );
            resolve();
          }, this.flushTimeoutInMs);
          timer.unref();
        }),
      ]);
    } catch (e) {
      this.logger.warn(`telemetry: ${what} failed: ${errorMessage(e)}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** Flushes and releases the SDK (exporters, timers) so a CLI process can exit; bounded like flush. */
export async function closeTelemetry(sink: TelemetrySink): Promise<void> {
  await sink.flush();
  if (sink instanceof AppInsightsTelemetry) await sink.shutdown();
}

/**
 * The credential for Entra ID ingestion, from APPLICATIONINSIGHTS_AUTHENTICATION_STRING (the setting the
 * Functions host also reads): `Authorization=AAD` with `ClientId=` for a user-assigned identity.
 */
export function entraCredential(env: NodeJS.ProcessEnv): TokenCredential | undefined {
  const fields = new Map<string, string>();
  for (const part of (env["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (fields.get("authorization")?.toLowerCase() !== "aad") return undefined;
  // Loaded on first need (cold start, docs/performance.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ManagedIdentityCredential } = require("@azure/identity") as typeof import("@azure/identity");
  const clientId = fields.get("clientid");
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}

/**
 * The sink for this process: App Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set, a no-op sink
 * otherwise; when the SDK cannot be set up (on first flush, logged once) it drops what is tracked. Never throws.
 */
export function createTelemetrySink(
  env: NodeJS.ProcessEnv = process.env,
  options: TelemetryOptions = {},
): TelemetrySink {
  const logger = options.logger ?? silentLogger;
  const connectionString = (env["APPLICATIONINSIGHTS_CONNECTION_STRING"] ?? "").trim();
  if (!connectionString) return nullTelemetry;
  const create = (): TelemetryClient => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("applicationinsights") as typeof import("applicationinsights");
    const client = new sdk.TelemetryClient(connectionString, { useGlobalProviders: false });
    // The deployed component has local (key) auth disabled: ingestion takes an Entra ID token.
    const credential = entraCredential(env);
    if (credential) client.config.aadTokenCredential = credential;
    return client;
  };
  return new AppInsightsTelemetry(create, logger, options.flushTimeoutInMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
}
