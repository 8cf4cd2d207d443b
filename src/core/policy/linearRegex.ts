/**
 * Everything that matches text in a policy goes through RE2 (re2js): matching time is linear in the input
 * whatever the pattern, so an attacker-written request message cannot stall a decision.
 */
import { RE2JS } from "re2js";

/**
 * Request messages longer than this are not searched: the condition does not match. Azure itself caps the
 * request message at 128-140 characters depending on the provider, so anything longer did not come from
 * ARM and is treated as hostile.
 */
export const REQUEST_MESSAGE_MAX_LENGTH = 1024;

/** Compiled patterns are kept per source text; a policy holds few, so the cache is small and bounded. */
const CACHE_LIMIT = 4096;
const cache = new Map<string, RE2JS>();

function cached(key: string, build: () => RE2JS): RE2JS {
  let re = cache.get(key);
  if (!re) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    re = build();
    cache.set(key, re);
  }
  return re;
}

/** Compiles an RE2 pattern; throws with RE2's own explanation when the syntax is invalid or unsupported. */
export function compileRegex(pattern: string): RE2JS {
  return cached(`re:${pattern}`, () => RE2JS.compile(pattern));
}

/** Returns undefined when the pattern compiles, else why not (backreferences and lookaround are not RE2). */
export function regexProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return `not a valid RE2 (linear-time) regular expression: ${text}`;
  }
}

export type BoundedSearch =
  | { readonly kind: "match" }
  | { readonly kind: "no-match" }
  | { readonly kind: "too-long"; readonly length: number };

/** Searches (unanchored, like `RegExp.test`) for the pattern in text no longer than `maxLength`. */
export function searchBounded(
  pattern: string,
  text: string,
  maxLength: number = REQUEST_MESSAGE_MAX_LENGTH,
): BoundedSearch {
  if (text.length > maxLength) return { kind: "too-long", length: text.length };
  return compileRegex(pattern).matcher(text).find() ? { kind: "match" } : { kind: "no-match" };
}
