import { policyDecisions } from "./policyDecisions";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-missed-event";

/**
 * Reports only. The sweep runner reconciles these connections through the approval path in enforce mode;
 * the finding says an event was missed (or arrived before the policy allowed a decision), which is worth
 * knowing because it means decisions lag by up to one sweep interval.
 */
export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Pending connection the policy would decide (missed event)",
  description:
    "A connection is still Pending although the current policy approves or rejects it. The connection event was missed or failed; the sweep's reconciliation is the safety net.",
  remediation:
    "In enforce mode the sweep reconciles the connection through the approval path in the same run; check the Event Grid subscription (delivery failures, dead-letter) and the function's logs for why the event did not decide it. In audit mode apply the decision by hand or switch to enforce.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const out: CheckResult[] = [];
    for (const { connection: c, decision } of policyDecisions(inv, ctx, "Pending")) {
      if (decision.action === "pending") continue;
      const then =
        ctx.policyMode === "enforce" ? "the sweep applies it now" : "audit mode: linkgate will not apply it";
      out.push({
        resourceId: c.id,
        message: `connection ${c.name} on ${c.targetId} is Pending but policy rule ${decision.ruleId} decides ${decision.action} (${then}); private endpoint ${c.privateEndpointId ?? "(unknown)"}`,
        data: { action: decision.action, ruleId: decision.ruleId },
      });
    }
    return out;
  },
};
