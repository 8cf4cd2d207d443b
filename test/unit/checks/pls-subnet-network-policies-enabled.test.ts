import { check } from "../../../src/core/checks/pls-subnet-network-policies-enabled";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "subnet not collected",
      estate: (e) => {
        e.subnets = e.subnets.filter((s) => s["id"] !== IDS.subnetPls);
        e.virtualNetworks = e.virtualNetworks.filter((v) => v["id"] !== IDS.vnetSvc);
      },
    },
    {
      name: "property absent (not read as Enabled)",
      estate: (e) =>
        set(byIdIn(e.subnets, IDS.subnetPls), "properties.privateLinkServiceNetworkPolicies", undefined),
    },
  ],
  invalid: [
    {
      name: "Enabled on the PLS subnet",
      estate: (e) =>
        set(byIdIn(e.subnets, IDS.subnetPls), "properties.privateLinkServiceNetworkPolicies", "Enabled"),
      expect: [
        { resourceId: IDS.subnetPls, message: ["privateLinkServiceNetworkPolicies Enabled", IDS.pls] },
      ],
    },
    {
      name: "Enabled, subnet known only from its virtual network",
      estate: (e) => {
        e.subnets = e.subnets.filter((s) => s["id"] !== IDS.subnetPls);
        set(
          byIdIn(e.virtualNetworks, IDS.vnetSvc),
          "properties.subnets.0.properties.privateLinkServiceNetworkPolicies",
          "Enabled",
        );
      },
      expect: [{ resourceId: IDS.subnetPls, message: ["must be Disabled"] }],
    },
  ],
});
