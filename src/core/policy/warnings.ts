/**
 * Warnings: a valid policy that conditions on a fact some targeted type never exposes. Such a condition is
 * always unknown (or never holds) for that type, so the rule can never match its connections — almost
 * always a mistake the author wants to hear about, but not an error: the policy still fails closed.
 * What each type exposes comes from ../groupIds.ts (read from the providers' specs).
 */
import { LineCounter, parseDocument } from "yaml";
import { GROUP_ID_TYPES, groupIdSource } from "../groupIds";
import { globMatch, isGlob } from "./glob";
import { lintWarnings } from "./lint";
import { managedByWarnings } from "./managedByWarnings";
import { formatField, locator, type PathSegment } from "./parse";
import type { Policy, PolicyError, Rule } from "./types";

export interface PolicyWarningAt {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/** A warning has the same positioned shape as an error. */
export type PolicyWarning = PolicyError;

/** `FILE:LINE:COL warning: field: message`, the warning line of `linkgate policy validate` (on stderr). */
export function formatPolicyWarning(w: PolicyWarning): string {
  return `${w.file}:${w.line}:${w.col} warning: ${w.field}: ${w.message}`;
}

/** The types a rule explicitly targets, each with where it was named; empty when the rule names none. */
function targetedTypes(rule: Rule, base: PathSegment[]): { type: string; from: string }[] {
  const t = rule.when?.target;
  if (!t) return [];
  const out: { type: string; from: string }[] = [];
  const add = (type: string, from: string) => {
    if (!out.some((o) => o.type.toLowerCase() === type.toLowerCase())) out.push({ type, from });
  };
  if (t.types) {
    t.types.forEach((entry, j) => {
      const from = `${formatField([...base, "target", "types", j])} "${entry}"`;
      if (!isGlob(entry)) return add(entry, from);
      // A glob names a type only when everything it reaches is one kind of type; "*" targets everything.
      const hits = GROUP_ID_TYPES.filter((k) => globMatch(entry, k));
      const kinds = new Set(hits.map((k) => groupIdSource(k)?.kind));
      if (hits.length > 0 && kinds.size === 1 && !kinds.has("connection")) hits.forEach((k) => add(k, from));
    });
    return out;
  }
  // No types listed: an ID glob with a literal provider and type still names the type.
  (t.ids ?? []).forEach((entry, j) => {
    const m = /\/providers\/([^/]+)\/([^/]+)/i.exec(entry);
    if (m && !isGlob(m[1] as string) && !isGlob(m[2] as string))
      add(`${m[1]}/${m[2]}`, `${formatField([...base, "target", "ids", j])} "${entry}"`);
  });
  return out;
}

/** The warnings of a parsed policy, with document paths (pure; see `locatePolicyWarnings` for positions). */
export function policyWarnings(policy: Policy): PolicyWarningAt[] {
  const out: PolicyWarningAt[] = [];
  policy.rules.forEach((rule, i) => {
    const asked = rule.when?.target?.groupIds;
    if (!asked) return;
    const base: PathSegment[] = ["rules", i, "when"];
    const path = [...base, "target", "groupIds"];
    for (const { type, from } of targetedTypes(rule, base)) {
      const source = groupIdSource(type);
      if (!source) continue;
      if (source.kind === "none") {
        out.push({
          path,
          message: `${type} (${from}) has no group ids, so this condition never holds for its connections and rule ${rule.id} never matches them (spec: ${source.spec})`,
        });
      } else if (source.kind === "absent") {
        out.push({
          path,
          message: `${type} (${from}) connections carry no group ids, so this condition is always unknown for them and rule ${rule.id} never matches them (spec: ${source.spec})`,
        });
      } else if (
        source.kind === "single" &&
        !asked.some((g) => g.toLowerCase() === source.groupId.toLowerCase())
      ) {
        out.push({
          path,
          message: `${type} (${from}) connections always ask for group id "${source.groupId}", its only one, which [${asked.join(", ")}] does not list: rule ${rule.id} never matches them (spec: ${source.spec})`,
        });
      }
    }
  });
  // Shadowed rules, requester-controlled approvals, an unreachable default (./lint.ts).
  out.push(...lintWarnings(policy));
  // managedBy owner globs that name no owner, requester facts a managed endpoint never has.
  out.push(...managedByWarnings(policy));
  return out;
}

/** Warnings positioned in the policy's text (which must be the text `policy` was parsed from). */
export function locatePolicyWarnings(text: string, file: string, policy: Policy): PolicyWarning[] {
  const found = policyWarnings(policy);
  if (found.length === 0) return [];
  const lc = new LineCounter();
  const locate = locator(parseDocument(text, { lineCounter: lc, version: "1.2" }), lc);
  return found
    .map((w) => ({ file, ...locate(w.path), field: formatField(w.path), message: w.message }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
