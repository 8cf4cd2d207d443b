import type { ArmJson } from "../inventory";
import { sameResourceId } from "../resourceId";
import { asArray, idOf, props, refId } from "./arm";
import { estateOf, plsFrontends } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-backend-pool-empty";

/** A pool has members either as NIC ip configurations or as IP-based backend addresses. */
function members(pool: ArmJson): number {
  const p = props(pool);
  return asArray(p["backendIPConfigurations"]).length + asArray(p["loadBalancerBackendAddresses"]).length;
}

export const check: Check = {
  id: ID,
  severity: "error",
  title: "PLS backend pool empty",
  description:
    "The backend pool behind the PLS frontend's load-balancing rules has no members (no NIC ip configurations and no backend addresses), or a rule names a pool that does not exist. Connections through the PLS reach nothing.",
  remediation:
    "Add the service's VMs / scale set NICs or IP addresses to the backend pool (`az network nic ip-config address-pool add`, or `az network lb address-pool address add`).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      for (const f of plsFrontends(e, pls)) {
        if (!f.lb) continue;
        const pools = asArray(props(f.lb)["backendAddressPools"]);
        const poolIds = new Set<string>();
        for (const rule of f.rules) {
          const p = props(rule);
          const refs = [refId(p["backendAddressPool"]), ...asArray(p["backendAddressPools"]).map(idOf)];
          for (const r of refs) if (r) poolIds.add(r.toLowerCase());
        }
        // With no rule the pool in use is unknowable (pls-no-lb-rule reports that); judge every pool then.
        const judged = f.rules.length > 0 ? [...poolIds] : pools.map(idOf).filter((x): x is string => !!x);
        if (f.rules.length === 0 && pools.length === 0) {
          out.push({
            resourceId: plsId,
            discriminator: idOf(f.lb),
            message: `Private Link Service ${plsId}: load balancer ${idOf(f.lb)} has no backend pool`,
          });
          continue;
        }
        for (const poolId of judged) {
          const pool = pools.find((p) => sameResourceId(idOf(p), poolId));
          if (pool && members(pool) > 0) continue;
          out.push({
            resourceId: plsId,
            discriminator: poolId.toLowerCase(),
            message: pool
              ? `Private Link Service ${plsId}: backend pool ${idOf(pool)} has no members`
              : `Private Link Service ${plsId}: a rule names backend pool ${poolId}, which does not exist on ${idOf(f.lb)}`,
          });
        }
      }
    }
    return out;
  },
};
