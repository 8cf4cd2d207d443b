import { check } from "../../../src/core/checks/connection-approved-outside-policy";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../../../src/core/model";
import { byIdIn, checkTester, context, CONSUMER_SUB, IDS, PROVIDER_SUB, set } from "./builders";

const PLS_STATE = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState";
const PE_CONN = "properties.privateLinkServiceConnections.0.properties";
const EARLIER_PE = `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-app-first`;

const facts = (c: PrivateEndpointConnection): DecisionFacts => ({
  requester: { privateEndpointId: c.privateEndpointId },
  target: { id: c.targetId },
});
const decide =
  (action: Decision["action"], ruleId = "default", only?: string) =>
  (f: DecisionFacts): Decision =>
    only === undefined || f.target.id?.includes(only)
      ? { action, ruleId, message: "", reasons: [] }
      : { action: "approve", ruleId: "other", message: "", reasons: [] };
/** The policy leaves PLS requests pending and approves the rest: isolates the PLS connection. */
const plsPending = context({
  evaluate: decide("pending", "default", "privateLinkServices"),
  factsFor: facts,
});

checkTester(check, {
  valid: [
    { name: "no policy configured", estate: () => {} },
    {
      name: "the policy approves every Approved connection",
      estate: () => {},
      ctx: context({ evaluate: decide("approve", "corp"), factsFor: facts }),
    },
    {
      name: "a rejection is connection-policy-drift's finding, not this one",
      estate: () => {},
      ctx: context({ evaluate: decide("reject", "offboarded"), factsFor: facts }),
    },
    {
      name: "a Pending connection the policy leaves pending is not Approved",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), `${PLS_STATE}.status`, "Pending"),
      ctx: plsPending,
    },
    {
      name: "facts cannot be built (target unknown to the runner)",
      estate: () => {},
      ctx: context({ evaluate: decide("pending"), factsFor: () => undefined }),
    },
  ],
  invalid: [
    {
      name: "every path at once: PLS auto-approval (warning) and a Relay approval of unknown path (info)",
      estate: () => {},
      ctx: context({ evaluate: decide("pending"), factsFor: facts }),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["is Approved", "would leave it pending (default)", "auto-approval", CONSUMER_SUB],
          severity: "warning",
        },
        {
          resourceId: IDS.relayConnection,
          message: ["is Approved", "arrival path unknown", "by hand"],
          severity: "info",
        },
      ],
    },
    {
      name: "approvalReference on the consumer's endpoint: inherited approval (wins over auto-approval)",
      estate: (e) =>
        set(byIdIn(e.privateEndpoints, IDS.peApp), `${PE_CONN}.approvalReference`, {
          privateEndpointId: EARLIER_PE,
        }),
      ctx: plsPending,
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["approvalReference", `inherited the approval of ${EARLIER_PE}`, IDS.peApp],
          severity: "warning",
        },
      ],
    },
    {
      name: "approvalReference seen on the endpoint the connection embeds (endpoint itself not collected)",
      estate: (e) => {
        e.privateEndpoints = e.privateEndpoints.filter((p) => p["id"] !== IDS.peApp);
        set(byIdIn(e.pls, IDS.pls), "properties.privateEndpointConnections.0.properties.privateEndpoint", {
          id: IDS.peApp,
          properties: {
            privateLinkServiceConnections: [
              {
                properties: {
                  privateLinkServiceId: IDS.pls,
                  approvalReference: { privateEndpointId: EARLIER_PE },
                },
              },
            ],
          },
        });
      },
      ctx: plsPending,
      expect: [
        { resourceId: IDS.plsConnection, message: ["approvalReference", EARLIER_PE], severity: "warning" },
      ],
    },
    {
      name: "an approvalReference for another target on the same endpoint does not count",
      estate: (e) => {
        set(byIdIn(e.privateEndpoints, IDS.peApp), `${PE_CONN}.privateLinkServiceId`, IDS.relay);
        set(byIdIn(e.privateEndpoints, IDS.peApp), `${PE_CONN}.approvalReference`, {
          privateEndpointId: EARLIER_PE,
        });
      },
      ctx: plsPending,
      expect: [{ resourceId: IDS.plsConnection, message: ["auto-approval"], severity: "warning" }],
    },
    {
      name: "linkgate's marker: approved by a rule the current policy no longer matches",
      estate: (e) => {
        set(byIdIn(e.pls, IDS.pls), "properties.autoApproval.subscriptions", []);
        set(
          byIdIn(e.pls, IDS.pls),
          `${PLS_STATE}.description`,
          "[linkgate:partners-2024] Approved by linkgate",
        );
      },
      ctx: plsPending,
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["approved by linkgate rule partners-2024", "no longer approves"],
          severity: "warning",
        },
      ],
    },
    {
      name: "no path visible and the consumer's endpoint not collected: unknown, said so",
      estate: (e) => {
        e.privateEndpoints = e.privateEndpoints.filter((p) => p["id"] !== IDS.peApp);
        set(byIdIn(e.pls, IDS.pls), "properties.autoApproval", undefined);
        set(byIdIn(e.pls, IDS.pls), `${PLS_STATE}.description`, "ok by Bob");
      },
      ctx: plsPending,
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: [
            "arrival path unknown",
            "is not in the inventory",
            "approval by approvalReference cannot be ruled out",
          ],
          severity: "info",
        },
      ],
    },
    {
      name: "auto-approval of another subscription does not explain this one",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), "properties.autoApproval.subscriptions", [PROVIDER_SUB]),
      ctx: plsPending,
      expect: [{ resourceId: IDS.plsConnection, message: ["arrival path unknown"], severity: "info" }],
    },
  ],
});
