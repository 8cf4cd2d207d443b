import { idOf } from "./arm";
import { connectionsOf, estateOf, metric } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-no-traffic";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Approved PLS connections but no bytes in or out",
  description:
    "A Private Link Service has Approved connections, yet its PLSBytesIn and PLSBytesOut metrics total zero over the sweep window. Either the consumers do not use it or traffic is being dropped (load balancer, backends, NSG, DNS on the consumer side). Metrics arrive about 10 minutes late, so the window should be well above that.",
  remediation:
    "Test from a consumer through its private endpoint; check the load balancer's health probe status and the backends; if the connection is no longer used, ask the consumer to remove it.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const approved = connectionsOf(e, plsId).filter((c) => c.status === "Approved").length;
      if (approved === 0) continue;
      const bytesIn = metric(e, plsId, "PLSBytesIn");
      const bytesOut = metric(e, plsId, "PLSBytesOut");
      // No metric points is "unknown" (not collected, or not yet emitted): never read it as zero traffic.
      if (!bytesIn || !bytesOut || bytesIn.points === 0 || bytesOut.points === 0) continue;
      if ((bytesIn.total ?? 0) > 0 || (bytesOut.total ?? 0) > 0) continue;
      out.push({
        resourceId: plsId,
        message: `Private Link Service ${plsId} has ${approved} Approved connection(s) but PLSBytesIn and PLSBytesOut total 0 over the last ${ctx.settings.trafficWindowMinutes} min`,
        data: { approvedConnections: approved, windowMinutes: ctx.settings.trafficWindowMinutes },
      });
    }
    return out;
  },
};
