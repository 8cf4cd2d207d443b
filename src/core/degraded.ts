/**
 * A degraded sweep: what a sweep could not see, and so must not judge.
 *
 * When collection fails for part of the estate (Resource Graph 503 for a subscription, a 403 reading it, the
 * metrics API down, the DNS resolver timing out) or a check throws, the findings in that part look "fixed"
 * only because the sweep is blind there. Resolving them, then re-opening them on the next sweep, pages
 * on-call twice for nothing. This file turns a sweep's collection and check errors into a set of *taints*:
 * (subscription or everywhere) x (every check or some checks). A finding a taint covers is carried forward
 * exactly as the last clean sweep left it, and a new one there waits for a clean sweep to be reported.
 *
 * Which failure taints what:
 * - `scope` (a subscription could not be read, or a Resource Graph query for it failed): every check in that
 *   subscription; a management group's query failing taints everything (its subscriptions are unknown).
 * - `resource` (an ARM read of something the lists reference: load balancer, NIC, VNet, NSG, zone group):
 *   every check in the failed resource's subscription (those resources live with what references them).
 * - `dns-zone` (a private DNS zone, its A records or its VNet links): the DNS checks everywhere (hub zones
 *   serve endpoints in every subscription) and every check in the zone's subscription.
 * - `metrics` (Azure Monitor for one resource): the metric-based checks in that resource's subscription.
 * - `dns` (the live resolver failed, as opposed to answering NXDOMAIN): the live-resolution check everywhere.
 * - no kind (a collector that does not tag its errors): its scope's subscription if the scope names one,
 *   else everything. Unknown means blind, never clean.
 * - a check that threw: that check, everywhere.
 *
 * A finding about a resource in a clean subscription can still hinge on one in a blind subscription (a
 * consumer's endpoint naming a PLS that Resource Graph could not list "does not exist"). Checks name the
 * related resources in the message, so a finding whose message names a subscription blinded for every check
 * is covered too: over-covering only delays a transition by a sweep, under-covering pages on-call twice.
 */
import type { CollectionError } from "./inventory";

/** The checks that read Azure Monitor metrics: a metrics failure taints only these. */
export const METRIC_CHECKS: readonly string[] = [
  "pe-no-traffic",
  "pls-no-traffic",
  "pls-nat-port-usage-high",
];

/** The checks that read private DNS zones, their records and links, or live DNS answers. */
export const DNS_CHECKS: readonly string[] = [
  "pe-dns-live-resolution",
  "pe-dns-record-mismatch",
  "pe-dns-zone-not-linked",
  "pe-no-dns-zone-group",
];

/** The check that reads live DNS answers from the resolver. */
export const LIVE_DNS_CHECKS: readonly string[] = ["pe-dns-live-resolution"];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Failed scopes or checks named in telemetry and summaries: past this, "… and N more". */
export const MAX_LISTED = 20;

export interface Taint {
  /** Lower-case subscription id; undefined: every subscription. */
  subscriptionId?: string;
  /** Check ids; undefined: every check. */
  checks?: readonly string[];
  /** What failed, for people: a subscription, a management group, a resource, a check. */
  label: string;
}

export interface Degradation {
  degraded: boolean;
  taints: Taint[];
  /** Distinct failed scopes (with what was lost there), bounded to MAX_LISTED plus a count line. */
  failedScopes: string[];
  /** Distinct checks that threw, bounded likewise. */
  failedChecks: string[];
  /** True when the sweep could not judge this finding (its scope or its check failed, or it names a blind subscription). */
  covers(f: { checkId: string; resourceId: string; message?: string }): boolean;
}

/** The subscription an ID or ARM path is under (extension paths such as `.../providers/Microsoft.Insights/metrics` too). */
function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id.trim())?.[1]?.toLowerCase();
}

function isDnsZonePath(scope: string): boolean {
  return /\/providers\/microsoft\.network\/privatednszones\//i.test(scope);
}

function taintsOfCollectionError(e: CollectionError): Taint[] {
  const sub = subscriptionOf(e.scope);
  switch (e.kind) {
    case "metrics":
      return [{ subscriptionId: sub, checks: METRIC_CHECKS, label: `${scopeLabel(e.scope, sub)} (metrics)` }];
    case "dns":
      return [{ checks: LIVE_DNS_CHECKS, label: "live DNS resolution" }];
    case "dns-zone":
      return [
        { checks: DNS_CHECKS, label: "private DNS (every subscription)" },
        ...(sub ? [{ subscriptionId: sub, label: `/subscriptions/${sub}` }] : []),
      ];
    case "scope":
    case "resource":
    default:
      // A management group, or anything that names no subscription: blind everywhere.
      if (!sub) return [{ label: e.scope || "(unknown scope)" }];
      // A DNS zone read without a kind: treat it as `dns-zone` (the zone may serve other subscriptions).
      if (e.kind === undefined && isDnsZonePath(e.scope))
        return taintsOfCollectionError({ ...e, kind: "dns-zone" });
      return [{ subscriptionId: sub, label: `/subscriptions/${sub}` }];
  }
}

function scopeLabel(scope: string, sub: string | undefined): string {
  return sub ? `/subscriptions/${sub}` : scope;
}

/** At most MAX_LISTED entries, then one "… and N more". */
export function bounded(items: readonly string[], max = MAX_LISTED): string[] {
  return items.length <= max ? [...items] : [...items.slice(0, max), `… and ${items.length - max} more`];
}

export function degradationOf(
  collectionErrors: readonly CollectionError[],
  checkErrors: readonly { checkId: string }[],
  knownCheckIds?: ReadonlySet<string>,
): Degradation {
  const taints: Taint[] = collectionErrors.flatMap(taintsOfCollectionError);
  // A selection typo is reported as a check error too, but no such check ran: nothing of it to carry.
  const failedCheckIds = [
    ...new Set(checkErrors.map((e) => e.checkId).filter((id) => !knownCheckIds || knownCheckIds.has(id))),
  ];
  for (const id of failedCheckIds) taints.push({ checks: [id], label: `check ${id}` });

  const everywhere = taints.some((t) => t.subscriptionId === undefined && t.checks === undefined);
  const allChecksIn = new Set<string>();
  const checksEverywhere = new Set<string>();
  const checksIn = new Map<string, Set<string>>();
  for (const t of taints) {
    if (t.subscriptionId === undefined && t.checks) for (const c of t.checks) checksEverywhere.add(c);
    else if (t.subscriptionId !== undefined && t.checks === undefined) allChecksIn.add(t.subscriptionId);
    else if (t.subscriptionId !== undefined && t.checks) {
      const set = checksIn.get(t.subscriptionId) ?? new Set<string>();
      for (const c of t.checks) set.add(c);
      checksIn.set(t.subscriptionId, set);
    }
  }
  const failedScopes = [...new Set(taints.filter((t) => !t.label.startsWith("check ")).map((t) => t.label))];
  return {
    degraded: taints.length > 0,
    taints,
    failedScopes: bounded(failedScopes),
    failedChecks: bounded(failedCheckIds),
    covers(f) {
      if (everywhere) return true;
      if (checksEverywhere.has(f.checkId)) return true;
      // A finding whose resource names no subscription cannot be placed: covered by any subscription taint.
      const sub = subscriptionOf(f.resourceId);
      if (!sub) return allChecksIn.size > 0 || [...checksIn.values()].some((s) => s.has(f.checkId));
      if (allChecksIn.has(sub)) return true;
      if (checksIn.get(sub)?.has(f.checkId)) return true;
      const message = f.message?.toLowerCase();
      return !!message && [...allChecksIn].some((s) => GUID.test(s) && message.includes(s));
    },
  };
}

/** Nothing failed. */
export const CLEAN: Degradation = degradationOf([], []);
