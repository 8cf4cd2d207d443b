/**
 * Pure evaluation: rules in order, the first whose every condition holds decides, `default` otherwise.
 * A fact that is missing is unknown, and no condition on an unknown fact holds: the engine never guesses
 * in the requester's favour; and a reject/pending rule that an unknown fact makes undecidable stops any
 * later rule from deciding (unknownFacts.ts). Reasons never echo the request message (attacker-written text).
 */
import { requesterFromEndpointId } from "../facts";
import type { Decision, DecisionFacts } from "../model";
import { resourceType, tryParseResourceId } from "../resourceId";
import { expiryOf, formatExpiry } from "./approveFor";
import { firstMatchingGlob } from "./glob";
import { REQUEST_MESSAGE_MAX_LENGTH, searchBounded } from "./linearRegex";
import { managedByResult } from "./managedBy";
import { normalizeLocation } from "./normalize";
import { checkSchedule } from "./schedule";
import type { Conditions, Policy, Rule } from "./types";
import { isUndecidable, unknownFactsDecision, type UndecidableRule } from "./unknownFacts";

/** Azure Relay: at most 64 private endpoints per namespace (Relay private link guide). */
export const RELAY_MAX_PRIVATE_ENDPOINTS = 64;
export const RELAY_NAMESPACE_TYPE = "Microsoft.Relay/namespaces";

/** One condition's outcome: `unknown` is a non-match whose fact was missing. */
export interface ConditionResult {
  readonly field: string;
  readonly outcome: "match" | "no-match" | "unknown";
  readonly detail: string;
  /** An unknown no later rule may decide past, even when this rule approves (unknownFacts.ts). */
  readonly failClosed?: boolean;
}

export interface RuleTrace {
  readonly ruleId: string;
  readonly matched: boolean;
  /** A reject/pending rule that did not fail but could not be evaluated (see unknownFacts.ts). */
  readonly undecidable: boolean;
  readonly results: readonly ConditionResult[];
}

/** The decision plus the per-rule trace behind it (for `decide --explain`). */
export interface Explanation {
  readonly decision: Decision;
  readonly trace: readonly RuleTrace[];
}

const list = (xs: readonly string[]) => `[${xs.join(", ")}]`;
const match = (field: string, detail: string): ConditionResult => ({ field, outcome: "match", detail });
const noMatch = (field: string, detail: string): ConditionResult => ({ field, outcome: "no-match", detail });
const unknown = (field: string, what: string): ConditionResult => ({
  field,
  outcome: "unknown",
  detail: `${what} unknown`,
});

/** Facts with what the trusted private endpoint ID implies filled in where not given explicitly. */
interface Resolved {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly endpointName?: string;
  readonly tenantId?: string;
  readonly targetType?: string;
  readonly targetSubscriptionId?: string;
}

function resolve(f: DecisionFacts): Resolved {
  const pe = requesterFromEndpointId(f.requester.privateEndpointId);
  const target = tryParseResourceId(f.target.id);
  return {
    subscriptionId: f.requester.subscriptionId ?? pe.subscriptionId,
    resourceGroup: f.requester.resourceGroup ?? pe.resourceGroup,
    endpointName: f.requester.endpointName ?? pe.endpointName,
    tenantId: f.requester.tenantId,
    targetType: f.target.type ?? (target ? resourceType(target) || undefined : undefined),
    targetSubscriptionId: f.targetSubscriptionId ?? target?.subscriptionId,
  };
}

function globCondition(field: string, what: string, globs: readonly string[], value: string | undefined) {
  if (value === undefined || value === "") return unknown(field, what);
  const hit = firstMatchingGlob(globs, value);
  return hit !== undefined
    ? match(field, `${what} ${value} matches "${hit}"`)
    : noMatch(field, `${what} ${value} matches none of ${list(globs)}`);
}

function conditionResults(when: Conditions, facts: DecisionFacts, r: Resolved): ConditionResult[] {
  const out: ConditionResult[] = [];
  const req = when.requester;
  if (req?.tenants) {
    const f = "requester.tenants";
    const t = r.tenantId;
    if (!t) out.push(unknown(f, "tenant"));
    else if (req.tenants.some((x) => x.toLowerCase() === t.toLowerCase()))
      out.push(match(f, `tenant ${t} in ${list(req.tenants)}`));
    else out.push(noMatch(f, `tenant ${t} not in ${list(req.tenants)}`));
  }
  if (req?.subscriptions)
    out.push(globCondition("requester.subscriptions", "subscription", req.subscriptions, r.subscriptionId));
  if (req?.resourceGroups)
    out.push(
      globCondition("requester.resourceGroups", "resource group", req.resourceGroups, r.resourceGroup),
    );
  if (req?.endpointNames)
    out.push(globCondition("requester.endpointNames", "endpoint name", req.endpointNames, r.endpointName));
  if (req?.managedBy) out.push(managedByResult(req.managedBy, facts.requester.managedBy));

  const tgt = when.target;
  if (tgt?.types) out.push(globCondition("target.types", "type", tgt.types, r.targetType));
  if (tgt?.ids) out.push(globCondition("target.ids", "id", tgt.ids, facts.target.id));
  if (tgt?.tags) out.push(...tagResults(tgt.tags, facts.target.tags));
  if (tgt?.locations) {
    const f = "target.locations";
    const loc = facts.target.location;
    if (!loc) out.push(unknown(f, "location"));
    else if (tgt.locations.some((l) => normalizeLocation(l) === normalizeLocation(loc)))
      out.push(match(f, `location ${loc} in ${list(tgt.locations)}`));
    else out.push(noMatch(f, `location ${loc} not in ${list(tgt.locations)}`));
  }
  if (tgt?.groupIds) {
    const f = "target.groupIds";
    const asked = facts.target.groupIds;
    if (!asked || asked.length === 0) out.push(unknown(f, "group ids"));
    else {
      const allowed = new Set(tgt.groupIds.map((g) => g.toLowerCase()));
      const extra = asked.filter((g) => !allowed.has(g.toLowerCase()));
      out.push(
        extra.length === 0
          ? match(f, `group ids ${list(asked)} all in ${list(tgt.groupIds)}`)
          : noMatch(f, `group ids ${list(extra)} not in ${list(tgt.groupIds)}`),
      );
    }
  }

  if (when.requestMessage) {
    const f = "requestMessage.matches";
    const pattern = when.requestMessage.matches;
    const text = facts.requestMessage;
    if (text === undefined) out.push(unknown(f, "request message"));
    else {
      const res = searchBounded(pattern, text, REQUEST_MESSAGE_MAX_LENGTH);
      if (res.kind === "too-long") {
        out.push(
          noMatch(
            f,
            `request message is ${res.length} characters, over the ${REQUEST_MESSAGE_MAX_LENGTH} searched`,
          ),
        );
      } else if (res.kind === "match") out.push(match(f, `request message matches /${pattern}/`));
      else out.push(noMatch(f, `request message does not match /${pattern}/`));
    }
  }

  if (when.sameSubscription !== undefined) {
    const f = "sameSubscription";
    const a = r.subscriptionId;
    const b = r.targetSubscriptionId;
    if (!a) out.push(unknown(f, "requester subscription"));
    else if (!b) out.push(unknown(f, "target subscription"));
    else {
      const same = a.toLowerCase() === b.toLowerCase();
      const detail = same
        ? `requester subscription ${a} is the target's`
        : `requester subscription ${a} differs from the target's ${b}`;
      out.push(same === when.sameSubscription ? match(f, detail) : noMatch(f, detail));
    }
  }
  if (when.sameTenant !== undefined) {
    const f = "sameTenant";
    const a = r.tenantId;
    const b = facts.targetTenantId;
    if (!a) out.push(unknown(f, "requester tenant"));
    else if (!b) out.push(unknown(f, "target tenant"));
    else {
      const same = a.toLowerCase() === b.toLowerCase();
      const detail = same
        ? `requester tenant ${a} is the target's`
        : `requester tenant ${a} differs from the target's ${b}`;
      out.push(same === when.sameTenant ? match(f, detail) : noMatch(f, detail));
    }
  }
  if (when.schedule) {
    const f = "schedule";
    const s = when.schedule;
    const window = `${s.days && s.days.length > 0 ? s.days.join(",") : "every day"} ${s.from}-${s.to}`;
    const res = checkSchedule(s, facts.at);
    if (res.kind === "unknown") out.push({ field: f, outcome: "unknown", detail: res.why });
    else if (res.kind === "inside") out.push(match(f, `${res.local} is inside ${window}`));
    else out.push(noMatch(f, `${res.local} is outside ${window}`));
  }
  return out;
}

function tagResults(
  wanted: Readonly<Record<string, string | readonly string[]>>,
  tags: Readonly<Record<string, string>> | undefined,
): ConditionResult[] {
  const out: ConditionResult[] = [];
  for (const [name, spec] of Object.entries(wanted)) {
    const f = `target.tags.${name}`;
    const globs = typeof spec === "string" ? [spec] : spec;
    if (tags === undefined) {
      out.push(unknown(f, "target tags"));
      continue;
    }
    // Azure tag names are case-insensitive; values are compared as globs (case-insensitive too).
    const key = Object.keys(tags).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : tags[key];
    if (value === undefined) {
      out.push(noMatch(f, `tag ${name} is not set`));
      continue;
    }
    const hit = firstMatchingGlob(globs, value);
    out.push(
      hit !== undefined
        ? match(f, `tag ${name}=${JSON.stringify(value)} matches "${hit}"`)
        : noMatch(f, `tag ${name}=${JSON.stringify(value)} matches none of ${list(globs)}`),
    );
  }
  return out;
}

function limitResults(rule: Rule, facts: DecisionFacts, r: Resolved): ConditionResult[] {
  if (rule.action !== "approve") return [];
  const out: ConditionResult[] = [];
  const count = facts.approvedCount;
  const max = rule.limits?.maxApprovedPerTarget;
  if (max !== undefined) {
    const f = "limits.maxApprovedPerTarget";
    if (count === undefined) out.push(unknown(f, "approved count"));
    else if (count + 1 > max) {
      out.push(
        noMatch(f, `approving would make ${count + 1} approved connections, over the limit of ${max}`),
      );
    } else out.push(match(f, `${count + 1} approved connections within the limit of ${max}`));
  }
  if (rule.approveFor !== undefined) {
    // A time-bound approval needs the decision's instant to say until when: without it, never approve.
    const f = "approveFor";
    const until = expiryOf(facts.at, rule.approveFor);
    if (until === undefined) out.push(unknown(f, "decision time (needed to compute the expiry)"));
    else out.push(match(f, `approval for ${rule.approveFor}, ${formatExpiry(until)}`));
  }
  if (r.targetType?.toLowerCase() === RELAY_NAMESPACE_TYPE.toLowerCase()) {
    const f = "limits.relayPrivateEndpoints";
    if (count === undefined)
      out.push(unknown(f, "approved count (needed for Relay's limit of 64 private endpoints)"));
    else if (count + 1 > RELAY_MAX_PRIVATE_ENDPOINTS) {
      out.push(
        noMatch(
          f,
          `a Relay namespace allows at most ${RELAY_MAX_PRIVATE_ENDPOINTS} private endpoints and ${count} are already approved`,
        ),
      );
    } else {
      out.push(match(f, `${count + 1} of Relay's ${RELAY_MAX_PRIVATE_ENDPOINTS} private endpoints`));
    }
  }
  return out;
}

const VERB: Record<Decision["action"], string> = {
  approve: "Approved",
  reject: "Rejected",
  pending: "Left pending",
};

function ruleMessage(rule: Rule): string {
  return rule.message ?? `${VERB[rule.action]} by linkgate rule ${rule.id}`;
}

function summary(results: readonly ConditionResult[]): string {
  return results.map((c) => `${c.field}: ${c.detail}`).join("; ");
}

/** Evaluates with the per-rule trace; `evaluate` is this without the trace. */
export function explain(policy: Policy, facts: DecisionFacts): Explanation {
  const r = resolve(facts);
  const reasons: string[] = [];
  const trace: RuleTrace[] = [];
  const undecidable: UndecidableRule[] = [];
  const decide = (decision: Decision): Explanation => ({
    decision: undecidable.length > 0 ? unknownFactsDecision(undecidable, decision) : decision,
    trace,
  });
  for (const rule of policy.rules) {
    const results = [...conditionResults(rule.when ?? {}, facts, r), ...limitResults(rule, facts, r)];
    const matched = results.every((c) => c.outcome === "match");
    const cannotTell = isUndecidable(rule, results);
    trace.push({ ruleId: rule.id, matched, undecidable: cannotTell, results });
    if (cannotTell) {
      undecidable.push({
        ruleId: rule.id,
        action: rule.action,
        unknown: results.filter((c) => c.outcome === "unknown"),
      });
    }
    if (matched) {
      reasons.push(
        `rule ${rule.id}: matched: ${results.length > 0 ? summary(results) : "no conditions (matches every request)"}`,
      );
      const expiresAt =
        rule.action === "approve" && rule.approveFor !== undefined
          ? expiryOf(facts.at, rule.approveFor)
          : undefined;
      return decide({
        action: rule.action,
        ruleId: rule.id,
        message: ruleMessage(rule),
        reasons,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(rule.action === "reject" && rule.revoke === true ? { revoke: true } : {}),
      });
    }
    for (const c of results)
      if (c.outcome !== "match") reasons.push(`rule ${rule.id}: ${c.field}: ${c.detail}`);
  }
  reasons.push(`default: no rule matched; the policy's default is ${policy.default}`);
  const message =
    policy.default === "reject"
      ? "Rejected by linkgate: no rule matched"
      : "Left pending by linkgate: no rule matched";
  return decide({ action: policy.default, ruleId: "default", message, reasons });
}

/** The decision for one request. Pure and deterministic: the time comes from `facts.at`. */
export function evaluate(policy: Policy, facts: DecisionFacts): Decision {
  return explain(policy, facts).decision;
}
