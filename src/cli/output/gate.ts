/**
 * Filters and the exit gate of `linkgate sweep`: --severity and --check narrow what is reported, --fail-on
 * decides which remaining finding fails the run (exit 1). The default gate is `error`, today's behaviour.
 */
import { SEVERITIES, type Finding, type Severity } from "../../core/findings";

export type FailOn = Severity | "none";
export const FAIL_ON: readonly FailOn[] = [...SEVERITIES, "none"];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Whether a finding of severity `s` fails a run gated at `failOn`. */
export function atOrAbove(s: Severity, failOn: FailOn): boolean {
  return failOn !== "none" && RANK[s] <= RANK[failOn];
}

export interface Filters {
  severities?: ReadonlySet<Severity>;
  checks?: ReadonlySet<string>;
}

export function applyFilters(findings: readonly Finding[], f: Filters): Finding[] {
  return findings.filter(
    (x) => (!f.severities || f.severities.has(x.severity)) && (!f.checks || f.checks.has(x.checkId)),
  );
}

/** Splits repeatable, comma-separated option values (`--check a,b --check c`). */
export function listOption(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function failed(findings: readonly Finding[], failOn: FailOn): boolean {
  return findings.some((f) => atOrAbove(f.severity, failOn));
}
