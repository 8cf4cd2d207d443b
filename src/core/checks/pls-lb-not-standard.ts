import { asObject, asString, idOf } from "./arm";
import { estateOf, plsFrontends } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-lb-not-standard";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "PLS load balancer is not Standard SKU",
  description:
    "Private Link Service is supported only behind a Standard load balancer. A Basic (or Gateway) SKU load balancer cannot serve a PLS.",
  remediation:
    "Upgrade the load balancer to Standard (see Microsoft's Basic to Standard upgrade guidance), or move the frontend and backends to a Standard internal load balancer and repoint the PLS.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const seen = new Set<string>();
      for (const f of plsFrontends(e, pls)) {
        const lbId = idOf(f.lb);
        if (!f.lb || !lbId || seen.has(lbId.toLowerCase())) continue;
        seen.add(lbId.toLowerCase());
        const sku = asString(asObject(f.lb["sku"])?.["name"]);
        if (sku?.toLowerCase() === "standard") continue;
        out.push({
          resourceId: plsId,
          discriminator: lbId,
          message: `Private Link Service ${plsId} uses load balancer ${lbId} with SKU ${sku ?? "(not reported)"}; Private Link Service requires Standard`,
          data: { sku: sku ?? "" },
        });
      }
    }
    return out;
  },
};
