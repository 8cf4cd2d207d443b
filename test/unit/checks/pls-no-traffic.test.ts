import { check } from "../../../src/core/checks/pls-no-traffic";
import { normalizeResourceId } from "../../../src/core/resourceId";
import { setMetric, byIdIn, checkTester, context, IDS, set, traffic } from "./builders";

const key = normalizeResourceId(IDS.pls);
const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";

checkTester(check, {
  valid: [
    { name: "only bytes out", estate: (e) => setMetric(e, IDS.pls, "PLSBytesIn", traffic(0)) },
    { name: "metrics not collected (unknown, not zero)", estate: (e) => delete e.metrics[key] },
    {
      name: "metric with no data points",
      estate: (e) => {
        setMetric(e, IDS.pls, "PLSBytesIn", { points: 0 });
        setMetric(e, IDS.pls, "PLSBytesOut", { points: 0 });
      },
    },
    {
      name: "zero bytes but no Approved connection",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), STATUS, "Pending");
        setMetric(e, IDS.pls, "PLSBytesIn", traffic(0));
        setMetric(e, IDS.pls, "PLSBytesOut", traffic(0));
      },
    },
  ],
  invalid: [
    {
      name: "Approved connection, zero bytes both ways",
      estate: (e) => {
        setMetric(e, IDS.pls, "PLSBytesIn", traffic(0));
        setMetric(e, IDS.pls, "PLSBytesOut", traffic(0));
      },
      ctx: context({}, { trafficWindowMinutes: 120 }),
      expect: [
        { resourceId: IDS.pls, message: ["1 Approved connection(s)", "total 0 over the last 120 min"] },
      ],
    },
  ],
});
