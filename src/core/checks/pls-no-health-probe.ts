import { asArray, asString, idOf, props, refId } from "./arm";
import { estateOf, plsFrontends } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-no-health-probe";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "PLS load-balancing rule without a health probe",
  description:
    "A load-balancing rule on the PLS frontend has no health probe, or names a probe that does not exist. The load balancer then cannot take an unhealthy backend out of rotation, so consumers see intermittent failures.",
  remediation:
    "Create a health probe that checks the service port (`az network lb probe create`) and attach it to the rule (`az network lb rule update --probe-name ...`).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      for (const f of plsFrontends(e, pls)) {
        const probeIds = new Set(
          asArray(props(f.lb)["probes"])
            .map((p) => idOf(p)?.toLowerCase())
            .filter((x): x is string => !!x),
        );
        for (const rule of f.rules) {
          const probeId = refId(props(rule)["probe"]);
          if (probeId && probeIds.has(probeId.toLowerCase())) continue;
          const ruleName = asString(rule["name"]) ?? idOf(rule) ?? "(unnamed)";
          out.push({
            resourceId: plsId,
            discriminator: idOf(rule) ?? ruleName,
            message: probeId
              ? `Private Link Service ${plsId}: rule ${ruleName} on ${idOf(f.lb)} names probe ${probeId}, which does not exist`
              : `Private Link Service ${plsId}: rule ${ruleName} on ${idOf(f.lb)} has no health probe`,
          });
        }
      }
    }
    return out;
  },
};
