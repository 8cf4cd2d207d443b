import { check } from "../../../src/core/checks/connection-stale-state";
import { byIdIn, checkTester, IDS, set } from "./builders";

const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";

checkTester(check, {
  valid: [
    { name: "Pending connection", estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Pending") },
    {
      name: "status with unknown value is not guessed",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Frobbed"),
    },
  ],
  invalid: [
    {
      name: "Rejected PLS connection",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Rejected"),
      expect: [{ resourceId: IDS.plsConnection, message: ["is Rejected", "still present", IDS.peApp] }],
    },
    {
      name: "Removed PLS connection",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Removed"),
      expect: [{ resourceId: IDS.plsConnection, message: ["is Removed"] }],
    },
    {
      name: "Disconnected Relay connection (status casing as the provider wrote it)",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), STATUS, "disconnected"),
      expect: [{ resourceId: IDS.relayConnection, message: ["is Disconnected"] }],
    },
  ],
});
