import { check } from "../../../src/core/checks/pls-no-lb-rule";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "frontend missing altogether (pls-frontend-missing reports it)",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.frontendIPConfigurations", []),
    },
  ],
  invalid: [
    {
      name: "no rules",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.loadBalancingRules", []),
      expect: [{ resourceId: IDS.pls, message: ["no load-balancing rule on frontend", IDS.frontend] }],
    },
    {
      name: "rule on another frontend only",
      estate: (e) =>
        set(
          byIdIn(e.loadBalancers, IDS.lb),
          "properties.loadBalancingRules.0.properties.frontendIPConfiguration.id",
          `${IDS.lb}/frontendIPConfigurations/fe-other`,
        ),
      expect: [{ resourceId: IDS.pls, message: ["no load-balancing rule"] }],
    },
  ],
});
