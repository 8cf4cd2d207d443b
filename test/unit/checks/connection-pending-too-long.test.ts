import { check } from "../../../src/core/checks/connection-pending-too-long";
import { byIdIn, checkTester, context, IDS, set, type TestEstate } from "./builders";

const pendingRelay = (lastModifiedAt: string) => (e: TestEstate) => {
  const ns = byIdIn(e.paas, IDS.relay);
  set(
    ns,
    "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
    "Pending",
  );
  set(ns, "properties.privateEndpointConnections.0.systemData.lastModifiedAt", lastModifiedAt);
};

checkTester(check, {
  valid: [
    { name: "Pending for less than the threshold", estate: pendingRelay("2025-03-01T00:00:00Z") },
    { name: "Pending exactly at the threshold", estate: pendingRelay("2025-02-28T12:00:00Z") },
    {
      name: "Pending with no timestamp anywhere (age unknown)",
      estate: (e) => {
        set(
          byIdIn(e.pls, IDS.pls),
          "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
          "Pending",
        );
      },
    },
    {
      name: "old but Approved",
      estate: (e) =>
        set(
          byIdIn(e.paas, IDS.relay),
          "properties.privateEndpointConnections.0.systemData.lastModifiedAt",
          "2024-01-01T00:00:00Z",
        ),
    },
    {
      name: "threshold raised above the age",
      estate: pendingRelay("2025-02-27T12:00:00Z"),
      ctx: context({}, { pendingThresholdHours: 72 }),
    },
  ],
  invalid: [
    {
      name: "Pending for 51 h with a 24 h threshold",
      estate: pendingRelay("2025-02-27T09:00:00Z"),
      expect: [
        { resourceId: IDS.relayConnection, message: ["Pending for 51 h", "threshold 24 h", IDS.peRelay] },
      ],
    },
    {
      name: "PLS connection aged by the consumer endpoint's creation time",
      estate: (e) => {
        set(
          byIdIn(e.pls, IDS.pls),
          "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
          "Pending",
        );
        set(byIdIn(e.privateEndpoints, IDS.peApp), "systemData.createdAt", "2025-02-25T12:00:00Z");
      },
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["Pending for 96 h", "private endpoint systemData.createdAt"],
        },
      ],
    },
    {
      name: "threshold lowered to 1 h",
      estate: pendingRelay("2025-03-01T09:30:00Z"),
      ctx: context({}, { pendingThresholdHours: 1 }),
      expect: [{ resourceId: IDS.relayConnection, message: ["Pending for 2 h", "threshold 1 h"] }],
    },
  ],
});
