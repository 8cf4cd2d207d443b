/**
 * The `requester.managedBy` condition: holds only when a definition under one of the rule's owner globs
 * vouches for the request (the corroboration of ../managed, carried in facts.requester.managedBy). A request
 * nothing vouches for never matches; definitions that could not be read, and ambiguity among this rule's
 * owners, are unknown and `failClosed`: the decision is `pending` (./unknownFacts.ts), never a later rule's.
 */
import { MANAGED_SERVICE_INFO, MANAGED_SERVICE_NAMES } from "../managed/services";
import type { ManagedByFacts, ManagedCandidate, ManagedServiceName } from "../model";
import { firstMatchingGlob } from "./glob";
import type { ManagedByConditions, Policy } from "./types";

const FIELD = "requester.managedBy";

interface Outcome {
  readonly field: string;
  readonly outcome: "match" | "no-match" | "unknown";
  readonly detail: string;
  readonly failClosed?: boolean;
}

const listed = (when: ManagedByConditions): ManagedServiceName[] =>
  MANAGED_SERVICE_NAMES.filter((s) => (when[s]?.length ?? 0) > 0);

function describeOwners(when: ManagedByConditions): string {
  return listed(when)
    .map((s) => `${s} [${(when[s] ?? []).join(", ")}]`)
    .join(", ");
}

/** The glob of `when` an owner falls under, if any. */
function ownerGlob(when: ManagedByConditions, c: ManagedCandidate): string | undefined {
  const globs = when[c.service];
  return globs ? firstMatchingGlob(globs, c.ownerId) : undefined;
}

export function managedByResult(when: ManagedByConditions, fact: ManagedByFacts | undefined): Outcome {
  const owners = describeOwners(when);
  if (fact === undefined)
    return {
      field: FIELD,
      outcome: "unknown",
      failClosed: true,
      detail: "managed private endpoint corroboration unknown (no definitions were read for this request)",
    };
  switch (fact.outcome) {
    case "unknown":
      return {
        field: FIELD,
        outcome: "unknown",
        failClosed: true,
        detail: `managed private endpoint definitions unknown: ${fact.detail ?? "they could not be read"}`,
      };
    case "none": {
      const nouns = listed(when)
        .map((s) => MANAGED_SERVICE_INFO[s].nounPlural)
        .join(" / ");
      return {
        field: FIELD,
        outcome: "no-match",
        detail: `not corroborated: no ${nouns} under ${owners} vouches for this request (${fact.detail ?? "no definition names it"})`,
      };
    }
    case "ambiguous": {
      const candidates = fact.candidates ?? [];
      const ours = candidates.filter((c) => ownerGlob(when, c) !== undefined);
      const named = candidates.map((c) => `${MANAGED_SERVICE_INFO[c.service].noun} ${c.definitionId}`);
      const rivals =
        fact.rivalConnectionIds && fact.rivalConnectionIds.length > 0
          ? `; also claimed by ${fact.rivalConnectionIds.join(", ")}`
          : "";
      if (ours.length === 0 && candidates.length > 0)
        return {
          field: FIELD,
          outcome: "no-match",
          detail: `ambiguous among definitions none of which is under ${owners}: ${named.join(", ")}`,
        };
      return {
        field: FIELD,
        outcome: "unknown",
        failClosed: true,
        detail: `ambiguous, left for a human: candidates ${named.join(", ")}${rivals} (${fact.detail ?? ""})`,
      };
    }
    case "corroborated": {
      const service = fact.service;
      const id = fact.definitionId;
      const owner = fact.ownerId;
      if (!service || !id || !owner)
        return {
          field: FIELD,
          outcome: "unknown",
          failClosed: true,
          detail: "corroboration names no service, definition or owner",
        };
      const glob = ownerGlob(when, { service, definitionId: id, ownerId: owner });
      const strength = fact.strength ? `, ${fact.strength} match` : "";
      const fields = fact.matchedFields ? ` on ${fact.matchedFields.join(", ")}` : "";
      if (glob === undefined)
        return {
          field: FIELD,
          outcome: "no-match",
          detail: `corroborated by ${MANAGED_SERVICE_INFO[service].noun} ${id} under ${owner}, which is not under ${owners}`,
        };
      return {
        field: FIELD,
        outcome: "match",
        detail: `corroborated by ${MANAGED_SERVICE_INFO[service].noun} ${id} (owner ${owner} matches ${service} "${glob}"${fields}${strength})`,
      };
    }
  }
}

/**
 * The union of every rule's `requester.managedBy` owner globs, per service: what reconcile asks the
 * ManagedDefinitionReader for. Undefined when no rule uses `managedBy` (then nothing is read).
 */
export function managedOwnerGlobs(policy: Policy): ManagedByConditions | undefined {
  const out: Partial<Record<ManagedServiceName, string[]>> = {};
  let any = false;
  for (const rule of policy.rules) {
    const m = rule.when?.requester?.managedBy;
    if (!m) continue;
    for (const s of MANAGED_SERVICE_NAMES) {
      for (const g of m[s] ?? []) {
        const list = (out[s] ??= []);
        if (!list.some((x) => x.toLowerCase() === g.toLowerCase())) list.push(g);
        any = true;
      }
    }
  }
  return any ? out : undefined;
}
