/**
 * Policy lint (issue 11): valid policies whose rule order or conditions almost certainly do not mean what their
 * author meant. Warnings, not errors: the policy still fails closed. Positioned and printed by ./warnings.ts.
 *
 * - A rule shadowed by an earlier rule that matches every request it matches: it never decides.
 * - An `approve` rule whose only conditions are facts the requester writes (request message, endpoint name):
 *   anyone who can create a private endpoint can meet them.
 * - `default` reached by no request: an earlier rule matches everything.
 *
 * "Matches everything it matches" is decided conservatively (a sufficient condition per fact): a warning is
 * never wrong, but a subtle shadow (say, two regexes one of which implies the other) may go unreported.
 */
import type { PolicyWarningAt } from "./warnings";
import { globMatch, isGlob } from "./glob";
import { normalizeLocation } from "./normalize";
import { RELAY_NAMESPACE_TYPE } from "./evaluate";
import {
  MANAGED_SERVICE_KEYS,
  type Conditions,
  type ManagedByConditions,
  type Policy,
  type Rule,
} from "./types";

const lower = (s: string) => s.toLowerCase();

/** Whether glob (or literal) `outer` matches every value `inner` matches. Sufficient, not necessary. */
export function globCovers(outer: string, inner: string): boolean {
  if (lower(outer) === lower(inner) || outer === "**") return true;
  if (!isGlob(inner)) return globMatch(outer, inner);
  if (outer === "*") return !inner.includes("/") && !inner.includes("**");
  // `prefix*` covers `prefix...` whose rest stays inside one path segment.
  const m = /^([^*?]*)\*$/.exec(outer);
  if (m && !(m[1] as string).includes("/")) {
    const prefix = lower(m[1] as string);
    const rest = inner.slice(prefix.length);
    return lower(inner).startsWith(prefix) && !rest.includes("/") && !rest.includes("**");
  }
  return false;
}

/** Every entry of `inner` is covered by some entry of `outer`; an absent outer list covers anything. */
function listCovers(
  outer: readonly string[] | undefined,
  inner: readonly string[] | undefined,
  covers: (o: string, i: string) => boolean = globCovers,
): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return inner.every((i) => outer.some((o) => covers(o, i)));
}

const exact = (o: string, i: string) => lower(o) === lower(i);
const sameLocation = (o: string, i: string) => normalizeLocation(o) === normalizeLocation(i);

function tagsCover(outer: Conditions["target"], inner: Conditions["target"]): boolean {
  const o = outer?.tags;
  if (o === undefined) return true;
  const i = inner?.tags;
  if (i === undefined) return false;
  return Object.entries(o).every(([name, globs]) => {
    const key = Object.keys(i).find((k) => lower(k) === lower(name));
    if (key === undefined) return false;
    const asList = (v: string | readonly string[]) => (typeof v === "string" ? [v] : v);
    return listCovers(asList(globs), asList(i[key] as string | readonly string[]));
  });
}

/** An owner glob list per service: every service `inner` lists must be covered by `outer`'s list for it. */
function managedByCovers(
  outer: ManagedByConditions | undefined,
  inner: ManagedByConditions | undefined,
): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return MANAGED_SERVICE_KEYS.every(
    (s) => inner[s] === undefined || (outer[s] !== undefined && listCovers(outer[s], inner[s])),
  );
}

/** Whether conditions `o` hold for every request for which conditions `i` hold (sufficient check). */
function conditionsCover(o: Conditions, i: Conditions): boolean {
  const or = o.requester;
  const ir = i.requester;
  const ot = o.target;
  const it = i.target;
  return (
    listCovers(or?.tenants, ir?.tenants, exact) &&
    listCovers(or?.subscriptions, ir?.subscriptions) &&
    listCovers(or?.resourceGroups, ir?.resourceGroups) &&
    listCovers(or?.endpointNames, ir?.endpointNames) &&
    managedByCovers(or?.managedBy, ir?.managedBy) &&
    listCovers(ot?.types, it?.types) &&
    listCovers(ot?.ids, it?.ids) &&
    listCovers(ot?.locations, it?.locations, sameLocation) &&
    // The connection's group ids must all be listed: a longer list accepts more.
    listCovers(ot?.groupIds, it?.groupIds, exact) &&
    tagsCover(ot, it) &&
    (o.requestMessage === undefined || o.requestMessage.matches === i.requestMessage?.matches) &&
    (o.sameSubscription === undefined || o.sameSubscription === i.sameSubscription) &&
    (o.sameTenant === undefined || o.sameTenant === i.sameTenant) &&
    (o.schedule === undefined || JSON.stringify(o.schedule) === JSON.stringify(i.schedule))
  );
}

/** Whether the rule may target a Relay namespace (approve rules then carry Relay's implicit 64 limit). */
function mayTargetRelay(rule: Rule): boolean {
  const types = rule.when?.target?.types;
  return types === undefined || types.some((t) => globMatch(t, RELAY_NAMESPACE_TYPE));
}

/**
 * Whether `earlier` decides every request `later` would match. An approve rule falls through when a limit is
 * reached (its own `limits`, or Relay's 64), where a later reject/pending rule would still decide.
 */
function shadows(earlier: Rule, later: Rule): boolean {
  if (earlier.action === "approve") {
    if (earlier.limits?.maxApprovedPerTarget !== undefined) return false;
    if (later.action !== "approve" && mayTargetRelay(earlier)) return false;
  }
  return conditionsCover(earlier.when ?? {}, later.when ?? {});
}

function isEmpty(c: Conditions | undefined): boolean {
  if (c === undefined) return true;
  return Object.values(c).every(
    (v) => v === undefined || (typeof v === "object" && v !== null && Object.keys(v).length === 0),
  );
}

/** Condition paths in `when` (e.g. `requester.endpointNames`), for the requester-controlled check. */
function conditionKeys(c: Conditions): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined) continue;
    if ((k === "requester" || k === "target") && typeof v === "object" && v !== null) {
      for (const [sub, sv] of Object.entries(v as object)) if (sv !== undefined) out.push(`${k}.${sub}`);
    } else out.push(k);
  }
  return out;
}

/** Facts the requester writes: the request message, and the name of the private endpoint it creates. */
const REQUESTER_CONTROLLED = new Set(["requestMessage", "requester.endpointNames"]);

export function lintWarnings(policy: Policy): PolicyWarningAt[] {
  const out: PolicyWarningAt[] = [];
  policy.rules.forEach((rule, j) => {
    const by = policy.rules.findIndex((earlier, i) => i < j && shadows(earlier, rule));
    if (by >= 0) {
      const earlier = policy.rules[by] as Rule;
      out.push({
        path: ["rules", j, "id"],
        message:
          `rule ${rule.id} is shadowed by rule ${earlier.id} (rules[${by}]), which matches every request it ` +
          `matches and comes first: rule ${rule.id} never decides. Move it above rule ${earlier.id} or narrow ` +
          `rule ${earlier.id}`,
      });
    }
    if (rule.action === "approve" && rule.when !== undefined) {
      const keys = conditionKeys(rule.when);
      if (keys.length > 0 && keys.every((k) => REQUESTER_CONTROLLED.has(k))) {
        out.push({
          path: ["rules", j, "when"],
          message:
            `approve rule ${rule.id} conditions only on facts the requester controls (${keys.join(", ")}): ` +
            `anyone who can create a private endpoint can meet them. Add a condition on who asks ` +
            `(requester.tenants, requester.subscriptions, sameTenant...) or on the target`,
        });
      }
    }
  });
  const catchAll = policy.rules.findIndex(
    (r) =>
      isEmpty(r.when) &&
      !(r.action === "approve" && (r.limits?.maxApprovedPerTarget !== undefined || mayTargetRelay(r))),
  );
  if (catchAll >= 0) {
    const rule = policy.rules[catchAll] as Rule;
    out.push({
      path: ["default"],
      message:
        `default ${policy.default} is never reached: rule ${rule.id} (rules[${catchAll}]) has no conditions and ` +
        `decides every request that reaches it`,
    });
  }
  return out;
}
