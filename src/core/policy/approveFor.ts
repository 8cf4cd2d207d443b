/**
 * Time-bound approvals (`approveFor: P30D`): the duration's validation, the expiry it gives a decision, and
 * the expiry's round trip through the connection's description. The description is the record that must
 * suffice on its own (Table storage may be lost), so the expiry is written right after the `[linkgate:<rule>]`
 * marker, where truncation never reaches, in a form a human reads in the portal: `until 2026-12-31 14:00 UTC`.
 */
import { DateTime, Duration } from "luxon";

/** The longest a time-bound approval may run: a year (a leap year's 366 days included). */
export const APPROVE_FOR_MAX = "P1Y";
const YEAR_FROM = DateTime.fromISO("2000-01-01T00:00:00Z", { zone: "utc" });
const YEAR_TO = DateTime.fromISO("2001-01-01T00:00:00Z", { zone: "utc" });

/** Why `text` is not a usable `approveFor` duration; undefined when it is. */
export function approveForProblem(text: string): string | undefined {
  const d = Duration.fromISO(text);
  if (!d.isValid) {
    return `"${text}" is not an ISO-8601 duration like P30D, PT12H or P1M (${d.invalidExplanation ?? "unparsable"})`;
  }
  const end = YEAR_FROM.plus(d);
  if (end.toMillis() - YEAR_FROM.toMillis() < 60_000) {
    return `"${text}" is shorter than a minute: the expiry is written to the minute`;
  }
  if (end > YEAR_TO)
    return `"${text}" is longer than a year (${APPROVE_FOR_MAX}), the longest time-bound approval`;
  return undefined;
}

/**
 * When an approval decided at `at` under `approveFor` ends: rounded up to the whole minute, so the instant
 * written into the description is exactly the instant enforced. Undefined when either is unusable.
 */
export function expiryOf(at: string | undefined, approveFor: string): string | undefined {
  if (at === undefined || approveForProblem(approveFor) !== undefined) return undefined;
  const start = DateTime.fromISO(at, { zone: "utc" });
  if (!start.isValid) return undefined;
  const end = start.plus(Duration.fromISO(approveFor));
  const floor = end.startOf("minute");
  const up = floor.equals(end) ? floor : floor.plus({ minutes: 1 });
  return up.toISO({ suppressMilliseconds: true }) ?? undefined;
}

/** `until 2026-12-31 14:00 UTC`: what the portal shows after the marker. */
export function formatExpiry(expiresAt: string): string {
  const t = DateTime.fromISO(expiresAt, { zone: "utc" });
  return `until ${t.toFormat("yyyy-MM-dd HH:mm")} UTC`;
}

/** What linkgate's marker at the start of a description says: the rule, and the expiry when time-bound. */
export interface LinkgateMarker {
  readonly ruleId: string;
  /** ISO 8601 UTC; absent when the approval is not time-bound. */
  readonly expiresAt?: string;
}

const MARKER =
  /^\[linkgate:([a-z0-9]+(?:-[a-z0-9]+)*)\](?: until (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}) UTC)?/;

/**
 * Reads linkgate's marker from a connection description; undefined when the description carries none (a
 * human's or Azure auto-approval's). An expiry that is not a real instant (`2026-02-30 25:00`) makes the whole
 * marker unreadable rather than silently not time-bound: callers report it instead of trusting it.
 */
export function parseLinkgateDescription(description: string | undefined): LinkgateMarker | undefined {
  if (!description) return undefined;
  const m = MARKER.exec(description);
  if (!m || m[1] === undefined) return undefined;
  if (m[2] === undefined) return { ruleId: m[1] };
  const t = DateTime.fromObject(
    {
      year: Number(m[2]),
      month: Number(m[3]),
      day: Number(m[4]),
      hour: Number(m[5]),
      minute: Number(m[6]),
    },
    { zone: "utc" },
  );
  // Only what formatExpiry writes is read back: luxon would take 24:00 as the next day's 00:00.
  if (!t.isValid || formatExpiry(t.toISO() ?? "") !== m[0].slice(m[0].indexOf(" until ") + 1))
    return undefined;
  return { ruleId: m[1], expiresAt: t.toISO({ suppressMilliseconds: true }) ?? undefined };
}
