import { arrivalPath, describeArrival } from "./arrivalPath";
import { estateOf } from "./estate";
import { policyDecisions } from "./policyDecisions";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-policy-drift";

/** Reports only: linkgate never revokes an Approved connection on its own, a human decides. */
export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Approved connection the current policy would reject",
  description:
    "A connection is Approved but the policy as it stands today rejects such a request: it was approved by hand, by an older policy, by Azure auto-approval outside the policy, or inherited from an approved endpoint (approvalReference). The finding names the path when the inventory shows it.",
  remediation:
    "Decide whether the connection should stay: if yes, add or widen a policy rule that approves it (and confirm with `linkgate decide --policy FILE --request FILE --explain`); if no, reject it (`az network private-endpoint-connection reject --id <connection id>`).",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const { connection: c, decision } of policyDecisions(inv, ctx, "Approved")) {
      if (decision.action !== "reject") continue;
      const path = arrivalPath(e, c);
      out.push({
        resourceId: c.id,
        message: `connection ${c.name} on ${c.targetId} is Approved but policy rule ${decision.ruleId} would reject it; private endpoint ${c.privateEndpointId ?? "(unknown)"}; ${describeArrival(path, c)}`,
        data: { ruleId: decision.ruleId, arrivedBy: path.kind },
      });
    }
    return out;
  },
};
