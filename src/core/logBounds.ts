/**
 * Bounds on what one log line may carry. Much of what linkgate logs comes from outside (resource IDs and
 * event ids from events, error texts from ARM): without a bound a 1 MB resource ID becomes a multi-MB log
 * line, and a list of 5,000 targets a 5,000-entry property. The loggers built in src/adapters/compose.ts
 * pass every message and property through these pure functions, so every caller gets them.
 *
 * - a string longer than `maxStringLength` is cut (on a code point boundary) and marked
 *   `… [truncated, N chars]` with its original length;
 * - an array keeps its first `maxArrayItems` items, then one `… N more item(s) not logged` item;
 * - an object keeps its first `maxObjectKeys` keys, then a `…` key saying how many were left out;
 * - nesting deeper than `maxDepth` becomes `[nested too deep]` (also ends cycles);
 * - once `lineBudget` characters were spent on a line, the remaining values become `[omitted: line budget]`.
 */
export interface LogLimits {
  readonly maxStringLength: number;
  readonly maxMessageLength: number;
  readonly maxArrayItems: number;
  readonly maxObjectKeys: number;
  readonly maxDepth: number;
  readonly lineBudget: number;
}

export const LOG_LIMITS: LogLimits = {
  maxStringLength: 1_024,
  // A message may name a couple of resource IDs and an ARM error text.
  maxMessageLength: 4_096,
  maxArrayItems: 32,
  maxObjectKeys: 64,
  maxDepth: 6,
  lineBudget: 16_384,
};

/** `s` cut to at most `max` UTF-16 units (never splitting a surrogate pair), marked with its length. */
export function boundString(s: string, max: number = LOG_LIMITS.maxStringLength): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max);
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}… [truncated, ${s.length} chars]`;
}

export function boundLogMessage(message: string, limits: LogLimits = LOG_LIMITS): string {
  return boundString(message, limits.maxMessageLength);
}

const OMITTED = "[omitted: line budget]";

/** The properties of one log line within `limits`; returns a new object, never mutates its input. */
export function boundLogProperties(
  properties: Readonly<Record<string, unknown>> | undefined,
  limits: LogLimits = LOG_LIMITS,
): Record<string, unknown> | undefined {
  if (properties === undefined) return undefined;
  const budget = { left: limits.lineBudget };
  return boundObject(properties, 1, limits, budget);
}

function boundValue(v: unknown, depth: number, limits: LogLimits, budget: { left: number }): unknown {
  if (budget.left <= 0) return OMITTED;
  if (typeof v === "string") {
    const s = boundString(v, Math.min(limits.maxStringLength, Math.max(budget.left, 64)));
    budget.left -= s.length;
    return s;
  }
  if (v === null || typeof v === "number" || typeof v === "boolean" || v === undefined) {
    budget.left -= 8;
    return v;
  }
  if (typeof v === "bigint") return boundValue(v.toString(), depth, limits, budget);
  if (typeof v === "function" || typeof v === "symbol") return undefined;
  if (v instanceof Error) return boundValue(`${v.name}: ${v.message}`, depth, limits, budget);
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return boundValue(withJson.toJSON(), depth, limits, budget);
  if (depth >= limits.maxDepth) {
    budget.left -= 20;
    return "[nested too deep]";
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v.slice(0, limits.maxArrayItems)) {
      if (budget.left <= 0) break;
      out.push(boundValue(item, depth + 1, limits, budget));
    }
    const left = v.length - out.length;
    if (left > 0) out.push(`… ${left} more item(s) not logged`);
    return out;
  }
  return boundObject(v as Record<string, unknown>, depth + 1, limits, budget);
}

function boundObject(
  o: Readonly<Record<string, unknown>>,
  depth: number,
  limits: LogLimits,
  budget: { left: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(o);
  let kept = 0;
  for (const key of keys) {
    if (kept >= limits.maxObjectKeys || budget.left <= 0) break;
    const k = boundString(key, 128);
    budget.left -= k.length;
    out[k] = boundValue(o[key], depth, limits, budget);
    kept += 1;
  }
  if (kept < keys.length) out["…"] = `${keys.length - kept} more key(s) not logged`;
  return out;
}
