import { check } from "../../../src/core/checks/relay-pe-limit";
import { byIdIn, checkTester, connectionRaw, IDS, type Json, type TestEstate } from "./builders";

/** Gives the namespace `total` connections in its body (the healthy one included). */
const withConnections = (total: number) => (e: TestEstate) => {
  const ns = byIdIn(e.paas, IDS.relay);
  const list = (ns["properties"] as Json)["privateEndpointConnections"] as Json[];
  for (let i = 1; i < total; i++) {
    list.push(
      connectionRaw(
        `${IDS.relay}/privateEndpointConnections/pe-${i}.conn`,
        `${IDS.peApp}-${i}`,
        i % 3 === 0 ? "Rejected" : "Approved",
      ),
    );
  }
};

checkTester(check, {
  valid: [{ name: "55 connections: below the warning mark", estate: withConnections(55) }],
  invalid: [
    {
      name: "56 connections: warning",
      estate: withConnections(56),
      expect: [
        {
          resourceId: IDS.relay,
          message: ["has 56 private endpoint connections", "limit is 64"],
          severity: "warning",
        },
      ],
    },
    {
      name: "64 connections (Rejected ones count): error",
      estate: withConnections(64),
      expect: [{ resourceId: IDS.relay, message: ["has 64", "reached"], severity: "error" }],
    },
  ],
});
