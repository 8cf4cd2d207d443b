/**
 * What linkgate asks Azure Monitor for and how a metric's time series becomes the inventory's MetricSummary.
 * The reads themselves go through the metrics batch API (batchMetrics.ts).
 */
import type { MetricSummary } from "../../core/inventory";

/** Private Link Service and private endpoint metrics the checks read (DESIGN.md). */
export const PLS_METRICS = ["PLSBytesIn", "PLSBytesOut", "PLSNatPortsUsage"] as const;
export const PE_METRICS = ["PEBytesIn", "PEBytesOut"] as const;

interface MetricValue {
  timeStamp?: string;
  total?: number;
  average?: number;
  maximum?: number;
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
