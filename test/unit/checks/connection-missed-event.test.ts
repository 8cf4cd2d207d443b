import { check } from "../../../src/core/checks/connection-missed-event";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../../../src/core/model";
import { byIdIn, checkTester, context, IDS, set } from "./builders";

const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";
const facts = (c: PrivateEndpointConnection): DecisionFacts => ({
  requester: { privateEndpointId: c.privateEndpointId },
  target: { id: c.targetId },
});
const deciding =
  (action: Decision["action"]) =>
  (f: DecisionFacts): Decision => ({
    action,
    ruleId: f.target.id?.includes("Relay") ? "relay-rule" : "pls-rule",
    message: "",
    reasons: [],
  });

checkTester(check, {
  valid: [
    {
      name: "Pending, policy says pending",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Pending"),
      ctx: context({ evaluate: deciding("pending"), factsFor: facts }),
    },
    {
      name: "Approved, policy says approve (not this check's business)",
      estate: () => {},
      ctx: context({ evaluate: deciding("approve"), factsFor: facts }),
    },
    { name: "no policy configured", estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Pending") },
    {
      name: "facts cannot be built",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Pending"),
      ctx: context({ evaluate: deciding("approve"), factsFor: () => undefined }),
    },
  ],
  invalid: [
    {
      name: "Pending that policy approves, enforce mode",
      estate: (e) => set(byIdIn(e.pls, IDS.pls), STATUS, "Pending"),
      ctx: context({ evaluate: deciding("approve"), factsFor: facts, policyMode: "enforce" }),
      expect: [
        {
          resourceId: IDS.plsConnection,
          message: ["is Pending", "pls-rule decides approve", "the sweep applies it now"],
        },
      ],
    },
    {
      name: "Pending that policy rejects, audit mode",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), STATUS, "Pending"),
      ctx: context({ evaluate: deciding("reject"), factsFor: facts, policyMode: "audit" }),
      expect: [{ resourceId: IDS.relayConnection, message: ["relay-rule decides reject", "audit mode"] }],
    },
  ],
});
