import type { DecisionFacts, ManagedByFacts } from "../../../src/core/model";
import { evaluate, managedOwnerGlobs, parsePolicy, UNKNOWN_FACTS_RULE_ID } from "../../../src/core/policy";
import { policyWarnings } from "../../../src/core/policy/warnings";
import { policyOf } from "./helpers";

const PLS = "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls1";
const PROFILE = "/subscriptions/s2/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd1";
const ORIGIN = `${PROFILE}/originGroups/og1/origins/o1`;
const FACTORY =
  "/subscriptions/s2/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf-orders";
const MPE = `${FACTORY}/managedVirtualNetworks/default/managedPrivateEndpoints/mpe1`;
const OTHER_PROFILE = "/subscriptions/s9/resourceGroups/rg-x/providers/Microsoft.Cdn/profiles/evil";

const POLICY = `apiVersion: linkgate/v1
rules:
  - id: edge
    when:
      requester:
        managedBy:
          frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"]
          dataFactory: ["/subscriptions/*/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf-*"]
    action: approve
  - id: everyone-else
    when: { target: { ids: ["/subscriptions/s1/**"] } }
    action: approve
`;

function factsWith(managedBy: ManagedByFacts | undefined): DecisionFacts {
  return {
    requester: {
      subscriptionId: "msft-managed",
      endpointName: "pe-x",
      ...(managedBy ? { managedBy } : {}),
    },
    target: { id: PLS, type: "Microsoft.Network/privateLinkServices" },
    requestMessage: "from afd",
    approvedCount: 0,
    at: "2025-03-28T09:30:00Z",
  };
}

describe("requester.managedBy: parsing", () => {
  const errorsOf = (managedBy: string) => {
    const r = parsePolicy(
      `apiVersion: linkgate/v1
rules:
  - id: r1
    when:
      requester:
        managedBy: ${managedBy}
    action: approve
`,
      "p.yaml",
    );
    return "errors" in r ? r.errors.map((e) => `${e.line}:${e.col} ${e.field}: ${e.message}`) : [];
  };
  it.each([
    [
      "an unknown service",
      `{ frontDor: ["x"] }`,
      /^6:22 rules\[0\]\.when\.requester\.managedBy\.frontDor: unknown key "frontDor"; expected one of: frontDoor, dataFactory, synapse, search$/,
    ],
    [
      "a string instead of a list",
      `{ dataFactory: "adf-*" }`,
      /^6:35 rules\[0\]\.when\.requester\.managedBy\.dataFactory: must be a list \(got the string "adf-\*"\)$/,
    ],
    ["an empty list", `{ search: [] }`, /managedBy\.search: must list at least 1 entry$/],
    [
      "an empty mapping",
      `{}`,
      /managedBy: must not be empty; name at least one key: frontDoor, dataFactory, synapse, search$/,
    ],
    ["a list instead of a mapping", `["x"]`, /managedBy: must be a mapping \(got a list\)$/],
  ])("rejects %s with file:line:col field", (_what, value, expected) => {
    const errors = errorsOf(value);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected);
  });

  it("accepts every service and keeps the globs", () => {
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: r1
    when: { requester: { managedBy: { frontDoor: [a], dataFactory: [b], synapse: [c], search: [d] } } }
    action: approve
`);
    expect(p.rules[0]?.when?.requester?.managedBy).toEqual({
      frontDoor: ["a"],
      dataFactory: ["b"],
      synapse: ["c"],
      search: ["d"],
    });
  });
});

describe("requester.managedBy: evaluation", () => {
  const policy = policyOf(POLICY);
  const corroborated = (over: Partial<ManagedByFacts> = {}): ManagedByFacts => ({
    outcome: "corroborated",
    service: "frontDoor",
    definitionId: ORIGIN,
    ownerId: PROFILE,
    strength: "strong",
    matchedFields: ["targetId", "location", "requestMessage"],
    ...over,
  });
  const otherTarget = (f: DecisionFacts): DecisionFacts => ({
    ...f,
    target: { id: "/subscriptions/s7/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/p" },
  });

  it.each<[string, ManagedByFacts | undefined, string, string, RegExp]>([
    [
      "corroborated under a listed Front Door profile",
      corroborated(),
      "approve",
      "edge",
      /requester\.managedBy: corroborated by Front Door origin .*origins\/o1 \(owner .*afd1 matches frontDoor ".*rg-edge.*" on targetId, location, requestMessage, strong match\)/,
    ],
    [
      "corroborated by a Data Factory managed private endpoint",
      corroborated({ service: "dataFactory", definitionId: MPE, ownerId: FACTORY, strength: "weak" }),
      "approve",
      "edge",
      /Data Factory managed private endpoint .*mpe1 .*weak match/,
    ],
    [
      "corroborated, but by an owner the rule does not list",
      corroborated({ ownerId: OTHER_PROFILE }),
      "pending",
      "default",
      /rule edge: requester\.managedBy: corroborated by Front Door origin .* under .*profiles\/evil, which is not under frontDoor \[/,
    ],
    [
      "corroborated by a service the rule does not list",
      corroborated({
        service: "search",
        ownerId: "/subscriptions/s2/resourceGroups/rg-edge/providers/Microsoft.Search/searchServices/x",
      }),
      "pending",
      "default",
      /which is not under frontDoor/,
    ],
    [
      "not corroborated",
      { outcome: "none", detail: `no definition read names target ${PLS}, location westeurope` },
      "pending",
      "default",
      /rule edge: requester\.managedBy: not corroborated: no Front Door origins \/ Data Factory managed private endpoints under frontDoor \[.*\] vouches for this request \(no definition read names target .*pls1, location westeurope\)/,
    ],
    [
      "definitions unread (reader threw)",
      { outcome: "unknown", detail: "ARM answered 503 for a Front Door profile" },
      "pending",
      UNKNOWN_FACTS_RULE_ID,
      /unknown-facts: requester\.managedBy: managed private endpoint definitions unknown: ARM answered 503 .*needed by rule edge/,
    ],
    [
      "no corroboration fact at all",
      undefined,
      "pending",
      UNKNOWN_FACTS_RULE_ID,
      /unknown-facts: requester\.managedBy: managed private endpoint corroboration unknown/,
    ],
    [
      "ambiguous among this rule's owners",
      {
        outcome: "ambiguous",
        candidates: [{ service: "frontDoor", definitionId: ORIGIN, ownerId: PROFILE }],
        rivalConnectionIds: [`${PLS}/privateEndpointConnections/c2`],
        detail: "claimed by 2 live connections",
      },
      "pending",
      UNKNOWN_FACTS_RULE_ID,
      /ambiguous, left for a human: candidates Front Door origin .*origins\/o1; also claimed by .*Connections\/c2/,
    ],
    [
      "ambiguous only among owners the rule does not list",
      {
        outcome: "ambiguous",
        candidates: [
          {
            service: "frontDoor",
            definitionId: `${OTHER_PROFILE}/originGroups/g/origins/a`,
            ownerId: OTHER_PROFILE,
          },
          {
            service: "frontDoor",
            definitionId: `${OTHER_PROFILE}/originGroups/g/origins/b`,
            ownerId: OTHER_PROFILE,
          },
        ],
      },
      "pending",
      "default",
      /ambiguous among definitions none of which is under frontDoor/,
    ],
  ])("%s", (_name, managedBy, action, ruleId, reason) => {
    const d = evaluate(policy, otherTarget(factsWith(managedBy)));
    expect(d.action).toBe(action);
    expect(d.ruleId).toBe(ruleId);
    expect(d.reasons.join("\n")).toMatch(reason);
  });

  it("an unknown managedBy never falls through to a later approve rule that would match", () => {
    // The target is in s1, which rule everyone-else approves: still pending.
    for (const fact of [
      { outcome: "unknown", detail: "reader threw" } as ManagedByFacts,
      {
        outcome: "ambiguous",
        candidates: [{ service: "frontDoor", definitionId: ORIGIN, ownerId: PROFILE }],
      } as ManagedByFacts,
    ]) {
      const d = evaluate(policy, factsWith(fact));
      expect(d).toMatchObject({ action: "pending", ruleId: UNKNOWN_FACTS_RULE_ID });
      expect(d.reasons.join("\n")).toMatch(
        /rule edge \(approve\) could not be evaluated, so rule everyone-else \(approve\) does not decide/,
      );
    }
  });

  it("a request nothing vouches for falls through to later rules like any non-match", () => {
    const d = evaluate(policy, factsWith({ outcome: "none", detail: "nothing" }));
    expect(d).toMatchObject({ action: "approve", ruleId: "everyone-else" });
  });

  it("a rule whose other condition fails is not held back by an unknown managedBy", () => {
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: edge
    when:
      requester: { managedBy: { frontDoor: ["**"] } }
      target: { ids: ["/subscriptions/nope/**"] }
    action: approve
  - id: later
    action: approve
`);
    const d = evaluate(p, factsWith({ outcome: "unknown", detail: "reader threw" }));
    expect(d.ruleId).toBe("later");
  });
});

describe("managedOwnerGlobs", () => {
  it.each<[string, string, ReturnType<typeof managedOwnerGlobs>]>([
    ["no rule uses managedBy", `  - id: a\n    action: approve\n`, undefined],
    [
      "union over rules, deduplicated case-insensitively",
      `  - id: a
    when: { requester: { managedBy: { frontDoor: [P1, p2], search: [S1] } } }
    action: approve
  - id: b
    when: { requester: { managedBy: { frontDoor: [p1], dataFactory: [F1] } } }
    action: reject
`,
      { frontDoor: ["P1", "p2"], search: ["S1"], dataFactory: ["F1"] },
    ],
  ])("%s", (_name, rules, expected) => {
    expect(managedOwnerGlobs(policyOf(`apiVersion: linkgate/v1\nrules:\n${rules}`))).toEqual(expected);
  });
});

describe("lint: managedBy in shadowing", () => {
  it.each([
    ["an earlier rule without managedBy shadows a later one with it", "{}", "{ frontDoor: [a] }", true],
    ["an earlier managedBy rule does not shadow one without it", "{ frontDoor: [a] }", undefined, false],
    ["a wider owner glob shadows a narrower one", `{ frontDoor: ["**"] }`, "{ frontDoor: [a] }", true],
    ["another service is not covered", "{ frontDoor: [a] }", "{ search: [a] }", false],
  ])("%s", (_name, earlier, later, shadowed) => {
    const when = (m: string | undefined) =>
      m === undefined || m === "{}"
        ? `{ target: { types: [Microsoft.Network/privateLinkServices] } }`
        : `{ requester: { managedBy: ${m} }, target: { types: [Microsoft.Network/privateLinkServices] } }`;
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: first
    when: ${when(earlier)}
    action: approve
  - id: second
    when: ${when(later)}
    action: approve
`);
    const shadow = policyWarnings(p).some((w) => w.message.includes("rule second is shadowed"));
    expect(shadow).toBe(shadowed);
  });
});
