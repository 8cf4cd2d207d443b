/**
 * Which Approved connections a policy would revoke, decided purely from the inventory, the policy's decision
 * and the sweep's clock. Shared by the sweep's revocation step, the `revocation-guard-tripped` check and
 * `linkgate policy what-if`, so all three agree on the set.
 *
 * Two reasons, and only these (docs/policy.md, "Revocation"):
 * - `expired`: the description carries linkgate's marker with an expiry now past (a time-bound approval of
 *   ours). A human's or Azure auto-approval's description carries no marker, so those never expire here.
 * - `rule`: a `reject` rule marked `revoke: true` now matches the connection, whoever approved it.
 * A decision that could not be made (unknown facts, `pending`) never revokes: fail closed means leave it.
 */
import { errorMessage } from "../errors";
import type { Inventory } from "../inventory";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../model";
import { parseLinkgateDescription, type RevocationSettings } from "../policy";

export type RevocationReason = "expired" | "rule";

export interface RevocationCandidate {
  readonly connection: PrivateEndpointConnection;
  readonly reason: RevocationReason;
  /** The rule that revokes (`rule`) or the rule whose time-bound approval expired (`expired`). */
  readonly ruleId: string;
  /** `expired`: when the approval ended (ISO 8601 UTC). */
  readonly expiresAt?: string;
  /** Why, in words, for findings, telemetry and what-if. */
  readonly why: string;
}

/** Why one Approved connection would be revoked; undefined when it would not. */
export function revocationOf(
  connection: PrivateEndpointConnection,
  decision: Decision | undefined,
  now: Date,
): RevocationCandidate | undefined {
  if (connection.status !== "Approved") return undefined;
  if (decision?.action === "reject" && decision.revoke === true) {
    return {
      connection,
      reason: "rule",
      ruleId: decision.ruleId,
      why: `reject rule ${decision.ruleId} (revoke: true) now matches it`,
    };
  }
  const marker = parseLinkgateDescription(connection.description);
  if (marker?.expiresAt !== undefined && Date.parse(marker.expiresAt) <= now.getTime()) {
    return {
      connection,
      reason: "expired",
      ruleId: marker.ruleId,
      expiresAt: marker.expiresAt,
      why: `its time-bound approval by rule ${marker.ruleId} expired at ${marker.expiresAt}`,
    };
  }
  return undefined;
}

export interface RevocationPlan {
  readonly settings: RevocationSettings;
  /** Every connection the policy would revoke, in inventory order. */
  readonly candidates: readonly RevocationCandidate[];
  /** More candidates than `maxPerSweep`: the sweep revokes none and raises revocation-guard-tripped. */
  readonly guardTripped: boolean;
}

export interface PlanInput {
  readonly settings: RevocationSettings | undefined;
  readonly now: Date;
  readonly evaluate?: (facts: DecisionFacts) => Decision;
  readonly factsFor?: (c: PrivateEndpointConnection) => DecisionFacts | undefined;
}

/** The revocations a policy opted in to; undefined when it has not (`revocation` absent: never revoke). */
export function planRevocations(
  inv: Pick<Inventory, "connections">,
  input: PlanInput,
): RevocationPlan | undefined {
  const settings = input.settings;
  if (!settings) return undefined;
  const candidates: RevocationCandidate[] = [];
  for (const c of inv.connections) {
    if (c.status !== "Approved") continue;
    const facts = input.evaluate ? input.factsFor?.(c) : undefined;
    let decision: Decision | undefined;
    if (facts && input.evaluate) {
      try {
        decision = input.evaluate(facts);
      } catch (e) {
        throw new Error(`evaluating policy for ${c.id}: ${errorMessage(e)}`);
      }
    }
    const candidate = revocationOf(c, decision, input.now);
    if (candidate) candidates.push(candidate);
  }
  return { settings, candidates, guardTripped: candidates.length > settings.maxPerSweep };
}

/**
 * The plan built at most once, on first use, for a sweep whose guard check and revocation step both need it
 * (same inventory, policy and clock): every caller gets the same plan, or the same error if planning threw.
 */
export function planOnce(
  inv: Pick<Inventory, "connections">,
  input: PlanInput,
): () => RevocationPlan | undefined {
  let outcome: { plan: RevocationPlan | undefined } | { error: unknown } | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { plan: planRevocations(inv, input) };
      } catch (error) {
        outcome = { error };
      }
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.plan;
  };
}

/** The finding's words when the guard trips: how many, why, and what a human does next. */
export function guardMessage(plan: RevocationPlan): string {
  const expired = plan.candidates.filter((c) => c.reason === "expired").length;
  const byRule = plan.candidates.length - expired;
  const rules = [...new Set(plan.candidates.filter((c) => c.reason === "rule").map((c) => c.ruleId))];
  return (
    `${plan.candidates.length} connection(s) would be revoked in one sweep, over the policy's revocation.maxPerSweep ` +
    `of ${plan.settings.maxPerSweep}: ${expired} expired time-bound approval(s), ${byRule} matched by revoke rule(s)` +
    `${rules.length > 0 ? ` ${rules.join(", ")}` : ""}; none was revoked (revocation mode ${plan.settings.mode})`
  );
}
