/**
 * Bounds on what one event (and one invocation) may make linkgate do. Events come from outside: an event
 * is only a hint (DESIGN.md), and the sweep reconciles every Pending connection anyway, so anything an
 * event asks beyond these bounds is dropped with a log line, never retried and never written.
 */

export const EVENT_LIMITS = {
  /**
   * Longest resource ID accepted from an event. ARM documents no limit for a whole ID, only for its
   * segments: resource group names up to 90 characters, resource names mostly 1-80 and at most a few
   * hundred (resource-name-rules). A private endpoint connection ID of a PaaS resource is about 300-400
   * characters; 2,048 leaves every legitimate ID several times that room.
   */
  maxResourceIdLength: 2_048,
  /** Longest event `id` accepted (Event Grid ids are GUIDs or similar short strings). */
  maxEventIdLength: 256,
  /** Distinct targets taken from one event (a private endpoint names one or a few). */
  maxTargetsPerEvent: 32,
  /** Distinct targets reconciled per invocation, whatever the number of events. */
  maxTargetsPerInvocation: 32,
  /** Private endpoint reads (to learn what an endpoint asks for) per invocation. */
  maxEndpointReadsPerInvocation: 32,
} as const;

// C0 and C1 control characters: no ARM name contains them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A short, single-line, quoted rendering of attacker-provided text for messages: at most `max` characters
 * (cut on a code point boundary) with the full length when cut; control characters escaped by JSON.
 */
export function preview(text: string, max = 80): string {
  if (text.length <= max) return JSON.stringify(text);
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${JSON.stringify(text.slice(0, end))}… (${text.length} chars)`;
}

/**
 * `text` as it goes into a reason: unchanged when short and printable (so ordinary reasons read as before),
 * otherwise `preview`. `quoted` quotes short text too.
 */
export function shown(text: string, quoted = false): string {
  if (text.length <= 120 && !CONTROL.test(text) && !LONE_SURROGATE.test(text))
    return quoted ? `"${text}"` : text;
  return preview(text);
}

/** Why `id` cannot be a resource ID taken from an event, or undefined when it may be one. */
export function resourceIdProblem(id: string): string | undefined {
  if (id.length > EVENT_LIMITS.maxResourceIdLength) {
    return `resource ID ${preview(id)} is ${id.length} characters, over the ${EVENT_LIMITS.maxResourceIdLength} accepted`;
  }
  if (CONTROL.test(id)) return `resource ID ${preview(id)} contains control characters`;
  if (LONE_SURROGATE.test(id)) return `resource ID ${preview(id)} is not well-formed Unicode`;
  return undefined;
}
