import { check } from "../../../src/core/checks/pe-no-dns-zone-group";
import { checkTester } from "./builders";
import { IDS } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "endpoint to a Private Link Service has no zone group (custom service, no privatelink zone)",
      estate: () => {},
    },
  ],
  invalid: [
    {
      name: "Relay endpoint without zone group",
      estate: (e) => e.zoneGroups.splice(0),
      expect: [{ resourceId: IDS.peRelay, message: ["has no private DNS zone group"] }],
    },
  ],
});
