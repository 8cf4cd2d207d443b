import { check } from "../../../src/core/checks/pls-visibility-excludes-requester";
import { byIdIn, checkTester, CONSUMER_SUB, IDS, PROVIDER_SUB, set } from "./builders";

const VIS = "properties.visibility.subscriptions";
const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";

checkTester(check, {
  valid: [
    { name: "visibility is *", estate: (e) => set(byIdIn(e.pls, IDS.pls), VIS, ["*"]) },
    {
      name: "visibility lists the subscription in other casing",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), VIS, [CONSUMER_SUB.toUpperCase()]),
    },
    {
      name: "outside visibility but already Rejected",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB]);
        set(byIdIn(e.pls, IDS.pls), STATUS, "Rejected");
      },
    },
  ],
  invalid: [
    {
      name: "Approved connection from a subscription no longer visible",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB]),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [`from subscription ${CONSUMER_SUB}`, "(Approved)", PROVIDER_SUB],
        },
      ],
    },
    {
      name: "Pending connection with empty visibility",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, []);
        set(byIdIn(e.pls, IDS.pls), STATUS, "Pending");
      },
      expect: [{ resourceId: IDS.plsConnection, message: ["(Pending)", "[none]"] }],
    },
  ],
});
