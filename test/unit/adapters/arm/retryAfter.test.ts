/**
 * Retry-After parsing: both forms RFC 9110 allows (delta-seconds, HTTP-date in its three spellings), the
 * millisecond headers ARM adds, and the bounds that keep a poll loop from spinning or parking.
 */
import {
  DEFAULT_RETRY_AFTER_MAX_IN_MS,
  DEFAULT_RETRY_AFTER_MIN_IN_MS,
  parseRetryAfter,
  parseRetryAfterMs,
  retryAfterFromHeaders,
} from "../../../../src/adapters/arm/retryAfter";

const NOW = Date.parse("2026-10-21T07:28:00Z");
const MIN = DEFAULT_RETRY_AFTER_MIN_IN_MS;
const MAX = DEFAULT_RETRY_AFTER_MAX_IN_MS;

describe("parseRetryAfter (default bounds: 1 s floor, 60 s ceiling)", () => {
  test.each<[string, string | undefined, number | undefined]>([
    ["absent", undefined, undefined],
    ["empty", "", undefined],
    ["delta-seconds", "10", 10_000],
    ["delta-seconds with spaces", " 7 ", 7_000],
    ["zero is floored", "0", MIN],
    ["huge delta is capped", "86400", MAX],
    ["negative is unreadable", "-5", undefined],
    ["fraction is unreadable", "1.5", undefined],
    ["garbage", "soon", undefined],
    ["IMF-fixdate 20 s ahead", "Wed, 21 Oct 2026 07:28:20 GMT", 20_000],
    ["IMF-fixdate in the past is floored", "Wed, 21 Oct 2026 07:27:00 GMT", MIN],
    ["IMF-fixdate equal to now is floored", "Wed, 21 Oct 2026 07:28:00 GMT", MIN],
    ["IMF-fixdate a day ahead is capped", "Thu, 22 Oct 2026 07:28:00 GMT", MAX],
    ["RFC 850 date 5 s ahead", "Wednesday, 21-Oct-26 07:28:05 GMT", 5_000],
    ["asctime (no zone: GMT) 3 s ahead", "Wed Oct 21 07:28:03 2026", 3_000],
    ["day name without a date", "Wed, tomorrow", undefined],
    ["overlong value", `Wed, ${"9".repeat(100)}`, undefined],
  ])("%s: %p -> %p", (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  test.each<[string, number, number, number]>([
    ["a custom floor applies to small values", 0, 50, 50],
    ["a custom floor of 0 keeps 0", 0, 0, 0],
    ["a custom ceiling applies to big values", 120, 0, 30_000],
  ])("%s", (_name, seconds, minInMs, expected) => {
    expect(parseRetryAfter(String(seconds), NOW, { minInMs, maxInMs: 30_000 })).toBe(expected);
  });
});

describe("millisecond headers", () => {
  test.each<[string | undefined, number | undefined]>([
    ["250", MIN],
    ["2500", 2_500],
    ["abc", undefined],
    [undefined, undefined],
  ])("retry-after-ms %p -> %p", (value, expected) => {
    expect(parseRetryAfterMs(value)).toBe(expected);
  });

  test("ms headers win over Retry-After; an unreadable one falls through to the next", () => {
    const headers = (h: Record<string, string>) => (n: string) => h[n];
    expect(retryAfterFromHeaders(headers({ "retry-after-ms": "3000", "retry-after": "9" }), NOW)).toBe(3_000);
    expect(retryAfterFromHeaders(headers({ "x-ms-retry-after-ms": "4000" }), NOW)).toBe(4_000);
    expect(retryAfterFromHeaders(headers({ "retry-after-ms": "x", "retry-after": "9" }), NOW)).toBe(9_000);
    expect(retryAfterFromHeaders(headers({}), NOW)).toBeUndefined();
  });
});
