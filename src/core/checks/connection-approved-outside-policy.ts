import { arrivalPath, describeArrival } from "./arrivalPath";
import { estateOf } from "./estate";
import { policyDecisions } from "./policyDecisions";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-approved-outside-policy";

/**
 * Approved connections the current policy would leave pending (a rejection is connection-policy-drift's
 * finding), with the path they arrived by. Reports only: linkgate never revokes an approval on its own.
 * A known bypass (inherited approvalReference, PLS auto-approval, an older linkgate rule) is a warning; an
 * approval whose path cannot be seen (by hand, or unseen) is info.
 */
export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Approved connection the current policy would not approve",
  description:
    "A connection is Approved although the policy as it stands today would leave such a request pending. It arrived without passing the policy: inherited from an approved endpoint (approvalReference, Network 2026-01-01), through the Private Link Service's auto-approval list, approved by linkgate under an older policy, or by hand. The finding names the path when the inventory shows it.",
  remediation:
    "Decide whether the connection should stay: if yes, add a policy rule that approves it (check with `linkgate decide --policy FILE --request FILE --explain`); if no, reject it (`az network private-endpoint-connection reject --id <connection id>`) and close the path it came by (remove the subscription from the PLS auto-approval list, or restrict who may create endpoints with approvalReference).",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const { connection: c, decision } of policyDecisions(inv, ctx, "Approved")) {
      if (decision.action !== "pending") continue;
      const path = arrivalPath(e, c);
      const data: Record<string, string> = { ruleId: decision.ruleId, arrivedBy: path.kind };
      if (path.kind === "approval-reference") data["referencedEndpointId"] = path.referencedEndpointId;
      if (path.kind === "linkgate") data["approvedByRule"] = path.ruleId;
      out.push({
        resourceId: c.id,
        message: `connection ${c.name} on ${c.targetId} is Approved but the current policy would leave it pending (${decision.ruleId}); ${describeArrival(path, c)}`,
        severity: path.kind === "unknown" ? "info" : undefined,
        data,
      });
    }
    return out;
  },
};
