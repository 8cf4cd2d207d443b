import { check } from "../../../src/core/checks/pls-nat-port-usage-high";
import { checkTester, context, IDS, setMetric } from "./builders";

checkTester(check, {
  valid: [
    {
      name: "peak just below threshold",
      estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { average: 50, maximum: 79.9, points: 4 }),
    },
    { name: "no points", estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { points: 0 }) },
    {
      name: "threshold raised",
      estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { average: 85, maximum: 90, points: 4 }),
      ctx: context({}, { natPortThresholdPercent: 95 }),
    },
  ],
  invalid: [
    {
      name: "peak at the threshold",
      estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { average: 60, maximum: 80, points: 4 }),
      expect: [
        { resourceId: IDS.pls, message: ["used 80% of its NAT ports", "threshold 80%"], severity: "warning" },
      ],
    },
    {
      name: "average only, above threshold",
      estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { average: 91.26, points: 4 }),
      expect: [{ resourceId: IDS.pls, message: ["used 91.3%"], severity: "warning" }],
    },
    {
      name: "exhausted: error",
      estate: (e) => setMetric(e, IDS.pls, "PLSNatPortsUsage", { average: 97, maximum: 100, points: 4 }),
      expect: [{ resourceId: IDS.pls, message: ["used 100%"], severity: "error" }],
    },
  ],
});
