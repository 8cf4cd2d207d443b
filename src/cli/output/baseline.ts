/**
 * Baseline files (`linkgate sweep --baseline FILE`, `--write-baseline FILE`): findings a team has accepted, by
 * (check id, resource ID), each with a reason and an optional expiry date, for resources that cannot carry the
 * suppression tag. An accepted finding is left out of the report and the gate; an expired entry accepts
 * nothing and is named on stderr so it gets renewed or fixed. YAML (or JSON):
 *
 *   apiVersion: linkgate/baseline-v1
 *   accepted:
 *     - checkId: pls-lb-not-standard
 *       resourceId: /subscriptions/.../privateLinkServices/pls-basic
 *       reason: Basic LB until the Q3 migration (CHG0012345)
 *       expires: 2026-09-30        # optional, YYYY-MM-DD (UTC, end of day)
 */
import { parseDocument, stringify } from "yaml";
import type { Finding } from "../../core/findings";
import { normalizeResourceId } from "../../core/resourceId";
import type { AcceptedFinding } from "./view";

export const BASELINE_API_VERSION = "linkgate/baseline-v1";
/** Bound on entries (an outsider may hand us the file in CI). */
export const BASELINE_MAX_ENTRIES = 10_000;

export interface BaselineEntry {
  checkId: string;
  resourceId: string;
  reason: string;
  expires?: string;
}

const key = (checkId: string, resourceId: string) =>
  `${checkId.toLowerCase()}\n${normalizeResourceId(resourceId)}`;

export function parseBaseline(
  text: string,
  file: string,
): { entries: BaselineEntry[] } | { errors: string[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, version: "1.2" });
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => `${file}: ${e.message.split("\n")[0]}`) };
  const value = doc.toJS({ maxAliasCount: 10 }) as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      errors: [`${file}: must be a mapping with apiVersion: ${BASELINE_API_VERSION} and accepted: [...]`],
    };
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  if (v["apiVersion"] !== BASELINE_API_VERSION)
    errors.push(
      `${file}: apiVersion must be ${BASELINE_API_VERSION} (got ${JSON.stringify(v["apiVersion"])})`,
    );
  const list = v["accepted"];
  if (!Array.isArray(list)) return { errors: [...errors, `${file}: accepted must be a list`] };
  if (list.length > BASELINE_MAX_ENTRIES)
    return { errors: [...errors, `${file}: ${list.length} entries; at most ${BASELINE_MAX_ENTRIES}`] };
  const entries: BaselineEntry[] = [];
  list.forEach((raw: unknown, i) => {
    const at = `${file}: accepted[${i}]`;
    if (typeof raw !== "object" || raw === null) return errors.push(`${at}: must be a mapping`);
    const e = raw as Record<string, unknown>;
    const unknownKeys = Object.keys(e).filter(
      (k) => !["checkId", "resourceId", "reason", "expires"].includes(k),
    );
    if (unknownKeys.length > 0) errors.push(`${at}: unknown key(s) ${unknownKeys.join(", ")}`);
    for (const k of ["checkId", "resourceId", "reason"])
      if (typeof e[k] !== "string" || (e[k] as string).trim() === "")
        errors.push(`${at}.${k}: a non-empty string is required`);
    const expires = e["expires"];
    if (
      expires !== undefined &&
      (typeof expires !== "string" ||
        !/^\d{4}-\d{2}-\d{2}$/.test(expires) ||
        Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))
    )
      errors.push(`${at}.expires: must be a date YYYY-MM-DD (quote it in YAML)`);
    if (
      typeof e["checkId"] === "string" &&
      typeof e["resourceId"] === "string" &&
      typeof e["reason"] === "string"
    )
      entries.push({
        checkId: e["checkId"],
        resourceId: e["resourceId"],
        reason: e["reason"],
        ...(typeof expires === "string" ? { expires } : {}),
      });
  });
  return errors.length > 0 ? { errors } : { entries };
}

export function isExpired(e: BaselineEntry, now: Date): boolean {
  return e.expires !== undefined && Date.parse(`${e.expires}T23:59:59.999Z`) < now.getTime();
}

/** Splits findings into the ones still reported and the ones the baseline accepts; lists expired entries. */
export function applyBaseline(
  findings: readonly Finding[],
  entries: readonly BaselineEntry[],
  now: Date,
): { kept: Finding[]; accepted: AcceptedFinding[]; expired: BaselineEntry[] } {
  const live = new Map<string, BaselineEntry>();
  const expired: BaselineEntry[] = [];
  for (const e of entries) {
    if (isExpired(e, now)) expired.push(e);
    else live.set(key(e.checkId, e.resourceId), e);
  }
  const kept: Finding[] = [];
  const accepted: AcceptedFinding[] = [];
  for (const f of findings) {
    const e = live.get(key(f.checkId, f.resourceId));
    if (e) accepted.push({ finding: f, reason: e.reason, ...(e.expires ? { expires: e.expires } : {}) });
    else kept.push(f);
  }
  return { kept, accepted, expired };
}

/** What `--write-baseline` writes, and the entries that file holds (so the sweep need not read it back). */
export interface WrittenBaseline {
  text: string;
  /** As parseBaseline reads `text` back: none when it would refuse the file (too many entries, a blank field). */
  entries: BaselineEntry[];
  /** How many entries the baseline would hold when that is over BASELINE_MAX_ENTRIES (--baseline refuses it). */
  overLimit?: number;
}

/** Whether parseBaseline accepts these entries back (they came from findings or from a file it accepted). */
function readableBack(entries: readonly BaselineEntry[]): boolean {
  return (
    entries.length <= BASELINE_MAX_ENTRIES &&
    entries.every((e) => e.checkId.trim() !== "" && e.resourceId.trim() !== "" && e.reason.trim() !== "")
  );
}

/** A baseline accepting `findings` (deduplicated by check and resource), keeping reasons already written. */
export function writeBaseline(
  findings: readonly Finding[],
  previous: readonly BaselineEntry[],
  now: Date,
): string {
  return baselineFor(findings, previous, now).text;
}

/** writeBaseline's text with the entries it holds. */
export function baselineFor(
  findings: readonly Finding[],
  previous: readonly BaselineEntry[],
  now: Date,
): WrittenBaseline {
  const old = new Map(previous.map((e) => [key(e.checkId, e.resourceId), e]));
  const seen = new Set<string>();
  const accepted: BaselineEntry[] = [];
  for (const f of findings) {
    const k = key(f.checkId, f.resourceId);
    if (seen.has(k)) continue;
    seen.add(k);
    accepted.push(
      old.get(k) ?? {
        checkId: f.checkId,
        resourceId: f.resourceId,
        reason: `accepted by linkgate sweep --write-baseline on ${now.toISOString().slice(0, 10)}: replace with why`,
      },
    );
  }
  const text =
    "# linkgate sweep baseline: accepted findings by (checkId, resourceId). Give each a reason; `expires:\n" +
    "# YYYY-MM-DD` makes an entry lapse. Use with: linkgate sweep --baseline FILE\n" +
    stringify({ apiVersion: BASELINE_API_VERSION, accepted }, { lineWidth: 0 });
  return {
    text,
    entries: readableBack(accepted) ? accepted : [],
    ...(accepted.length > BASELINE_MAX_ENTRIES ? { overLimit: accepted.length } : {}),
  };
}
