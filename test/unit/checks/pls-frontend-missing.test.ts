import { check } from "../../../src/core/checks/pls-frontend-missing";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "frontend ID in other casing",
      estate: (e) =>
        set(byIdIn(e.pls, IDS.pls), "properties.loadBalancerFrontendIpConfigurations", [
          { id: IDS.frontend.toLowerCase() },
        ]),
    },
  ],
  invalid: [
    {
      name: "PLS names no frontend",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.loadBalancerFrontendIpConfigurations", []),
      expect: [{ resourceId: IDS.pls, message: ["names no load balancer frontend"] }],
    },
    {
      name: "frontend removed from the load balancer",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.frontendIPConfigurations", []),
      expect: [
        {
          resourceId: IDS.pls,
          message: [IDS.frontend, `load balancer ${IDS.lb} has no frontend IP configuration`],
        },
      ],
    },
    {
      name: "load balancer deleted",
      estate: (e) => e.loadBalancers.splice(0),
      expect: [{ resourceId: IDS.pls, message: [`load balancer ${IDS.lb} was not found`] }],
    },
  ],
});
