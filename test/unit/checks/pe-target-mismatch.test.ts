import { check } from "../../../src/core/checks/pe-target-mismatch";
import { byIdIn, checkTester, IDS, privateEndpoint, PROVIDER_SUB, set, CONSUMER_SUB } from "./builders";

const TARGET = "properties.privateLinkServiceConnections.0.properties.privateLinkServiceId";
const otherAlias = "pls-svc.99999999-0000-4000-8000-000000000000.eastus.azure.privatelinkservice";
const strayPe = `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-stray`;

checkTester(check, {
  valid: [
    {
      name: "endpoint names the PLS by alias",
      estate: (e) => set(byIdIn(e.privateEndpoints, IDS.peApp), TARGET, IDS.plsAlias),
    },
    {
      name: "endpoint names the PLS ID in other casing",
      estate: (e) => set(byIdIn(e.privateEndpoints, IDS.peApp), TARGET, IDS.pls.toUpperCase()),
    },
    {
      name: "manual connection naming the alias",
      estate: (e) => {
        e.privateEndpoints[0] = privateEndpoint({
          id: IDS.peApp,
          location: "eastus",
          subnetId: IDS.subnetApp,
          targetId: IDS.plsAlias,
          status: "Pending",
          manual: true,
        });
      },
    },
    {
      name: "endpoint to a PLS outside the swept subscriptions (unknown, not wrong)",
      estate: (e) =>
        e.privateEndpoints.push(
          privateEndpoint({
            id: strayPe,
            location: "eastus",
            subnetId: IDS.subnetApp,
            targetId:
              "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/x/providers/Microsoft.Network/privateLinkServices/theirs",
            status: "Approved",
          }),
        ),
    },
    {
      name: "endpoint to someone else's alias",
      estate: (e) =>
        e.privateEndpoints.push(
          privateEndpoint({
            id: strayPe,
            location: "eastus",
            subnetId: IDS.subnetApp,
            targetId: "partner.abc.westeurope.azure.privatelinkservice",
            status: "Approved",
          }),
        ),
    },
  ],
  invalid: [
    {
      name: "connected endpoint names a stale alias",
      estate: (e) => set(byIdIn(e.privateEndpoints, IDS.peApp), TARGET, otherAlias),
      expect: [
        {
          resourceId: IDS.peApp,
          message: ["automatic connection conn", "is connected to", IDS.plsAlias, otherAlias],
        },
      ],
    },
    {
      name: "manual connection to a mistyped alias of our PLS",
      estate: (e) =>
        e.privateEndpoints.push(
          privateEndpoint({
            id: strayPe,
            location: "eastus",
            subnetId: IDS.subnetApp,
            targetId: otherAlias,
            status: "Pending",
            manual: true,
          }),
        ),
      expect: [
        { resourceId: strayPe, message: ["manual connection conn", "stale or mistyped", IDS.plsAlias] },
      ],
    },
    {
      name: "endpoint names a PLS that does not exist in a swept subscription",
      estate: (e) =>
        e.privateEndpoints.push(
          privateEndpoint({
            id: strayPe,
            location: "eastus",
            subnetId: IDS.subnetApp,
            targetId: `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-svc/providers/Microsoft.Network/privateLinkServices/pls-gone`,
            status: "Approved",
          }),
        ),
      expect: [{ resourceId: strayPe, message: ["no such Private Link Service exists", PROVIDER_SUB] }],
    },
  ],
});
