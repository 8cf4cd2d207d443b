import { check } from "../../../src/core/checks/pls-backend-pool-empty";
import { byIdIn, checkTester, IDS, set } from "./builders";

const POOL = "properties.backendAddressPools.0.properties";

checkTester(check, {
  valid: [
    {
      name: "IP-based pool with addresses",
      estate: (e) => {
        set(byIdIn(e.loadBalancers, IDS.lb), `${POOL}.backendIPConfigurations`, []);
        set(byIdIn(e.loadBalancers, IDS.lb), `${POOL}.loadBalancerBackendAddresses`, [
          { name: "a1", properties: { ipAddress: "10.0.2.10" } },
        ]);
      },
    },
    { name: "load balancer not collected", estate: (e) => e.loadBalancers.splice(0) },
  ],
  invalid: [
    {
      name: "pool with no members",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), `${POOL}.backendIPConfigurations`, []),
      expect: [{ resourceId: IDS.pls, message: [`backend pool ${IDS.pool} has no members`] }],
    },
    {
      name: "rule names a pool that does not exist",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.backendAddressPools", []),
      expect: [{ resourceId: IDS.pls, message: ["which does not exist"] }],
    },
    {
      name: "no rules and no pools",
      estate: (e) => {
        set(byIdIn(e.loadBalancers, IDS.lb), "properties.loadBalancingRules", []);
        set(byIdIn(e.loadBalancers, IDS.lb), "properties.backendAddressPools", []);
      },
      expect: [{ resourceId: IDS.pls, message: ["has no backend pool"] }],
    },
  ],
});
