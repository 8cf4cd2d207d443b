import { createHash } from "node:crypto";
/** Helpers shared by the bench modes. */
import type { ServedExchange } from "../../src/emulator";

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

/**
 * A request's kind for the counts the bench prints: method and the resource type it addresses (its last
 * type segment), with the calls that are not resource reads named by their API.
 */
export function requestKind(e: ServedExchange): string {
  const p = e.path.toLowerCase();
  if (p.includes("/providers/microsoft.resourcegraph/resources")) return "POST resourceGraph";
  if (p.endsWith("/metrics:getbatch")) return `${e.method} metrics:getBatch`;
  if (p.includes("/providers/microsoft.insights/metrics")) return `${e.method} metrics (per resource)`;
  if (/^\/subscriptions\/[^/]+\/?$/.test(p)) return `${e.method} subscription`;
  if (/\/(operations|operationresults|operationstatuses)\//.test(p)) return `${e.method} operation poll`;
  const segs = p.split("/").filter(Boolean);
  const pi = segs.lastIndexOf("providers");
  const typed = pi >= 0 ? segs.slice(pi + 2) : [];
  // typed = [type, name, type, name, ...]; a collection ends in a type.
  const type = typed.length % 2 === 1 ? typed[typed.length - 1] : typed[typed.length - 2];
  return `${e.method} ${type ?? p}${typed.length % 2 === 1 ? " (list)" : ""}`;
}

/** The JSON line sweepChild.ts prints: what one single-process sweep did. */
export interface SweepChildResult {
  wallMs: number;
  maxRssKb: number;
  findings: string[];
  decisions: string[];
  collectionErrors: number;
  reconcileFailures: number;
  errors: string[];
}

/** A short, stable digest of a list (findings or decisions), for comparing runs at a glance. */
export function digest(lines: readonly string[]): string {
  return createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 12);
}
