import { check } from "../../../src/core/checks/pe-vnet-region-mismatch";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "display name vs programmatic name of one region",
      estate: (e) => set(byIdIn(e.privateEndpoints, IDS.peRelay), "location", "East US"),
    },
    {
      name: "VNet not collected",
      estate: (e) => (e.virtualNetworks = e.virtualNetworks.filter((v) => v["id"] !== IDS.vnetHub)),
    },
  ],
  invalid: [
    {
      name: "endpoint in the target's region, VNet elsewhere",
      estate: (e) => set(byIdIn(e.privateEndpoints, IDS.peApp), "location", "westeurope"),
      expect: [{ resourceId: IDS.peApp, message: ["is in westeurope", `${IDS.vnetApp} is in eastus`] }],
    },
  ],
});
