/**
 * `policy validate` warnings for `requester.managedBy` (valid, but almost certainly not what was meant):
 * - an owner glob that cannot name an owner of its service (another provider/type, or a definition's ID
 *   instead of its owner's): the condition never holds for it;
 * - a rule that also conditions on the requester's subscription, resource group, tenant or endpoint name
 *   (or sameSubscription/sameTenant): a managed endpoint lives in a Microsoft-managed subscription, so those
 *   facts are Microsoft's, never the owner's, and the rule (almost) never matches a managed request.
 */
import { MANAGED_SERVICE_INFO, MANAGED_SERVICE_NAMES } from "../managed/services";
import { globMatch, isGlob } from "./glob";
import type { PathSegment } from "./parse";
import type { Policy } from "./types";

export interface ManagedByWarning {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/** Segments of an owner ID: "", subscriptions, {s}, resourceGroups, {rg}, providers, {ns}, {type}, {name}. */
const OWNER_SEGMENTS = 9;

function ownerGlobProblem(glob: string, ownerType: string, noun: string): string | undefined {
  const example = `/subscriptions/{subscription}/resourceGroups/{group}/providers/${ownerType}/{name}`;
  const m = /\/providers\/([^/]+)\/([^/]+)/i.exec(glob);
  if (m) {
    const [ns, type] = [m[1] as string, m[2] as string];
    const [wantNs, wantType] = ownerType.split("/") as [string, string];
    const nsOk = isGlob(ns) ? globMatch(ns, wantNs) : ns.toLowerCase() === wantNs.toLowerCase();
    const typeOk = isGlob(type) ? globMatch(type, wantType) : type.toLowerCase() === wantType.toLowerCase();
    if (!nsOk || !typeOk)
      return `names ${ns}/${type}, not ${ownerType}: it can never match the owner of a ${noun}, whose ID looks like ${example}`;
  }
  if (
    !glob.includes("**") &&
    glob.startsWith("/") &&
    glob.replace(/\/+$/, "").split("/").length > OWNER_SEGMENTS
  )
    return `is longer than an owner ID: list the ${ownerType.split("/")[1]} that owns the ${noun} (${example}), not the ${noun} itself`;
  return undefined;
}

const REQUESTER_FACTS = ["subscriptions", "resourceGroups", "tenants", "endpointNames"] as const;

export function managedByWarnings(policy: Policy): ManagedByWarning[] {
  const out: ManagedByWarning[] = [];
  policy.rules.forEach((rule, i) => {
    const when = rule.when;
    const managedBy = when?.requester?.managedBy;
    if (!managedBy) return;
    const base: PathSegment[] = ["rules", i, "when", "requester", "managedBy"];
    for (const service of MANAGED_SERVICE_NAMES) {
      const info = MANAGED_SERVICE_INFO[service];
      (managedBy[service] ?? []).forEach((glob, j) => {
        const problem = ownerGlobProblem(glob, info.ownerType, info.noun);
        if (problem) out.push({ path: [...base, service, j], message: `owner glob "${glob}" ${problem}` });
      });
    }
    const also = [
      ...REQUESTER_FACTS.filter((k) => when?.requester?.[k] !== undefined).map((k) => `requester.${k}`),
      ...(when?.sameSubscription !== undefined ? ["sameSubscription"] : []),
      ...(when?.sameTenant !== undefined ? ["sameTenant"] : []),
    ];
    if (also.length > 0)
      out.push({
        path: base,
        message:
          `rule ${rule.id} also conditions on ${also.join(", ")}: a managed private endpoint lives in a ` +
          `Microsoft-managed subscription, so these facts describe Microsoft's endpoint, not your ` +
          `${MANAGED_SERVICE_NAMES.filter((s) => managedBy[s]).join("/")}: the rule will almost never match a managed request. ` +
          `The owner is what managedBy checks; drop the requester conditions`,
      });
  });
  return out;
}
