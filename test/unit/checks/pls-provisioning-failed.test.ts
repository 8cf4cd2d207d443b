import { check } from "../../../src/core/checks/pls-provisioning-failed";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "Updating is transient, not failed",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.provisioningState", "Updating"),
    },
    {
      name: "no state reported",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.provisioningState", undefined),
    },
  ],
  invalid: [
    {
      name: "Failed",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.provisioningState", "Failed"),
      expect: [{ resourceId: IDS.pls, message: ["provisioningState Failed"] }],
    },
  ],
});
