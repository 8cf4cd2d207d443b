/** Decisions the engine makes without a rule, and the text a decision leaves on the connection. */
import type { Decision } from "../model";
import { formatExpiry } from "./approveFor";
import { formatPolicyError } from "./parse";
import type { PolicyError } from "./types";

export const INVALID_POLICY_RULE_ID = "invalid-policy";

/**
 * An invalid or unreadable policy never approves: every request stays Pending for a human, and the
 * reasons carry what was wrong with the policy.
 */
export function FAIL_CLOSED_DECISION(errors: readonly (PolicyError | string)[]): Decision {
  const reasons = errors.map((e) => (typeof e === "string" ? e : formatPolicyError(e)));
  return {
    action: "pending",
    ruleId: INVALID_POLICY_RULE_ID,
    message: "Left pending by linkgate: the policy is invalid",
    reasons: reasons.length > 0 ? reasons : ["the policy could not be loaded"],
  };
}

/**
 * Length limit for `privateLinkServiceConnectionState.description`. The REST specs document none; the
 * same field carries the consumer's request message, which providers cap at 128 to 140 characters
 * depending on the service (terraform-provider-azurerm #25610 measured both). 128 is the smallest seen,
 * so every provider accepts it.
 */
export const DESCRIPTION_MAX_LENGTH = 128;

const ELLIPSIS = "…";

/**
 * `[linkgate:<ruleId>] <message>` (`[linkgate:<ruleId>] until YYYY-MM-DD HH:MM UTC; <message>` when time-bound), single-line, at most `maxLength` UTF-16 units (what ARM counts), cut
 * on a code point boundary with an ellipsis. The rule id comes first so truncation never loses it.
 */
export function connectionDescription(
  decision: Decision,
  maxLength: number = DESCRIPTION_MAX_LENGTH,
): string {
  // Control characters (newlines included) would garble the portal and log lines.
  // eslint-disable-next-line no-control-regex
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  // A time-bound approval's expiry sits right after the marker: truncation never cuts it, and
  // parseLinkgateDescription (./approveFor.ts) reads it back from the description alone.
  const until = decision.expiresAt ? ` ${formatExpiry(decision.expiresAt)};` : "";
  const text = `[linkgate:${clean(decision.ruleId)}]${until} ${clean(decision.message)}`.trim();
  if (maxLength <= 0) return "";
  if (text.length <= maxLength) return text;
  const budget = maxLength - ELLIPSIS.length;
  let cut = "";
  for (const ch of text) {
    if (cut.length + ch.length > budget) break;
    cut += ch;
  }
  return budget > 0 ? cut.trimEnd() + ELLIPSIS : cut;
}
