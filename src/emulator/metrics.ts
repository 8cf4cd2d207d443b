/**
 * Azure Monitor metrics (`GET {resourceId}/providers/Microsoft.Insights/metrics`) for Private Link: seeded raw
 * samples are bucketed by `interval` over `timespan` and aggregated as asked, in the shape of the published
 * example (GetMetric.json).
 */
import { ArmHttpError, badRequest } from "./errors";
import type { EmulatorState } from "./state";

interface MetricDefinition {
  name: string;
  localizedName: string;
  description: string;
  unit: string;
  primaryAggregation: Aggregation;
}

type Aggregation = "total" | "average" | "minimum" | "maximum" | "count";

const AGGREGATIONS: readonly Aggregation[] = ["total", "average", "minimum", "maximum", "count"];

/** Metric definitions per resource type (lower case), as Azure Monitor publishes them. */
export const METRIC_DEFINITIONS: Readonly<Record<string, readonly MetricDefinition[]>> = {
  "microsoft.network/privatelinkservices": [
    {
      name: "PLSBytesIn",
      localizedName: "Bytes In",
      description: "Total number of Bytes In",
      unit: "Bytes",
      primaryAggregation: "total",
    },
    {
      name: "PLSBytesOut",
      localizedName: "Bytes Out",
      description: "Total number of Bytes Out",
      unit: "Bytes",
      primaryAggregation: "total",
    },
    {
      name: "PLSNatPortsUsage",
      localizedName: "Nat Ports Usage",
      description: "Nat Ports Usage",
      unit: "Percent",
      primaryAggregation: "average",
    },
  ],
  "microsoft.network/privateendpoints": [
    {
      name: "PEBytesIn",
      localizedName: "Bytes In",
      description: "Total number of Bytes In",
      unit: "Bytes",
      primaryAggregation: "total",
    },
    {
      name: "PEBytesOut",
      localizedName: "Bytes Out",
      description: "Total number of Bytes Out",
      unit: "Bytes",
      primaryAggregation: "total",
    },
  ],
};

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

export function parseDurationMs(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m || value.toUpperCase() === "P" || value.toUpperCase() === "PT") return undefined;
  const [, d, h, min, s] = m;
  const ms =
    ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return ms > 0 ? ms : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function parseTimespan(value: string | null, now: Date): { start: number; end: number } {
  if (!value) return { start: now.getTime() - 3600_000, end: now.getTime() };
  const [a, b] = value.split("/");
  const start = Date.parse(a ?? "");
  let end = Date.parse(b ?? "");
  if (Number.isNaN(end) && b) {
    const d = parseDurationMs(b);
    if (d !== undefined && !Number.isNaN(start)) end = start + d;
  }
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
    throw badRequest(
      "BadRequest",
      `Invalid timespan '${value}': expected 'start/end' as ISO 8601 date-times (e.g. 2024-01-01T00:00:00Z/2024-01-01T01:00:00Z) with start before end.`,
    );
  }
  return { start, end };
}

export interface MetricsQuery {
  resourceId: string;
  resourceType: string;
  location: string;
  params: URLSearchParams;
  now: Date;
}

export function queryMetrics(state: EmulatorState, q: MetricsQuery): Record<string, unknown> {
  const defs = METRIC_DEFINITIONS[q.resourceType.toLowerCase()];
  const namespace = q.resourceType;
  if (!defs) {
    throw badRequest(
      "BadRequest",
      `The emulator serves metrics only for Microsoft.Network/privateLinkServices and Microsoft.Network/privateEndpoints, not for '${q.resourceType}'.`,
    );
  }
  const names = (q.params.get("metricnames") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) {
    throw badRequest(
      "BadRequest",
      `Query parameter 'metricnames' is required. Valid metrics: ${defs.map((d) => d.name).join(", ")}`,
    );
  }
  const { start, end } = parseTimespan(q.params.get("timespan"), q.now);
  const intervalText = q.params.get("interval") ?? "PT1M";
  const interval = parseDurationMs(intervalText);
  if (interval === undefined) {
    throw badRequest(
      "BadRequest",
      `Invalid interval '${intervalText}': expected an ISO 8601 duration such as PT1M, PT5M, PT1H or P1D.`,
    );
  }
  const askedAggs = (q.params.get("aggregation") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const a of askedAggs) {
    if (!AGGREGATIONS.includes(a as Aggregation)) {
      throw badRequest(
        "BadRequest",
        `Invalid aggregation '${a}': valid values are ${AGGREGATIONS.join(", ")}.`,
      );
    }
  }
  const value = names.map((name) => {
    const def = defs.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!def) {
      throw new ArmHttpError(
        400,
        "BadRequest",
        `Failed to find metric configuration for provider: ${namespace.split("/")[0]}, resource Type: ${namespace.split("/")[1]}, metric: ${name}, Valid metrics: ${defs.map((d) => d.name).join(",")}`,
      );
    }
    const aggs = (askedAggs.length > 0 ? askedAggs : [def.primaryAggregation]) as Aggregation[];
    const series = state.metricSeries(q.resourceId, def.name);
    const timeseries = series
      ? [{ metadatavalues: [], data: buckets(series.points, start, end, interval, aggs) }]
      : [];
    return {
      id: `${q.resourceId}/providers/Microsoft.Insights/metrics/${def.name}`,
      type: "Microsoft.Insights/metrics",
      name: { value: def.name, localizedValue: def.localizedName },
      displayDescription: def.description,
      unit: series?.unit ?? def.unit,
      timeseries,
      errorCode: "Success",
    };
  });
  return {
    cost: 0,
    timespan: `${iso(start)}/${iso(end)}`,
    interval: intervalText.toUpperCase(),
    value,
    namespace,
    resourceregion: q.location,
  };
}

function buckets(
  points: readonly { timeStamp: string; value: number }[],
  start: number,
  end: number,
  interval: number,
  aggs: readonly Aggregation[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let t = start; t < end; t += interval) {
    const values = points
      .filter((p) => {
        const ts = Date.parse(p.timeStamp);
        return ts >= t && ts < Math.min(t + interval, end);
      })
      .map((p) => p.value);
    const row: Record<string, unknown> = { timeStamp: iso(t) };
    for (const a of aggs) {
      // Azure reports an empty interval as total/count 0 and leaves the other aggregations out.
      if (a === "total") row["total"] = values.reduce((x, y) => x + y, 0);
      else if (a === "count") row["count"] = values.length;
      else if (values.length > 0) {
        if (a === "average") row["average"] = values.reduce((x, y) => x + y, 0) / values.length;
        if (a === "minimum") row["minimum"] = Math.min(...values);
        if (a === "maximum") row["maximum"] = Math.max(...values);
      }
    }
    out.push(row);
  }
  return out;
}
