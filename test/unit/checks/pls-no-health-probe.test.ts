import { check } from "../../../src/core/checks/pls-no-health-probe";
import { byIdIn, checkTester, IDS, set } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "no rules at all (pls-no-lb-rule reports it)",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.loadBalancingRules", []),
    },
  ],
  invalid: [
    {
      name: "rule without probe",
      estate: (e) =>
        set(byIdIn(e.loadBalancers, IDS.lb), "properties.loadBalancingRules.0.properties.probe", undefined),
      expect: [{ resourceId: IDS.pls, message: ["rule rule-svc", "has no health probe"] }],
    },
    {
      name: "rule names a deleted probe",
      estate: (e) => set(byIdIn(e.loadBalancers, IDS.lb), "properties.probes", []),
      expect: [{ resourceId: IDS.pls, message: [`names probe ${IDS.probe}, which does not exist`] }],
    },
  ],
});
