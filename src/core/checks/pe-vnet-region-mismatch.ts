import { idOf, locationOf, lookup, sameRegion } from "./arm";
import { endpointSubnetId, estateOf, vnetIdOfSubnet } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-vnet-region-mismatch";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "Private endpoint and its virtual network in different regions",
  description:
    "A private endpoint must be in the same region as the virtual network of its subnet (the target resource may be in any region). A mismatch comes from a template that sets the endpoint's location from the target instead of the VNet.",
  remediation:
    "Recreate the private endpoint with `location` equal to the virtual network's region (templates: use the VNet's location, not the target's).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      const vnetId = vnetIdOfSubnet(endpointSubnetId(pe));
      const vnet = lookup(e.virtualNetworks, vnetId);
      const peRegion = locationOf(pe);
      const vnetRegion = locationOf(vnet);
      if (!peId || !peRegion || !vnetRegion || sameRegion(peRegion, vnetRegion)) continue;
      out.push({
        resourceId: peId,
        message: `private endpoint ${peId} is in ${peRegion} but its virtual network ${vnetId} is in ${vnetRegion}`,
      });
    }
    return out;
  },
};
