import { idOf } from "./arm";
import { estateOf, metric } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-nat-port-usage-high";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "PLS NAT port usage high",
  description:
    "PLSNatPortsUsage (percent of the source NAT ports in use) reached the threshold (LINKGATE_NAT_PORT_THRESHOLD_PERCENT, default 80) during the sweep window. At 100% new connections through the PLS fail. Warning at the threshold, error at 100%.",
  remediation:
    "Add NAT IP configurations to the PLS (up to 8; each adds 64k ports per backend VM), or spread consumers across more PLS instances.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const threshold = ctx.settings.natPortThresholdPercent;
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const m = metric(e, plsId, "PLSNatPortsUsage");
      if (!m || m.points === 0) continue;
      // The peak matters: exhaustion for one time grain already fails connections.
      const peak = m.maximum ?? m.average;
      if (peak === undefined || peak < threshold) continue;
      out.push({
        resourceId: plsId,
        severity: peak >= 100 ? "error" : "warning",
        message: `Private Link Service ${plsId} used ${Math.round(peak * 10) / 10}% of its NAT ports over the last ${ctx.settings.trafficWindowMinutes} min (threshold ${threshold}%)`,
        data: { peakPercent: peak, thresholdPercent: threshold },
      });
    }
    return out;
  },
};
