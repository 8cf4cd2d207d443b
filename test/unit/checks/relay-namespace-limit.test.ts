import { check } from "../../../src/core/checks/relay-namespace-limit";
import {
  checkTester,
  connectionRaw,
  IDS,
  PROVIDER_SUB,
  relayNamespace,
  type Json,
  type TestEstate,
} from "./builders";

const withNamespaces =
  (total: number, connected = true) =>
  (e: TestEstate) => {
    for (let i = 1; i < total; i++) {
      const ns = relayNamespace();
      const id = `${IDS.relay}-${i}`;
      ns["id"] = id;
      ns["name"] = `relay-prod-${i}`;
      (ns["properties"] as Json)["privateEndpointConnections"] = connected
        ? [connectionRaw(`${id}/privateEndpointConnections/c`, IDS.peRelay, "Approved")]
        : [];
      e.paas.push(ns);
    }
  };

checkTester(check, {
  valid: [
    { name: "55 namespaces with private endpoints", estate: withNamespaces(55) },
    { name: "100 namespaces but only one with private endpoints", estate: withNamespaces(100, false) },
  ],
  invalid: [
    {
      name: "56 namespaces: warning",
      estate: withNamespaces(56),
      expect: [
        {
          resourceId: `/subscriptions/${PROVIDER_SUB}`,
          message: ["has 56 Relay namespaces with private endpoints"],
          severity: "warning",
        },
      ],
    },
    {
      name: "64 namespaces: error",
      estate: withNamespaces(64),
      expect: [{ resourceId: `/subscriptions/${PROVIDER_SUB}`, message: ["has 64"], severity: "error" }],
    },
  ],
});
