import { check } from "../../../src/core/checks/connection-approval-expired";
import { byIdIn, checkTester, context, IDS, set } from "./builders";

const DESC =
  "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.description";
const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";
// builders' NOW is 2025-03-01T12:00:00Z.
const PAST = "[linkgate:partner-temp] until 2025-03-01 11:59 UTC; Approved by linkgate rule partner-temp";
const NOW_EXACT = "[linkgate:partner-temp] until 2025-03-01 12:00 UTC; Approved";
const FUTURE = "[linkgate:partner-temp] until 2025-03-01 12:01 UTC; Approved";

checkTester(check, {
  valid: [
    { name: "expiry still ahead", estate: (e) => set(byIdIn(e.paas, IDS.relay), DESC, FUTURE) },
    {
      name: "linkgate approval without expiry",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), DESC, "[linkgate:corp] Approved by linkgate rule corp"),
    },
    {
      name: "a human's description that merely mentions an expiry",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), DESC, `approved by alice, was ${PAST}`),
    },
    {
      name: "expired, but already Rejected",
      estate: (e) => {
        set(byIdIn(e.paas, IDS.relay), DESC, PAST);
        set(byIdIn(e.paas, IDS.relay), STATUS, "Rejected");
      },
    },
    {
      name: "an expiry that is no real minute is not read as time-bound",
      estate: (e) =>
        set(byIdIn(e.paas, IDS.relay), DESC, "[linkgate:partner-temp] until 2025-02-30 11:00 UTC; x"),
    },
  ],
  invalid: [
    {
      name: "expired a minute ago, no revocation opt-in",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), DESC, PAST),
      expect: [
        {
          resourceId: IDS.relayConnection,
          message: ["rule partner-temp until 2025-03-01T11:59:00Z", "does not opt in to revocation"],
        },
      ],
    },
    {
      name: "expiring exactly now, revocation enforced",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), DESC, NOW_EXACT),
      ctx: context({ revocation: { mode: "enforce", maxPerSweep: 5 } }),
      expect: [{ resourceId: IDS.plsConnection, message: ["revocation (enforce) revokes it"] }],
    },
    {
      name: "revocation in audit mode says so",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), DESC, PAST),
      ctx: context({ revocation: { mode: "audit", maxPerSweep: 5 } }),
      expect: [{ resourceId: IDS.relayConnection, message: ["audit mode: it is reported, never revoked"] }],
    },
  ],
});
