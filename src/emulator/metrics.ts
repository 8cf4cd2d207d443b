/**
 * Azure Monitor metrics for Private Link, per resource (`GET {resourceId}/providers/Microsoft.Insights/metrics`,
 * in the shape of the published example GetMetric.json) and in batches (`metrics:getBatch`, below): seeded raw
 * samples are bucketed by `interval` over the window and aggregated as asked.
 */
import { ArmHttpError, badRequest } from "./errors";
import { fullType, parseArmPath } from "./paths";
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

function parseInterval(text: string): number {
  const interval = parseDurationMs(text);
  if (interval === undefined) {
    throw badRequest(
      "BadRequest",
      `Invalid interval '${text}': expected an ISO 8601 duration such as PT1M, PT5M, PT1H or P1D.`,
    );
  }
  return interval;
}

/** `metricnames`, comma-separated and required (each name is checked against `defs` when it is served). */
function parseMetricNames(value: string | null, defs: readonly MetricDefinition[]): string[] {
  const names = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) {
    throw badRequest(
      "BadRequest",
      `Query parameter 'metricnames' is required. Valid metrics: ${defs.map((d) => d.name).join(", ")}`,
    );
  }
  return names;
}

function parseAggregations(value: string | null): Aggregation[] {
  const asked = (value ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const a of asked) {
    if (!AGGREGATIONS.includes(a as Aggregation)) {
      throw badRequest(
        "BadRequest",
        `Invalid aggregation '${a}': valid values are ${AGGREGATIONS.join(", ")}.`,
      );
    }
  }
  return asked as Aggregation[];
}

/** One resource's `value` array: the asked metrics, bucketed over the window. */
function metricEntries(
  state: EmulatorState,
  resourceId: string,
  namespace: string,
  defs: readonly MetricDefinition[],
  names: readonly string[],
  window: { start: number; end: number; interval: number },
  askedAggs: readonly Aggregation[],
): Record<string, unknown>[] {
  return names.map((name) => {
    const def = defs.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!def) {
      throw new ArmHttpError(
        400,
        "BadRequest",
        `Failed to find metric configuration for provider: ${namespace.split("/")[0]}, resource Type: ${namespace.split("/")[1]}, metric: ${name}, Valid metrics: ${defs.map((d) => d.name).join(",")}`,
      );
    }
    const aggs = askedAggs.length > 0 ? askedAggs : [def.primaryAggregation];
    const series = state.metricSeries(resourceId, def.name);
    const timeseries = series
      ? [
          {
            metadatavalues: [],
            data: buckets(series.points, window.start, window.end, window.interval, aggs),
          },
        ]
      : [];
    return {
      id: `${resourceId}/providers/Microsoft.Insights/metrics/${def.name}`,
      type: "Microsoft.Insights/metrics",
      name: { value: def.name, localizedValue: def.localizedName },
      displayDescription: def.description,
      unit: series?.unit ?? def.unit,
      timeseries,
      errorCode: "Success",
    };
  });
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
  const names = parseMetricNames(q.params.get("metricnames"), defs);
  const { start, end } = parseTimespan(q.params.get("timespan"), q.now);
  const intervalText = q.params.get("interval") ?? "PT1M";
  const interval = parseInterval(intervalText);
  const askedAggs = parseAggregations(q.params.get("aggregation"));
  const value = metricEntries(
    state,
    q.resourceId,
    namespace,
    defs,
    names,
    { start, end, interval },
    askedAggs,
  );
  return {
    cost: 0,
    timespan: `${iso(start)}/${iso(end)}`,
    interval: intervalText.toUpperCase(),
    value,
    namespace,
    resourceregion: q.location,
  };
}

/**
 * Azure Monitor's metrics batch (`POST /subscriptions/{id}/metrics:getBatch`, data-plane spec
 * Microsoft.Insights/stable/2024-02-01/metricBatch.json), which Azure serves on a regional host
 * (`https://{region}.metrics.monitor.azure.com`) and the emulator on its own. What the service documents
 * is enforced, so a client that batches wrongly fails here as it would there: up to 50 resources, all in
 * the path's subscription, of the `metricnamespace` type and in one region. Anything else the emulator
 * does not serve (filter, top, orderby, rollupby, a `timespan` instead of starttime/endtime) is a 400
 * naming it, never silently ignored.
 */
export const METRICS_BATCH_API_VERSIONS: readonly string[] = ["2024-02-01", "2023-10-01"];
export const METRICS_BATCH_MAX_RESOURCES = 50;
const BATCH_PATH = /^\/subscriptions\/([^/]+)\/metrics:getbatch$/i;
const BATCH_PARAMS = [
  "api-version",
  "starttime",
  "endtime",
  "interval",
  "metricnamespace",
  "metricnames",
  "aggregation",
];
const BATCH_UNSERVED = ["top", "orderby", "filter", "rollupby"];

/** The subscription of a metrics batch path, or undefined when `pathname` is not one. */
export function metricsBatchSubscription(pathname: string): string | undefined {
  return BATCH_PATH.exec(pathname)?.[1];
}

export interface MetricsBatchQuery {
  subscriptionId: string;
  params: URLSearchParams;
  body: unknown;
  now: Date;
  /** The resource's ID (as stored) and location slug, or undefined when it does not exist. */
  locate(resourceId: string): { id: string; location: string } | undefined;
}

function parseBatchTime(name: string, value: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw badRequest(
      "BadRequest",
      `Invalid ${name} '${value}': expected an ISO 8601 date-time such as 2024-01-01T00:00:00.000Z.`,
    );
  }
  return t;
}

export function queryMetricsBatch(state: EmulatorState, q: MetricsBatchQuery): Record<string, unknown> {
  const p = q.params;
  const version = p.get("api-version");
  if (!version || !METRICS_BATCH_API_VERSIONS.includes(version)) {
    throw badRequest(
      "InvalidApiVersionParameter",
      `The api-version '${version ?? ""}' is not served for metrics:getBatch; supported: ${METRICS_BATCH_API_VERSIONS.join(", ")}.`,
    );
  }
  for (const key of new Set(p.keys())) {
    const k = key.toLowerCase();
    if (BATCH_UNSERVED.includes(k))
      throw badRequest(
        "BadRequest",
        `Query parameter '${key}' is not served by the emulator's metrics:getBatch.`,
      );
    if (!BATCH_PARAMS.includes(k))
      throw badRequest(
        "BadRequest",
        `Query parameter '${key}' is not a metrics:getBatch parameter (expected ${BATCH_PARAMS.join(", ")}).`,
      );
  }
  const body = q.body;
  const ids =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)["resourceids"]
      : undefined;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === "string" && i !== "")) {
    throw badRequest(
      "BadRequest",
      `The request body must be {"resourceids": ["<resource ID>", ...]} with 1 to ${METRICS_BATCH_MAX_RESOURCES} resource IDs.`,
    );
  }
  if (ids.length > METRICS_BATCH_MAX_RESOURCES) {
    throw badRequest(
      "BadRequest",
      `A metrics batch takes at most ${METRICS_BATCH_MAX_RESOURCES} resource IDs; this one has ${ids.length}.`,
    );
  }
  const namespace = p.get("metricnamespace") ?? "";
  const defs = METRIC_DEFINITIONS[namespace.toLowerCase()];
  if (!defs) {
    throw badRequest(
      "BadRequest",
      `Query parameter 'metricnamespace' is ${namespace ? `'${namespace}', which the emulator does not serve` : "required"}: use Microsoft.Network/privateLinkServices or Microsoft.Network/privateEndpoints.`,
    );
  }
  const names = parseMetricNames(p.get("metricnames"), defs);
  const startText = p.get("starttime");
  const endText = p.get("endtime");
  if (endText && !startText)
    throw badRequest("BadRequest", "Query parameter 'starttime' is required when 'endtime' is given.");
  const end = endText ? parseBatchTime("endtime", endText) : q.now.getTime();
  const start = startText ? parseBatchTime("starttime", startText) : end - 3600_000;
  if (end <= start)
    throw badRequest(
      "BadRequest",
      `starttime '${startText ?? ""}' must be before endtime '${endText ?? ""}'.`,
    );
  const intervalText = (p.get("interval") ?? "PT1M").toUpperCase();
  const interval = intervalText === "FULL" ? end - start : parseInterval(intervalText);
  const aggs = parseAggregations(p.get("aggregation"));

  const located = (ids as string[]).map((rid) => {
    // Read as every route reads an ID (paths.ts): any casing, trailing slashes dropped.
    const id = parseArmPath(rid);
    if (id.subscriptionId?.toLowerCase() !== q.subscriptionId.toLowerCase()) {
      throw badRequest(
        "BadRequest",
        `Resource '${rid}' is not in subscription '${q.subscriptionId}': a metrics batch covers one subscription.`,
      );
    }
    if (fullType(id).toLowerCase() !== namespace.toLowerCase() || id.names.length !== id.types.length) {
      throw badRequest(
        "BadRequest",
        `Resource '${rid}' is not of type '${namespace}' (metricnamespace): a metrics batch covers one resource type.`,
      );
    }
    const found = q.locate(rid);
    if (!found) throw badRequest("BadRequest", `Resource '${rid}' was not found.`);
    return found;
  });
  const regions = new Set(located.map((r) => r.location));
  if (regions.size > 1) {
    throw badRequest(
      "BadRequest",
      `The resources of a metrics batch must share one region; this one spans ${[...regions].sort().join(", ")}.`,
    );
  }
  return {
    values: located.map((r) => ({
      starttime: new Date(start).toISOString(),
      endtime: new Date(end).toISOString(),
      interval: intervalText,
      namespace: namespace.toLowerCase(),
      resourceregion: r.location,
      resourceid: r.id,
      value: metricEntries(state, r.id, namespace, defs, names, { start, end, interval }, aggs),
    })),
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
