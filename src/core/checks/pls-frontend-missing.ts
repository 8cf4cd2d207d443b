import { idOf } from "./arm";
import { estateOf, plsFrontends, safeParent } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-frontend-missing";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "PLS load balancer frontend IP configuration missing",
  description:
    "A Private Link Service forwards to a load balancer frontend IP configuration. If the PLS names none, or names one that no longer exists on the load balancer (or the load balancer is gone), no traffic can reach the backends.",
  remediation:
    "Point the PLS at an existing frontend IP configuration of a Standard internal load balancer (`az network private-link-service update --lb-frontend-ip-configs <id>`), or recreate the frontend on the load balancer.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const frontends = plsFrontends(e, pls);
      if (frontends.length === 0) {
        out.push({
          resourceId: plsId,
          message: `Private Link Service ${plsId} names no load balancer frontend IP configuration`,
        });
        continue;
      }
      for (const f of frontends) {
        if (f.frontend) continue;
        const why = f.lb
          ? `load balancer ${idOf(f.lb)} has no frontend IP configuration ${f.frontendId}`
          : `load balancer ${safeParent(f.frontendId) ?? f.frontendId} was not found`;
        out.push({
          resourceId: plsId,
          discriminator: f.frontendId,
          message: `Private Link Service ${plsId} names frontend ${f.frontendId}, but ${why}`,
        });
      }
    }
    return out;
  },
};
