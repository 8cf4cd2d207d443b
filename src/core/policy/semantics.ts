/**
 * The checks a JSON Schema cannot express. They walk the raw document defensively (the schema may have
 * failed too) so that one run reports every problem.
 */
import { approveForProblem } from "./approveFor";
import { isGlob } from "./glob";
import { regexProblem } from "./linearRegex";
import { isValidTimeZone, parseClock } from "./schedule";
import { normalizeLocation } from "./normalize";
import type { PathSegment } from "./parse";

export interface SemanticError {
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the key rather than the value (for whole-entry problems). */
  readonly atKey?: boolean;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Ids the engine itself uses in decisions; a rule may not take them. */
export const RESERVED_RULE_IDS = ["default", "invalid-policy"] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): [number, string][] =>
  Array.isArray(v) ? v.flatMap((x, i): [number, string][] => (typeof x === "string" ? [[i, x]] : [])) : [];

export function semanticErrors(doc: unknown): SemanticError[] {
  const out: SemanticError[] = [];
  if (!isObj(doc) || !Array.isArray(doc.rules)) return out;
  const firstById = new Map<string, number>();
  doc.rules.forEach((rule: unknown, i: number) => {
    if (!isObj(rule)) return;
    const base: PathSegment[] = ["rules", i];
    if (typeof rule.id === "string") {
      const id = rule.id;
      if (!KEBAB.test(id)) {
        out.push({
          path: [...base, "id"],
          message: `rule id "${id}" must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. corp-tenant-relay`,
        });
      }
      if ((RESERVED_RULE_IDS as readonly string[]).includes(id)) {
        out.push({
          path: [...base, "id"],
          message: `rule id "${id}" is reserved for decisions no rule made`,
        });
      }
      const first = firstById.get(id.toLowerCase());
      if (first !== undefined) {
        out.push({
          path: [...base, "id"],
          message: `duplicate rule id "${id}": rules[${first}] already uses it`,
        });
      } else {
        firstById.set(id.toLowerCase(), i);
      }
    }
    if (rule.limits !== undefined && rule.action !== undefined && rule.action !== "approve") {
      out.push({
        path: [...base, "limits"],
        atKey: true,
        message: `limits only apply to approve rules (this rule's action is ${String(rule.action)}); remove them`,
      });
    }
    checkTimeBound(rule, base, out);
    if (isObj(rule.when)) checkWhen(rule.when, [...base, "when"], out);
  });
  return out;
}

/** `approveFor` only on approve rules and a usable duration; `revoke` only on reject rules. */
function checkTimeBound(rule: Obj, base: PathSegment[], out: SemanticError[]): void {
  if (rule.approveFor !== undefined && rule.action !== undefined && rule.action !== "approve") {
    out.push({
      path: [...base, "approveFor"],
      atKey: true,
      message: `approveFor only applies to approve rules (this rule's action is ${String(rule.action)}); remove it`,
    });
  } else if (typeof rule.approveFor === "string" && rule.approveFor) {
    const problem = approveForProblem(rule.approveFor);
    if (problem) out.push({ path: [...base, "approveFor"], message: problem });
  }
  if (rule.revoke !== undefined && rule.action !== undefined && rule.action !== "reject") {
    out.push({
      path: [...base, "revoke"],
      atKey: true,
      message: `revoke only applies to reject rules (this rule's action is ${String(rule.action)}); remove it`,
    });
  }
  if (rule.revoke === true && isObj(rule.when) && rule.when.requestMessage !== undefined) {
    out.push({
      path: [...base, "revoke"],
      atKey: true,
      message:
        "a revoke rule cannot use when.requestMessage: an Approved connection's description is the owner's, not the request",
    });
  }
}

function checkWhen(when: Obj, base: PathSegment[], out: SemanticError[]): void {
  if (isObj(when.requester)) {
    const r = when.requester;
    const p: PathSegment[] = [...base, "requester"];
    for (const [j, t] of strings(r.tenants)) {
      if (!GUID.test(t)) {
        out.push({
          path: [...p, "tenants", j],
          message: `"${t}" is not a tenant ID (a GUID; globs are not allowed)`,
        });
      }
    }
    for (const [j, s] of strings(r.subscriptions)) {
      if (!isGlob(s) && !GUID.test(s)) {
        out.push({
          path: [...p, "subscriptions", j],
          message: `"${s}" is neither a subscription ID (GUID) nor a glob`,
        });
      }
    }
    for (const key of ["resourceGroups", "endpointNames"] as const) {
      for (const [j, s] of strings(r[key])) {
        if (s.includes("/"))
          out.push({ path: [...p, key, j], message: `"${s}" contains "/", which a name never does` });
      }
    }
  }
  if (isObj(when.target)) {
    const t = when.target;
    const p: PathSegment[] = [...base, "target"];
    for (const [j, s] of strings(t.types)) {
      if (!/^[^/]+(\/[^/]+)+$/.test(s)) {
        out.push({
          path: [...p, "types", j],
          message: `"${s}" is not a resource type like Microsoft.Relay/namespaces`,
        });
      }
    }
    for (const [j, s] of strings(t.ids)) {
      if (!s.startsWith("/") && !s.startsWith("*")) {
        out.push({
          path: [...p, "ids", j],
          message: `"${s}" is not a resource ID glob: it must start with /subscriptions/`,
        });
      }
    }
    for (const [j, s] of strings(t.locations)) {
      if (!/^[a-z0-9]+$/.test(normalizeLocation(s))) {
        out.push({
          path: [...p, "locations", j],
          message: `"${s}" is not an Azure region name like westeurope`,
        });
      }
    }
  }
  if (isObj(when.requestMessage) && typeof when.requestMessage.matches === "string") {
    const problem = regexProblem(when.requestMessage.matches);
    if (problem) out.push({ path: [...base, "requestMessage", "matches"], message: problem });
  }
  if (isObj(when.schedule)) {
    const s = when.schedule;
    const p: PathSegment[] = [...base, "schedule"];
    const from = typeof s.from === "string" ? parseClock(s.from) : undefined;
    const to = typeof s.to === "string" ? parseClock(s.to) : undefined;
    if (typeof s.from === "string" && (from === undefined || from === 1440)) {
      out.push({ path: [...p, "from"], message: `"${s.from}" is not a time of day HH:MM (00:00-23:59)` });
    }
    if (typeof s.to === "string" && to === undefined) {
      out.push({ path: [...p, "to"], message: `"${s.to}" is not a time of day HH:MM (00:00-24:00)` });
    }
    if (from !== undefined && to !== undefined && from === to) {
      out.push({
        path: [...p, "to"],
        message: `from and to are both ${String(s.from)}: the window is empty; use from "00:00" to "24:00" for a whole day`,
      });
    }
    if (typeof s.timeZone === "string" && s.timeZone && !isValidTimeZone(s.timeZone)) {
      out.push({
        path: [...p, "timeZone"],
        message: `"${s.timeZone}" is not an IANA time zone (e.g. Europe/Amsterdam, UTC)`,
      });
    }
  }
}
