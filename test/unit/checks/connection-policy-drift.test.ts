import { check } from "../../../src/core/checks/connection-policy-drift";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../../../src/core/model";
import { byIdIn, checkTester, context, IDS, set } from "./builders";

const STATUS = "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.status";
const facts = (c: PrivateEndpointConnection): DecisionFacts => ({
  requester: { privateEndpointId: c.privateEndpointId },
  target: { id: c.targetId },
});
const rejectRelay = (f: DecisionFacts): Decision =>
  f.target.id?.includes("Relay")
    ? { action: "reject", ruleId: "no-relay-from-hub", message: "", reasons: [] }
    : { action: "approve", ruleId: "corp", message: "", reasons: [] };

checkTester(check, {
  valid: [
    {
      name: "Approved and policy approves",
      estate: () => {},
      ctx: context({
        evaluate: () => ({ action: "approve", ruleId: "r", message: "", reasons: [] }),
        factsFor: facts,
      }),
    },
    {
      name: "Approved and policy leaves it pending (not a rejection)",
      estate: () => {},
      ctx: context({
        evaluate: () => ({ action: "pending", ruleId: "default", message: "", reasons: [] }),
        factsFor: facts,
      }),
    },
    {
      name: "Rejected connection the policy rejects",
      estate: (e) => set(byIdIn(e.paas, IDS.relay), STATUS, "Rejected"),
      ctx: context({ evaluate: rejectRelay, factsFor: facts }),
    },
    { name: "no policy configured", estate: () => {} },
  ],
  invalid: [
    {
      name: "names the path it arrived by: a PLS connection from an auto-approved subscription",
      estate: () => {},
      ctx: context({
        evaluate: () => ({ action: "reject", ruleId: "offboarded", message: "", reasons: [] }),
        factsFor: facts,
      }),
      expect: [
        { resourceId: IDS.plsConnection, message: ["offboarded would reject", "auto-approval list"] },
        { resourceId: IDS.relayConnection, message: ["offboarded would reject", "arrival path unknown"] },
      ],
    },
    {
      name: "Approved Relay connection the policy would reject",
      estate: () => {},
      ctx: context({ evaluate: rejectRelay, factsFor: facts }),
      expect: [
        {
          resourceId: IDS.relayConnection,
          message: ["is Approved", "no-relay-from-hub would reject", IDS.peRelay, "arrival path unknown"],
        },
      ],
    },
  ],
});
