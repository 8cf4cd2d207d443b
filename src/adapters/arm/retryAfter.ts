/**
 * `Retry-After` as servers send it: delta-seconds (`"10"`) or an HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`,
 * RFC 9110 §10.2.3, which also admits the obsolete RFC 850 and asctime forms). ARM also sends the
 * millisecond headers `retry-after-ms` / `x-ms-retry-after-ms` on throttling.
 *
 * The value is written by whoever answers, so it is bounded: a date in the past, `0` or a tiny value
 * become the floor (a poll loop must never spin), a far future becomes the ceiling (one answer must not
 * park us for hours). Unreadable values answer undefined so the caller keeps its own back-off.
 */

export interface RetryAfterBounds {
  /** Shortest wait. Default 1 s. */
  minInMs?: number;
  /** Longest wait. Default 60 s. */
  maxInMs?: number;
}

export const DEFAULT_RETRY_AFTER_MIN_IN_MS = 1_000;
export const DEFAULT_RETRY_AFTER_MAX_IN_MS = 60_000;

const DELTA_SECONDS = /^\d{1,10}$/;
/** IMF-fixdate, RFC 850 and asctime all start with a day name; Date.parse reads the three of them. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

function clamp(ms: number, bounds: RetryAfterBounds): number {
  const min = bounds.minInMs ?? DEFAULT_RETRY_AFTER_MIN_IN_MS;
  const max = Math.max(min, bounds.maxInMs ?? DEFAULT_RETRY_AFTER_MAX_IN_MS);
  return Math.min(Math.max(ms, min), max);
}

/**
 * Milliseconds to wait for a `Retry-After` value, bounded; undefined when the value is absent or unreadable.
 * `nowInMs` is the current time (epoch ms) against which an HTTP-date is measured.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowInMs: number,
  bounds: RetryAfterBounds = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === "" || v.length > 64) return undefined;
  if (DELTA_SECONDS.test(v)) return clamp(Number(v) * 1000, bounds);
  if (!HTTP_DATE.test(v)) return undefined;
  // asctime carries no zone; HTTP dates are always GMT (RFC 9110 §5.6.7).
  const at = Date.parse(/(GMT|UTC|[+-]\d{4})$/i.test(v) ? v : `${v} GMT`);
  if (!Number.isFinite(at)) return undefined;
  return clamp(at - nowInMs, bounds);
}

/** Milliseconds for `retry-after-ms` / `x-ms-retry-after-ms` (integer milliseconds), bounded. */
export function parseRetryAfterMs(
  value: string | null | undefined,
  bounds: RetryAfterBounds = {},
): number | undefined {
  const v = value?.trim();
  if (!v || !DELTA_SECONDS.test(v)) return undefined;
  return clamp(Number(v), bounds);
}

/** The wait a response asks for, from whichever of its retry headers is readable (ms headers first). */
export function retryAfterFromHeaders(
  get: (name: string) => string | null | undefined,
  nowInMs: number,
  bounds: RetryAfterBounds = {},
): number | undefined {
  return (
    parseRetryAfterMs(get("retry-after-ms"), bounds) ??
    parseRetryAfterMs(get("x-ms-retry-after-ms"), bounds) ??
    parseRetryAfter(get("retry-after"), nowInMs, bounds)
  );
}
