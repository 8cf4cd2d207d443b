/**
 * Globs for names and resource IDs: `*` is any run of characters except `/`, `?` is one character except
 * `/`, `**` is any run including `/`. Everything else is literal; matching is case-insensitive (ARM names and
 * IDs are). Globs are translated to RE2, so matching is linear-time however the glob is written.
 */
import { RE2JS } from "re2js";

const GLOB_CHARS = /[*?]/;

export function isGlob(value: string): boolean {
  return GLOB_CHARS.test(value);
}

/** The RE2 source for a glob; literals are emitted as `\x{..}` so no character can be read as syntax. */
export function globToRegexSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        out += ".*";
        while (glob[i + 1] === "*") i++;
      } else {
        out += "[^/]*";
      }
    } else if (c === "?") {
      out += "[^/]";
    } else if (/[A-Za-z0-9]/.test(c)) {
      out += c;
    } else {
      const cp = glob.codePointAt(i) ?? 0;
      if (cp > 0xffff) i++;
      out += `\\x{${cp.toString(16)}}`;
    }
  }
  return out;
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, RE2JS>();

function compiled(glob: string): RE2JS {
  let re = cache.get(glob);
  if (!re) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    re = RE2JS.compile(globToRegexSource(glob), RE2JS.CASE_INSENSITIVE | RE2JS.DOTALL);
    cache.set(glob, re);
  }
  return re;
}

/** Whole-string, case-insensitive glob match. */
export function globMatch(glob: string, value: string): boolean {
  return compiled(glob).matches(value);
}

/** The first glob of the list that matches the value, if any. */
export function firstMatchingGlob(globs: readonly string[], value: string): string | undefined {
  return globs.find((g) => globMatch(g, value));
}
