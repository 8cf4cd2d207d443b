/**
 * Scoring a chaos run against the sequential reference. Pure functions over snapshots of connection
 * states, so they are tested with hand-made snapshots (test/integration/chaos).
 *
 * Which connection of a capped target gets the last free slot depends on the order events arrive in, so
 * connections are compared in groups of interchangeable ones: same target, same requester subscription,
 * same request message. Within a group the policy cannot tell connections apart, so the run must produce
 * the same number of each outcome (status and deciding rule) as the reference.
 */

export interface ConnectionSnapshot {
  id: string;
  targetId: string;
  status: string;
  description?: string;
  /** What makes connections interchangeable for the policy (requester subscription + request message). */
  requesterKey: string;
}

export interface TargetLimit {
  id: string;
  /** The approved count linkgate must never exceed; undefined when uncapped. */
  limit?: number;
}

export interface WriteRecord {
  path: string;
  before?: string;
  after?: string;
  beforeDescription?: string;
  afterDescription?: string;
}

/** The rule that decided a connection, from the `[linkgate:RULE]` marker linkgate writes, or "-". */
export function ruleOf(description: string | undefined): string {
  const m = /^\[linkgate:([^\]]*)\]/.exec(description ?? "");
  return m ? (m[1] ?? "-") : "-";
}

export function outcomeOf(c: Pick<ConnectionSnapshot, "status" | "description">): string {
  return c.status === "Pending" ? "Pending" : `${c.status}:${ruleOf(c.description)}`;
}

function groups(connections: readonly ConnectionSnapshot[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const c of connections) {
    const key = `${c.targetId.toLowerCase()}|${c.requesterKey}`;
    const g = out.get(key) ?? new Map<string, number>();
    const o = outcomeOf(c);
    g.set(o, (g.get(o) ?? 0) + 1);
    out.set(key, g);
  }
  return out;
}

export interface Comparison {
  /** Connections the run decided (status no longer Pending) among those compared. */
  decided: number;
  /** Connections decided otherwise than the reference (a different status or rule). */
  wrong: number;
  /** Of `wrong`, those approved where the reference did not approve. */
  wrongApprovals: number;
  /** Connections the reference decided that the run left Pending. */
  lost: number;
}

/**
 * Compares the run's final states with the reference's, over the connections that were Pending at the
 * start (`run` and `reference` hold the same connection IDs).
 */
export function compareWithReference(
  run: readonly ConnectionSnapshot[],
  reference: readonly ConnectionSnapshot[],
): Comparison {
  const a = groups(run);
  const b = groups(reference);
  let wrong = 0;
  let wrongApprovals = 0;
  let lost = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const got = a.get(key) ?? new Map<string, number>();
    const want = b.get(key) ?? new Map<string, number>();
    for (const outcome of new Set([...got.keys(), ...want.keys()])) {
      const excess = Math.max(0, (got.get(outcome) ?? 0) - (want.get(outcome) ?? 0));
      if (outcome === "Pending") lost += excess;
      else {
        wrong += excess;
        if (outcome.startsWith("Approved")) wrongApprovals += excess;
      }
    }
  }
  return { decided: run.filter((c) => c.status !== "Pending").length, wrong, wrongApprovals, lost };
}

/** Approved connections beyond each target's limit, summed over targets (all connections of the target). */
export function capOverruns(all: readonly ConnectionSnapshot[], targets: readonly TargetLimit[]): number {
  const approved = new Map<string, number>();
  for (const c of all) {
    if (c.status !== "Approved") continue;
    const k = c.targetId.toLowerCase();
    approved.set(k, (approved.get(k) ?? 0) + 1);
  }
  let over = 0;
  for (const t of targets) {
    if (t.limit === undefined) continue;
    over += Math.max(0, (approved.get(t.id.toLowerCase()) ?? 0) - t.limit);
  }
  return over;
}

/**
 * Writes that changed a connection that was no longer Pending (its status or description): someone's
 * decision overwritten, or ours replaced by a second one. A write that leaves status and description as they
 * were (a long-running write completing, a repeat of the same decision) changes no decision.
 */
export function doubleWrites(writes: readonly WriteRecord[]): number {
  return writes.filter(
    (w) =>
      w.before !== undefined &&
      w.before !== "Pending" &&
      (w.after !== w.before || w.afterDescription !== w.beforeDescription),
  ).length;
}

export interface AuditRecord {
  connectionId: string;
  action: string;
}

/**
 * Connections linkgate decided in ARM (its marker in the description) for which no `LinkGate.Decision`
 * with the matching action was received: decisions without an audit record.
 */
export function unaudited(run: readonly ConnectionSnapshot[], audit: readonly AuditRecord[]): number {
  const seen = new Set(audit.map((a) => `${a.connectionId.toLowerCase()}|${a.action}`));
  let missing = 0;
  for (const c of run) {
    if (c.status === "Pending" || ruleOf(c.description) === "-") continue;
    const action = c.status === "Approved" ? "approve" : c.status === "Rejected" ? "reject" : "";
    if (!seen.has(`${c.id.toLowerCase()}|${action}`)) missing++;
  }
  return missing;
}

export interface Row {
  scenario: string;
  events: number;
  workers: number;
  decisions: number;
  wrong: number;
  overruns: number;
  doubleWrites: number;
  lost: number;
  crashes: number;
  wallMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** The columns that must be zero. */
export const MUST_BE_ZERO = ["wrong", "overruns", "doubleWrites", "lost", "crashes"] as const;

export function failures(row: Row): number {
  return MUST_BE_ZERO.filter((k) => row[k] !== 0).length;
}

export function formatTable(rows: readonly Row[]): string {
  const header = [
    "scenario",
    "events",
    "workers",
    "decisions",
    "wrong",
    "overruns",
    "double writes",
    "lost",
    "crashes",
    "wall time",
    "p50 / p99 per delivery",
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.events),
    String(r.workers),
    String(r.decisions),
    String(r.wrong),
    String(r.overruns),
    String(r.doubleWrites),
    String(r.lost),
    String(r.crashes),
    `${(r.wallMs / 1000).toFixed(1)} s`,
    `${Math.round(r.p50Ms)} / ${Math.round(r.p99Ms)} ms`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${"-".repeat(w)}-` : `-${"-".repeat(w)}:`)).join("|")}|`;
  let passed = 0;
  let failed = 0;
  for (const r of rows) {
    const f = failures(r);
    failed += f;
    passed += MUST_BE_ZERO.length - f;
  }
  return [line(header), rule, ...body.map(line), "", `${passed} passed, ${failed} failed`].join("\n");
}
