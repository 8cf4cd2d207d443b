import { dependsOnOtherConnections, parsePolicy } from "../../../src/core/policy";

function policyOf(rules: string) {
  const parsed = parsePolicy(`apiVersion: linkgate/v1\nrules:\n${rules}`, "p.yaml");
  if ("errors" in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

describe("dependsOnOtherConnections", () => {
  it.each([
    ["no rules", "  []\n", false],
    [
      "plain approve by subscription",
      "  - id: corp\n    when: { requester: { subscriptions: ['*'] } }\n    action: approve\n",
      false,
    ],
    [
      "reject and pending rules only",
      "  - id: r\n    action: reject\n  - id: p\n    action: pending\n",
      false,
    ],
    [
      "an approve rule with maxApprovedPerTarget",
      "  - id: capped\n    action: approve\n    limits: { maxApprovedPerTarget: 3 }\n",
      true,
    ],
    [
      "a later rule with a limit still counts",
      "  - id: a\n    when: { requester: { subscriptions: ['22222222-2222-2222-2222-222222222222'] } }\n    action: approve\n  - id: b\n    action: approve\n    limits: { maxApprovedPerTarget: 0 }\n",
      true,
    ],
    [
      "requester.managedBy",
      "  - id: afd\n    when: { requester: { managedBy: { frontDoor: ['/subscriptions/*/resourceGroups/rg/providers/Microsoft.Cdn/profiles/*'] } } }\n    action: approve\n",
      true,
    ],
  ])("%s: %s", (_name, rules, expected) => {
    expect(dependsOnOtherConnections(policyOf(rules))).toBe(expected);
  });
});
