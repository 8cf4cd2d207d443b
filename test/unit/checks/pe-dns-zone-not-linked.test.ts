import { check } from "../../../src/core/checks/pe-dns-zone-not-linked";
import { byIdIn, checkTester, IDS, set, virtualNetworkLink } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "linked among other links, VNet ID in other casing",
      estate: (e) => {
        e.links.unshift(virtualNetworkLink(`${IDS.zone}/virtualNetworkLinks/link-app`, IDS.vnetApp));
        set(byIdIn(e.links, IDS.zoneLink), "properties.virtualNetwork.id", IDS.vnetHub.toUpperCase());
      },
    },
    { name: "zone not collected (unknown)", estate: (e) => e.zones.splice(0) },
  ],
  invalid: [
    {
      name: "zone has no links at all: error",
      estate: (e) => e.links.splice(0),
      expect: [
        {
          resourceId: IDS.zone,
          message: [IDS.vnetHub, "no virtual network links at all", IDS.peRelay],
          severity: "error",
        },
      ],
    },
    {
      name: "zone linked only to another VNet: warning",
      estate: (e) => set(byIdIn(e.links, IDS.zoneLink), "properties.virtualNetwork.id", IDS.vnetApp),
      expect: [{ resourceId: IDS.zone, message: ["1 link(s) to other networks"], severity: "warning" }],
    },
  ],
});
