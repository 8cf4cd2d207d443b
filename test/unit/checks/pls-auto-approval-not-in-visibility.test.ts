import { check } from "../../../src/core/checks/pls-auto-approval-not-in-visibility";
import { byIdIn, checkTester, CONSUMER_SUB, IDS, PROVIDER_SUB, set } from "./builders";

const OTHER = "44444444-4444-4444-4444-444444444444";

checkTester(check, {
  valid: [
    {
      name: "no auto-approval",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.autoApproval", undefined),
    },
    {
      name: "visibility *",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.visibility.subscriptions", ["*"]),
    },
    {
      name: "auto-approval equals visibility",
      estate: (e) =>
        set(byIdIn(e.pls, IDS.pls), "properties.autoApproval.subscriptions", [PROVIDER_SUB, CONSUMER_SUB]),
    },
  ],
  invalid: [
    {
      name: "auto-approves a subscription outside visibility",
      estate: (e) =>
        set(byIdIn(e.pls, IDS.pls), "properties.autoApproval.subscriptions", [CONSUMER_SUB, OTHER]),
      expect: [
        {
          resourceId: IDS.pls,
          message: [`auto-approves subscription(s) ${OTHER}`, "by resource ID", "approved automatically"],
        },
      ],
    },
    {
      name: "Restricted access mode: the entries outside visibility can never connect",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), "properties.autoApproval.subscriptions", [OTHER]);
        set(byIdIn(e.pls, IDS.pls), "properties.accessMode", "Restricted");
      },
      expect: [
        {
          resourceId: IDS.pls,
          message: [OTHER, "accessMode Restricted", "can never connect", "dead configuration"],
          severity: "warning",
        },
      ],
    },
  ],
});
