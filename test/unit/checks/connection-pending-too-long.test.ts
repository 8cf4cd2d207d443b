import { check } from "../../../src/core/checks/connection-pending-too-long";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import { byIdIn, checkTester, context, IDS, NOW, set, type TestEstate } from "./builders";

const pendingRelay = (lastModifiedAt: string) => (e: TestEstate) => {
  const ns = byIdIn(e.paas, IDS.relay);
  set(
    ns,
    "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
    "Pending",
  );
  set(ns, "properties.privateEndpointConnections.0.systemData.lastModifiedAt", lastModifiedAt);
};

/** A Pending PLS connection with no timestamp anywhere: only linkgate's own first-seen record can date it. */
const pendingPls = (e: TestEstate) =>
  set(
    byIdIn(e.pls, IDS.pls),
    "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status",
    "Pending",
  );

/** linkgate first saw the PLS connection Pending `hoursAgo` before the sweep (and knows nothing else). */
const firstSeen = (hoursAgo: number, threshold = 24) =>
  context(
    {
      pendingFirstSeen: (c: PrivateEndpointConnection) =>
        c.id.toLowerCase() === IDS.plsConnection.toLowerCase()
          ? new Date(NOW.getTime() - hoursAgo * 3_600_000)
          : undefined,
    },
    { pendingThresholdHours: threshold },
  );

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
    {
      name: "PLS connection first seen Pending by linkgate 23 h ago (younger than the threshold)",
      estate: pendingPls,
      ctx: firstSeen(23),
    },
    {
      name: "PLS connection first seen Pending exactly at the threshold",
      estate: pendingPls,
      ctx: firstSeen(24),
    },
    {
      name: "first-seen record for a connection that is no longer Pending",
      estate: () => {},
      ctx: firstSeen(100),
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
      name: "PLS connection without systemData dated from linkgate's first sighting, saying so",
      estate: pendingPls,
      ctx: firstSeen(30),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [
            "Pending for at least 30 h",
            "first seen Pending by linkgate at 2025-02-28T06:00:00.000Z",
            "the provider gives no creation time",
            "threshold 24 h",
          ],
        },
      ],
    },
    {
      name: "a provider timestamp wins over linkgate's first sighting",
      estate: (e) => {
        pendingPls(e);
        set(byIdIn(e.privateEndpoints, IDS.peApp), "systemData.createdAt", "2025-02-25T12:00:00Z");
      },
      ctx: firstSeen(30),
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
