import { check } from "../../../src/core/checks/pe-no-traffic";
import { normalizeResourceId } from "../../../src/core/resourceId";
import { setMetric, byIdIn, checkTester, IDS, set, traffic, type TestEstate } from "./builders";

const key = normalizeResourceId(IDS.peRelay);
const zero = (e: TestEstate) => {
  setMetric(e, IDS.peRelay, "PEBytesIn", traffic(0));
  setMetric(e, IDS.peRelay, "PEBytesOut", traffic(0));
};

checkTester(check, {
  valid: [
    { name: "no metrics for the endpoint", estate: (e) => delete e.metrics[key] },
    { name: "zero in, some out", estate: (e) => setMetric(e, IDS.peRelay, "PEBytesIn", traffic(0)) },
    {
      name: "zero bytes but the connection is Pending",
      estate: (e) => {
        zero(e);
        set(
          byIdIn(e.privateEndpoints, IDS.peRelay),
          "properties.privateLinkServiceConnections.0.properties.privateLinkServiceConnectionState.status",
          "Pending",
        );
      },
    },
  ],
  invalid: [
    {
      name: "Approved endpoint with zero bytes",
      estate: zero,
      expect: [
        { resourceId: IDS.peRelay, message: ["is Approved but PEBytesIn and PEBytesOut total 0", "60 min"] },
      ],
    },
  ],
});
