/**
 * Azure Monitor metrics (REST, api-version 2023-10-01) through the generic ARM client, so reads share the
 * SDK pipeline's auth, TLS trust and throttling retries. One call per resource returns every metric asked,
 * aggregated over the window into the inventory's MetricSummary.
 */
import type { MetricSummary } from "../../core/inventory";
import type { GenericArmClient } from "../arm/genericClient";
import { API_VERSIONS } from "../arm/apiVersions";

export const METRICS_API_VERSION = API_VERSIONS["microsoft.insights/metrics"] ?? "2023-10-01";

/** Private Link Service and private endpoint metrics the checks read (DESIGN.md). */
export const PLS_METRICS = ["PLSBytesIn", "PLSBytesOut", "PLSNatPortsUsage"] as const;
export const PE_METRICS = ["PEBytesIn", "PEBytesOut"] as const;

interface MetricValue {
  timeStamp?: string;
  total?: number;
  average?: number;
  maximum?: number;
}

interface MetricsBody {
  value?: {
    name?: { value?: string };
    timeseries?: { data?: MetricValue[] }[];
    errorCode?: string;
    errorMessage?: string;
  }[];
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Grain that keeps a window to a few dozen points: 5 minutes up to 6 hours, hourly beyond. */
export function intervalFor(windowMinutes: number): string {
  return windowMinutes <= 360 ? "PT5M" : "PT1H";
}

/** Folds a metric's time series into one summary; points without a value do not count. */
export function summarize(data: readonly MetricValue[]): MetricSummary {
  let total: number | undefined;
  let max: number | undefined;
  let avgSum = 0;
  let avgN = 0;
  let points = 0;
  for (const p of data) {
    const has = typeof p.total === "number" || typeof p.average === "number" || typeof p.maximum === "number";
    if (!has) continue;
    points += 1;
    if (typeof p.total === "number") total = (total ?? 0) + p.total;
    if (typeof p.average === "number") {
      avgSum += p.average;
      avgN += 1;
    }
    if (typeof p.maximum === "number") max = max === undefined ? p.maximum : Math.max(max, p.maximum);
  }
  const out: MetricSummary = { points };
  if (total !== undefined) out.total = total;
  if (avgN > 0) out.average = avgSum / avgN;
  if (max !== undefined) out.maximum = max;
  return out;
}

export class AzureMonitorMetrics {
  constructor(private readonly client: GenericArmClient) {}

  /** Metric name -> summary over [now - windowMinutes, now]. Throws ArmError when the call fails. */
  async read(
    resourceId: string,
    metricNames: readonly string[],
    window: { now: Date; windowMinutes: number },
    options: { abortSignal?: AbortSignal } = {},
  ): Promise<Record<string, MetricSummary>> {
    const end = window.now;
    const start = new Date(end.getTime() - window.windowMinutes * 60_000);
    const q = new URLSearchParams({
      "api-version": METRICS_API_VERSION,
      metricnames: metricNames.join(","),
      timespan: `${iso(start)}/${iso(end)}`,
      interval: intervalFor(window.windowMinutes),
      aggregation: "total,average,maximum",
    });
    const url = `${this.client.endpoint}${resourceId}/providers/Microsoft.Insights/metrics?${q.toString()}`;
    // An absolute URL carries its own api-version (the client adds none to absolute URLs).
    const body = (await this.client.get(url, METRICS_API_VERSION, options)) as MetricsBody | undefined;
    const out: Record<string, MetricSummary> = {};
    for (const m of body?.value ?? []) {
      const name = m.name?.value;
      if (!name) continue;
      out[name] = summarize((m.timeseries ?? []).flatMap((t) => t.data ?? []));
    }
    return out;
  }
}
