import { check } from "../../../src/core/checks/pls-visibility-excludes-requester";
import { byIdIn, checkTester, CONSUMER_SUB, IDS, PROVIDER_SUB, set } from "./builders";

const VIS = "properties.visibility.subscriptions";
const MODE = "properties.accessMode";
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
    {
      name: "Restricted access mode and the requester inside visibility",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB, CONSUMER_SUB]);
        set(byIdIn(e.pls, IDS.pls), MODE, "Restricted");
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
    {
      name: "Default access mode: outside visibility it can still connect by resource ID (warning)",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB]);
        set(byIdIn(e.pls, IDS.pls), MODE, "Default");
      },
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["accessMode Default", "by resource ID", "by alias"],
          severity: "warning",
        },
      ],
    },
    {
      name: "Restricted access mode: a requester outside visibility is refused (error)",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB]);
        set(byIdIn(e.pls, IDS.pls), MODE, "Restricted");
      },
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [
            "accessMode Restricted",
            "limits access to the subscriptions in its visibility",
            CONSUMER_SUB,
          ],
          severity: "error",
        },
      ],
    },
    {
      name: "an access mode linkgate does not know is named, not guessed",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), VIS, [PROVIDER_SUB]);
        set(byIdIn(e.pls, IDS.pls), MODE, "Partner");
      },
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ['accessMode "Partner"', "not known"],
          severity: "warning",
        },
      ],
    },
  ],
});
