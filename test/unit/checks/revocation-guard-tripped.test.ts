import { check, REVOCATION_GUARD_RESOURCE_ID } from "../../../src/core/checks/revocation-guard-tripped";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../../../src/core/model";
import { byIdIn, checkTester, context, IDS, set } from "./builders";

const DESC =
  "properties.privateEndpointConnections.0.properties.privateLinkServiceConnectionState.description";
const EXPIRED = "[linkgate:partner-temp] until 2025-03-01 11:00 UTC; Approved";
const facts = (c: PrivateEndpointConnection): DecisionFacts => ({
  requester: { privateEndpointId: c.privateEndpointId },
  target: { id: c.targetId },
});
const revokeAll = (): Decision => ({
  action: "reject",
  ruleId: "offboarded",
  message: "",
  reasons: [],
  revoke: true,
});
const rejectNoRevoke = (): Decision => ({ action: "reject", ruleId: "offboarded", message: "", reasons: [] });
const approve = (): Decision => ({ action: "approve", ruleId: "corp", message: "", reasons: [] });

// The healthy estate has two Approved connections (the PLS's and the Relay namespace's).
checkTester(check, {
  valid: [
    {
      name: "no revocation opt-in: a revoke rule matching everything trips nothing",
      estate: () => {},
      ctx: context({ evaluate: revokeAll, factsFor: facts }),
    },
    {
      name: "two revocations within maxPerSweep 2",
      estate: () => {},
      ctx: context({
        evaluate: revokeAll,
        factsFor: facts,
        revocation: { mode: "enforce", maxPerSweep: 2 },
      }),
    },
    {
      name: "a reject rule without revoke: true revokes nothing",
      estate: () => {},
      ctx: context({
        evaluate: rejectNoRevoke,
        factsFor: facts,
        revocation: { mode: "enforce", maxPerSweep: 0 },
      }),
    },
    {
      name: "nothing expired, policy approves",
      estate: () => {},
      ctx: context({ evaluate: approve, factsFor: facts, revocation: { mode: "enforce", maxPerSweep: 0 } }),
    },
  ],
  invalid: [
    {
      name: "two revoke-rule matches over maxPerSweep 1",
      estate: () => {},
      ctx: context({
        evaluate: revokeAll,
        factsFor: facts,
        revocation: { mode: "enforce", maxPerSweep: 1 },
      }),
      expect: [
        {
          resourceId: REVOCATION_GUARD_RESOURCE_ID,
          message: [
            "2 connection(s) would be revoked in one sweep",
            "maxPerSweep of 1",
            "0 expired time-bound approval(s), 2 matched by revoke rule(s) offboarded",
            "none was revoked",
          ],
        },
      ],
    },
    {
      name: "expired approvals count too, without any policy decision (audit mode trips as well)",
      estate: (e) => {
        set(byIdIn(e.paas, IDS.relay), DESC, EXPIRED);
        set(byIdIn(e.pls, IDS.pls), DESC, EXPIRED);
      },
      ctx: context({ revocation: { mode: "audit", maxPerSweep: 1 } }),
      expect: [
        {
          resourceId: REVOCATION_GUARD_RESOURCE_ID,
          message: ["2 expired time-bound approval(s), 0 matched", "revocation mode audit"],
        },
      ],
    },
  ],
});
