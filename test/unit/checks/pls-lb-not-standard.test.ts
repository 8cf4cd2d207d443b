import { check } from "../../../src/core/checks/pls-lb-not-standard";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "Standard in lower case",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "sku.name", "standard"),
    },
    {
      name: "load balancer not collected (reported by pls-frontend-missing)",
      estate: (e) => e.loadBalancers.splice(0),
    },
  ],
  invalid: [
    {
      name: "Basic SKU",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "sku", { name: "Basic" }),
      expect: [{ resourceId: IDS.pls, message: [IDS.lb, "SKU Basic", "requires Standard"] }],
    },
    {
      name: "SKU missing from the body",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "sku", undefined),
      expect: [{ resourceId: IDS.pls, message: ["(not reported)"] }],
    },
  ],
});
