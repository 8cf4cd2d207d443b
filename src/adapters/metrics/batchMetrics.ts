/**
 * Azure Monitor metrics in batches: `POST /subscriptions/{id}/metrics:getBatch` through the official
 * `@azure/monitor-query-metrics` MetricsClient, up to 50 resources of one subscription, type and region a call.
 *
 * The batch API is a data-plane service, not ARM: it lives on a regional host
 * (`https://{region}.metrics.monitor.azure.com`, `.azure.us` in US Government, `.azure.cn` in China) and wants
 * a token for the cloud's metrics audience, not ARM's. Which cloud is decided by the ARM endpoint linkgate was
 * configured with (arm/constants.ts allows only the public and sovereign ones), so the metrics token can only
 * ever go to that cloud's metrics hosts. In emulator mode every region is the emulator's own https origin,
 * trusted through its CA (TLS verification stays on).
 *
 * A failed call (after the pipeline's retries, linkgate's retry policy installed on the client) fails every
 * resource of the batch: the caller records a `metrics` collection error for each, so the checks that judge
 * traffic skip them instead of reporting "no traffic".
 */
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy, TlsSettings } from "@azure/core-rest-pipeline";
import type { MetricsClient } from "@azure/monitor-query-metrics";
import type { MetricSummary } from "../../core/inventory";
import { normalizeResourceId } from "../../core/resourceId";
import type { ArmContext } from "../arm/context";
import { useArmRetryPolicy } from "../arm/retry";
import { intervalFor, summarize } from "./azureMonitor";

/** Resources one `metrics:getBatch` call may name (Azure Monitor's documented limit). */
export const METRICS_BATCH_MAX_RESOURCES = 50;
/** The data-plane api-version the client sends (`@azure/monitor-query-metrics` 1.0.0). */
export const METRICS_BATCH_API_VERSION = "2024-02-01";

export interface MetricsCloud {
  /** The ARM endpoint (arm/constants.ts ARM_CLOUDS) this cloud is chosen by. */
  armEndpoint: string;
  /** Regional hosts are `{region}.{hostSuffix}`. */
  hostSuffix: string;
  /** Token audience; the scope asked for is `{audience}/.default`. */
  audience: string;
}

const PUBLIC_METRICS: MetricsCloud = {
  armEndpoint: "https://management.azure.com",
  hostSuffix: "metrics.monitor.azure.com",
  audience: "https://metrics.monitor.azure.com",
};

/** Azure Monitor's metrics data plane per cloud, as the Azure SDKs' MetricsClient audiences name them. */
export const METRICS_CLOUDS: readonly MetricsCloud[] = [
  PUBLIC_METRICS,
  {
    armEndpoint: "https://management.usgovcloudapi.net",
    hostSuffix: "metrics.monitor.azure.us",
    audience: "https://metrics.monitor.azure.us",
  },
  {
    armEndpoint: "https://management.chinacloudapi.cn",
    hostSuffix: "metrics.monitor.azure.cn",
    audience: "https://metrics.monitor.azure.cn",
  },
];

/** An Azure region's name as it goes into a host name: lower case letters and digits only. */
const REGION = /^[a-z0-9]{2,40}$/;

/** `westeurope` for "West Europe" / "westeurope"; undefined when it cannot be a region's name. */
export function regionSlug(location: string | undefined): string | undefined {
  const slug = (location ?? "").replace(/\s+/g, "").toLowerCase();
  return REGION.test(slug) ? slug : undefined;
}

export interface MetricsBatch {
  /** `Microsoft.Network/privateLinkServices`: the resources' type, sent as `metricnamespace`. */
  namespace: string;
  /** Region slug shared by every resource of the batch. */
  region: string;
  /** 1 to 50 resource IDs, all in one subscription. */
  resourceIds: readonly string[];
  metricNames: readonly string[];
}

export interface MetricsBatchResult {
  /** Normalized resource ID -> metric name -> summary, for the resources the service answered. */
  metrics: Map<string, Record<string, MetricSummary>>;
  /** Normalized resource ID -> why its metrics are unknown (a metric the service reported as failed). */
  failed: Map<string, string>;
}

export interface MetricsBatchReader {
  /** Throws when the call fails as a whole; the caller then knows nothing about any resource of the batch. */
  readBatch(
    batch: MetricsBatch,
    window: { now: Date; windowMinutes: number },
    options?: { abortSignal?: AbortSignal },
  ): Promise<MetricsBatchResult>;
}

export interface AzureMonitorBatchMetricsOptions {
  credential: TokenCredential;
  /** The https origin serving `region`'s metrics. */
  endpointFor(region: string): string;
  /** Token audience (no `/.default`). */
  audience: string;
  tlsOptions?: TlsSettings;
  /** linkgate's retry policy (arm/retry.ts), installed in place of the client's default. */
  retryPolicy?: PipelinePolicy;
}

interface SdkMetric {
  id?: unknown;
  name?: unknown;
  errorCode?: string;
  errorMessage?: string;
  timeseries?: { data?: { total?: number; average?: number; maximum?: number }[] }[];
}

/**
 * Which asked metric a result is. The 1.0.0 client turns the service's `name: {value, localizedValue}` into the
 * *localized* display name ("Bytes In" for both PLSBytesIn and PEBytesIn), so the invariant name is taken from
 * the metric's ID (`{resourceId}/providers/Microsoft.Insights/metrics/{name}`) and only then from `name`.
 */
export function askedMetricName(
  metric: { id?: unknown; name?: unknown },
  asked: readonly string[],
): string | undefined {
  const id = typeof metric.id === "string" ? metric.id.toLowerCase() : "";
  const byId = asked.find((n) => id.endsWith(`/metrics/${n.toLowerCase()}`));
  if (byId) return byId;
  const name =
    typeof metric.name === "string"
      ? metric.name
      : typeof metric.name === "object" && metric.name !== null
        ? (metric.name as { value?: unknown }).value
        : undefined;
  return typeof name === "string" ? asked.find((n) => n.toLowerCase() === name.toLowerCase()) : undefined;
}

export class AzureMonitorBatchMetrics implements MetricsBatchReader {
  private readonly clients = new Map<string, MetricsClient>();

  constructor(private readonly options: AzureMonitorBatchMetricsOptions) {}

  private client(region: string): MetricsClient {
    let c = this.clients.get(region);
    if (!c) {
      // Loaded by the first metrics read, not with the app (cold start: docs/performance.md).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require("@azure/monitor-query-metrics") as typeof import("@azure/monitor-query-metrics");
      c = new sdk.MetricsClient(this.options.endpointFor(region), this.options.credential, {
        credentials: { scopes: [`${this.options.audience}/.default`] },
        tlsOptions: this.options.tlsOptions,
        userAgentOptions: { userAgentPrefix: "linkgate" },
      });
      if (this.options.retryPolicy) useArmRetryPolicy(c.pipeline, this.options.retryPolicy);
      this.clients.set(region, c);
    }
    return c;
  }

  async readBatch(
    batch: MetricsBatch,
    window: { now: Date; windowMinutes: number },
    options: { abortSignal?: AbortSignal } = {},
  ): Promise<MetricsBatchResult> {
    // The region becomes part of a host name: only a region's shape is let through.
    if (!REGION.test(batch.region))
      throw new Error(`"${batch.region.slice(0, 60)}" is not an Azure region name`);
    if (batch.resourceIds.length === 0 || batch.resourceIds.length > METRICS_BATCH_MAX_RESOURCES)
      throw new Error(
        `a metrics batch takes 1 to ${METRICS_BATCH_MAX_RESOURCES} resources, not ${batch.resourceIds.length}`,
      );
    const end = window.now;
    const start = new Date(end.getTime() - window.windowMinutes * 60_000);
    let results;
    try {
      results = await this.client(batch.region).queryResources(
        [...batch.resourceIds],
        [...batch.metricNames],
        batch.namespace,
        {
          startTime: start,
          endTime: end,
          interval: intervalFor(window.windowMinutes),
          aggregation: "total,average,maximum",
          // Not in the 1.0.0 options type, but passed through to the request (operationOptionsToRequestParameters).
          ...({ abortSignal: options.abortSignal } as object),
        },
      );
    } catch (e) {
      const status = (e as { statusCode?: unknown }).statusCode;
      const code = (e as { code?: unknown }).code;
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(
        `metrics:getBatch ${batch.namespace} in ${batch.region} (${batch.resourceIds.length} resources) failed` +
          `${typeof status === "number" ? ` with ${status}` : ""}${typeof code === "string" ? ` ${code}` : ""}: ${message}`,
      );
    }
    const out: MetricsBatchResult = { metrics: new Map(), failed: new Map() };
    for (const r of results) {
      if (!r.resourceId) continue;
      const id = normalizeResourceId(r.resourceId);
      const summaries: Record<string, MetricSummary> = {};
      for (const m of r.metrics as SdkMetric[]) {
        const name = askedMetricName(m, batch.metricNames);
        if (!name) continue;
        if (m.errorCode && m.errorCode !== "Success") {
          out.failed.set(id, `metric ${name}: ${m.errorCode}${m.errorMessage ? ` ${m.errorMessage}` : ""}`);
          continue;
        }
        summaries[name] = summarize((m.timeseries ?? []).flatMap((t) => t.data ?? []));
      }
      if (!out.failed.has(id)) out.metrics.set(id, summaries);
    }
    return out;
  }
}

/**
 * The batch reader for an ARM context: its credential, TLS trust and retry policy, the metrics hosts of its
 * cloud (or the emulator's origin in emulator mode).
 */
export function batchMetricsFor(arm: ArmContext): AzureMonitorBatchMetrics {
  const base = {
    credential: arm.credential,
    tlsOptions: arm.clientOptions.tlsOptions,
    retryPolicy: arm.retryPolicy,
  };
  if (arm.emulator) {
    return new AzureMonitorBatchMetrics({
      ...base,
      endpointFor: () => arm.endpoint,
      audience: PUBLIC_METRICS.audience,
    });
  }
  const cloud = METRICS_CLOUDS.find((c) => c.armEndpoint === arm.endpoint.toLowerCase());
  if (!cloud) {
    // resolveArmEndpoint admits only ARM_CLOUDS; a cloud added there without its metrics hosts lands here.
    throw new Error(
      `no Azure Monitor metrics endpoint is known for the ARM endpoint ${arm.endpoint}: add it to METRICS_CLOUDS (src/adapters/metrics/batchMetrics.ts)`,
    );
  }
  return new AzureMonitorBatchMetrics({
    ...base,
    endpointFor: (region) => `https://${region}.${cloud.hostSuffix}`,
    audience: cloud.audience,
  });
}
