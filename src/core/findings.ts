/**
 * Findings: what a check reports about one resource, with a stable id so that state kept between sweeps
 * can tell a new problem (opened) from a fixed one (resolved) instead of repeating every finding every run.
 *
 * Shared contract between the checks (H4a) and the sweep runner / finding store (H4b): change only additively.
 */
import { normalizeResourceId } from "./resourceId";

export type Severity = "error" | "warning" | "info";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface Finding {
  id: string;
  checkId: string;
  severity: Severity;
  resourceId: string;
  message: string;
  remediation: string;
  docUrl: string;
  /** ISO 8601: the sweep that first saw it (kept across sweeps while it stays open). */
  firstSeen: string;
  /** ISO 8601: the latest sweep that saw it. */
  lastSeen: string;
}

export type NewFinding = Omit<Finding, "firstSeen" | "lastSeen">;

export type Transition = "opened" | "resolved" | "unchanged";

/**
 * 64-bit FNV-1a over the UTF-16LE bytes of the text, as 16 hex digits. Not cryptographic: the id only has to be
 * stable and collision-free across the few thousand findings of one estate, and core stays free of node:crypto.
 */
export function fnv1a64(text: string): string {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Both bytes of the code unit, so non-ASCII names hash as distinctly as ASCII ones.
    hash = ((hash ^ BigInt(unit & 0xff)) * prime) & mask;
    hash = ((hash ^ BigInt(unit >> 8)) * prime) & mask;
  }
  return hash.toString(16).padStart(16, "0");
}

/**
 * Stable id of a finding: the same check on the same resource (ARM IDs compare case-insensitively) with the
 * same discriminator always gets the same id, whatever the message says this time.
 */
export function findingId(checkId: string, resourceId: string, discriminator?: string): string {
  const key = [checkId, normalizeResourceId(resourceId), (discriminator ?? "").toLowerCase()].join("\n");
  return `${checkId}:${fnv1a64(key)}`;
}

export interface DiffOptions {
  /**
   * True for a finding this sweep could not judge: its scope could not be read or its check threw (see
   * core/degraded.ts). Such a finding that was open is carried forward exactly as it was stored (firstSeen,
   * lastSeen, message): never resolved, never re-opened. One seen now that was not open is withheld: not
   * opened, not saved, until a sweep that can read its scope sees it.
   */
  covered?: (f: { checkId: string; resourceId: string; message: string }) => boolean;
}

export interface FindingsDiff {
  /** The open set to save: current findings plus the carried-forward ones. */
  open: Finding[];
  opened: Finding[];
  resolved: Finding[];
  /** Open before, covered by a failure now: kept as they were (a subset of `open`). */
  carried: Finding[];
  /** Seen now in a covered scope or check, not open before: reported once a clean sweep sees them. */
  withheld: NewFinding[];
}

/**
 * Compares the findings open before this sweep with the ones this sweep found.
 * - open: every current finding; firstSeen kept from the previous sweep when it was already open, lastSeen = now.
 * - opened: current findings that were not open before.
 * - resolved: previous findings this sweep no longer sees (kept as they were last seen).
 * Severity, message and remediation come from the current run: a check may reword or re-grade a finding.
 * With `covered`, a degraded sweep changes nothing where it was blind (see DiffOptions).
 */
export function diffFindings(
  previous: readonly Finding[],
  current: readonly NewFinding[],
  now: string,
  options: DiffOptions = {},
): FindingsDiff {
  const covered = options.covered ?? (() => false);
  const before = new Map(previous.map((f) => [f.id, f]));
  const seen = new Set<string>();
  const open: Finding[] = [];
  const opened: Finding[] = [];
  const carried: Finding[] = [];
  const withheld: NewFinding[] = [];
  for (const f of current) {
    // A check that reports the same resource twice yields one finding, not two with one id.
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    const prior = before.get(f.id);
    if (covered(f)) {
      if (prior) {
        open.push(prior);
        carried.push(prior);
      } else withheld.push(f);
      continue;
    }
    const finding: Finding = { ...f, firstSeen: prior?.firstSeen ?? now, lastSeen: now };
    open.push(finding);
    if (!prior) opened.push(finding);
  }
  const resolved: Finding[] = [];
  for (const f of previous) {
    if (seen.has(f.id)) continue;
    if (covered(f)) {
      open.push(f);
      carried.push(f);
    } else resolved.push(f);
  }
  return { open, opened, resolved, carried, withheld };
}

/** The transition of one finding id between two sweeps. */
export function transitionOf(
  id: string,
  previousIds: ReadonlySet<string>,
  currentIds: ReadonlySet<string>,
): Transition | undefined {
  const was = previousIds.has(id);
  const is = currentIds.has(id);
  if (is && !was) return "opened";
  if (was && !is) return "resolved";
  if (was && is) return "unchanged";
  return undefined;
}
