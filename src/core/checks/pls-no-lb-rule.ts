import { idOf } from "./arm";
import { estateOf, plsFrontends } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-no-lb-rule";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "No load-balancing rule for the PLS frontend",
  description:
    "Traffic entering a Private Link Service leaves through the load balancer frontend it names. Without a load-balancing rule on that frontend the load balancer forwards nothing to the backend pool.",
  remediation:
    "Add a load-balancing rule (or an HA ports rule) on the frontend IP configuration the PLS uses, pointing at the backend pool and a health probe (`az network lb rule create --frontend-ip-name ...`).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      for (const f of plsFrontends(e, pls)) {
        // A missing frontend is pls-frontend-missing's finding; one problem, one finding.
        if (!f.frontend || f.rules.length > 0) continue;
        out.push({
          resourceId: plsId,
          discriminator: f.frontendId,
          message: `Private Link Service ${plsId}: load balancer ${idOf(f.lb)} has no load-balancing rule on frontend ${f.frontendId}`,
        });
      }
    }
    return out;
  },
};
