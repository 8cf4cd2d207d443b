import { asString, idOf, props } from "./arm";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-provisioning-failed";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "PLS provisioning failed",
  description:
    "The Private Link Service's provisioningState is Failed: its last update did not apply, and its current configuration (frontends, NAT IPs, visibility) may not be in effect.",
  remediation:
    "Read the failed operation in the resource group's Activity log, fix its cause (often the subnet's network policies or a missing frontend), then re-apply the PLS (`az network private-link-service update` with the same settings, or redeploy the template).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      const state = asString(props(pls)["provisioningState"]);
      if (!plsId || state?.toLowerCase() !== "failed") continue;
      out.push({
        resourceId: plsId,
        message: `Private Link Service ${plsId} has provisioningState ${state}`,
      });
    }
    return out;
  },
};
