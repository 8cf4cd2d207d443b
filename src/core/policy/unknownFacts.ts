/**
 * Fail closed on unknown facts. A condition on a fact linkgate could not learn (say the requester's
 * tenant when tenant discovery answered 403) does not hold; on its own that would let "reject tenant X,
 * then approve subscription S" approve tenant X whenever its tenant is unknown. So a `reject` or
 * `pending` rule that *might* have matched (none of its conditions failed, at least one was unknown) is
 * undecidable, and an undecidable rule before the deciding rule turns the decision into `pending` with
 * rule id `unknown-facts`: no later rule and no default may decide past a rule that could not be
 * evaluated. An undecidable `approve` rule is a plain non-match (not approving is already the safe side),
 * except when the unknown condition is marked `failClosed` (`requester.managedBy`: definitions that could not
 * be read, or a request two definitions or two connections claim): a request that rule exists to vouch for
 * must never fall through to a later rule, so the rule is undecidable too and the decision is `pending`.
 */
import type { Decision } from "../model";
import type { Rule } from "./types";

export const UNKNOWN_FACTS_RULE_ID = "unknown-facts";

/** The part of a condition's outcome this needs (evaluate.ts's ConditionResult). */
interface Outcome {
  readonly field: string;
  readonly outcome: "match" | "no-match" | "unknown";
  readonly detail: string;
  /** Unknown, and no later rule may decide past it, whatever this rule's action (see above). */
  readonly failClosed?: boolean;
}

/** A rule that could not be evaluated, with the conditions whose facts were unknown. */
export interface UndecidableRule {
  readonly ruleId: string;
  readonly action: Rule["action"];
  readonly unknown: readonly Outcome[];
}

/** True when `rule` could reject or leave pending but its outcome depends on a fact that is unknown. */
export function isUndecidable(rule: Pick<Rule, "action">, results: readonly Outcome[]): boolean {
  if (results.some((c) => c.outcome === "no-match")) return false;
  if (rule.action === "approve") return results.some((c) => c.outcome === "unknown" && c.failClosed === true);
  return results.some((c) => c.outcome === "unknown");
}

/**
 * The `pending` decision that replaces `deciding` because earlier rules were undecidable. Keeps every
 * reason `deciding` had, then one reason per unknown fact naming the rule(s) that needed it, then one
 * saying what would have decided.
 */
export function unknownFactsDecision(undecidable: readonly UndecidableRule[], deciding: Decision): Decision {
  const byFact = new Map<string, string[]>();
  for (const u of undecidable) {
    for (const c of u.unknown) {
      const key = `${c.field}: ${c.detail}`;
      const rules = byFact.get(key) ?? [];
      if (!rules.includes(u.ruleId)) rules.push(u.ruleId);
      byFact.set(key, rules);
    }
  }
  const reasons = [...deciding.reasons];
  for (const [fact, rules] of byFact)
    reasons.push(`${UNKNOWN_FACTS_RULE_ID}: ${fact}, needed by rule ${rules.join(", ")}`);
  const blocked = undecidable.map((u) => `${u.ruleId} (${u.action})`).join(", ");
  reasons.push(
    `${UNKNOWN_FACTS_RULE_ID}: rule ${blocked} could not be evaluated, so ${
      deciding.ruleId === "default" ? "the default" : `rule ${deciding.ruleId}`
    } (${deciding.action}) does not decide; left pending for a human`,
  );
  const fields = [...new Set(undecidable.flatMap((u) => u.unknown.map((c) => c.field)))];
  return {
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    message: `Left pending by linkgate: ${fields.join(", ")} unknown for rule ${undecidable
      .map((u) => u.ruleId)
      .join(", ")}`,
    reasons,
  };
}
