import { asArray, asString, idOf, lookup, props, refId } from "./arm";
import { estateOf } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-subnet-network-policies-enabled";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "PLS subnet has privateLinkServiceNetworkPolicies enabled",
  description:
    "The subnet a Private Link Service takes its NAT IP addresses from must have privateLinkServiceNetworkPolicies Disabled; with network policies enabled the PLS source NAT cannot be set up there.",
  remediation:
    "Disable the policy on the subnet: `az network vnet subnet update --disable-private-link-service-network-policies true --vnet-name <vnet> --name <subnet> -g <rg>`.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const seen = new Set<string>();
      for (const ipc of asArray(props(pls)["ipConfigurations"])) {
        const subnetId = refId(props(ipc)["subnet"]);
        if (!subnetId || seen.has(subnetId.toLowerCase())) continue;
        seen.add(subnetId.toLowerCase());
        const subnet = lookup(e.subnets, subnetId);
        // Only an explicit "Enabled" counts: a collector that did not read the subnet must not raise an error.
        const value = asString(props(subnet)["privateLinkServiceNetworkPolicies"]);
        if (value?.toLowerCase() !== "enabled") continue;
        out.push({
          resourceId: subnetId,
          discriminator: plsId,
          message: `subnet ${subnetId} used by Private Link Service ${plsId} has privateLinkServiceNetworkPolicies Enabled; it must be Disabled`,
        });
      }
    }
    return out;
  },
};
