/**
 * policy validate lint warnings (issue 11): shadowed rules, approve rules on requester-controlled facts only,
 * an unreachable default. Table-driven over small policies; each case names the warnings it expects by field
 * and a message fragment, and the quiet cases prove the checks do not fire on ordinary policies.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { globCovers, lintWarnings } from "../../../src/core/policy/lint";
import { locatePolicyWarnings, formatPolicyWarning } from "../../../src/core/policy/warnings";
import { formatField } from "../../../src/core/policy";
import { policyOf } from "./helpers";

const T = "00000000-0000-0000-0000-000000000001";
const U = "11111111-1111-4111-8111-111111111111";

/** A policy from `rules` written as YAML flow mappings, one per line. */
function policy(rules: string[], head = ""): string {
  return `apiVersion: linkgate/v1\n${head}rules:\n${rules.map((r) => `  - ${r}`).join("\n")}\n`;
}

const cases: [string, string, [string, RegExp][]][] = [
  [
    "a broader earlier rule shadows a narrower later one",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] } }, action: reject }`,
      `{ id: b, when: { requester: { tenants: [${T}], subscriptions: ["*"] } }, action: pending }`,
    ]),
    [["rules[1].id", /rule b is shadowed by rule a \(rules\[0\]\)/]],
  ],
  [
    "a glob prefix covers a longer prefix",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}], resourceGroups: ["rg-*"] } }, action: reject }`,
      `{ id: b, when: { requester: { tenants: [${T}], resourceGroups: ["rg-app-*", rg-x] } }, action: reject }`,
    ]),
    [["rules[1].id", /shadowed by rule a/]],
  ],
  [
    "a narrower earlier rule does not shadow a broader later one",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}], subscriptions: ["aaaa*"] } }, action: reject }`,
      `{ id: b, when: { requester: { tenants: [${T}] } }, action: reject }`,
    ]),
    [],
  ],
  [
    "disjoint tenants: no shadow",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] } }, action: reject }`,
      `{ id: b, when: { requester: { tenants: [${U}] } }, action: reject }`,
    ]),
    [],
  ],
  [
    "an approve rule with a limit falls through when full: it shadows nothing",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] }, target: { types: [Microsoft.Network/privateLinkServices] } }, limits: { maxApprovedPerTarget: 5 }, action: approve }`,
      `{ id: b, when: { requester: { tenants: [${T}] }, target: { types: [Microsoft.Network/privateLinkServices] } }, action: reject }`,
    ]),
    [],
  ],
  [
    "an approve rule that may reach Relay (its implicit limit of 64) does not shadow a later reject",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] } }, action: approve }`,
      `{ id: b, when: { requester: { tenants: [${T}] } }, action: reject }`,
    ]),
    [],
  ],
  [
    "... but does shadow a later approve (same limit)",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] } }, action: approve }`,
      `{ id: b, when: { requester: { tenants: [${T}] }, requestMessage: { matches: "^CHG" } }, action: approve }`,
    ]),
    [["rules[1].id", /rule b is shadowed by rule a/]],
  ],
  [
    "different request-message regexes are not compared: no shadow",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}] }, requestMessage: { matches: "^CHG" } }, action: reject }`,
      `{ id: b, when: { requester: { tenants: [${T}] }, requestMessage: { matches: "^INC" } }, action: reject }`,
    ]),
    [],
  ],
  [
    "tags: an earlier rule asking for fewer tags shadows",
    policy([
      `{ id: a, when: { target: { tags: { env: [prod, test] } } }, action: reject }`,
      `{ id: b, when: { target: { tags: { env: prod, owner: x } } }, action: pending }`,
    ]),
    [["rules[1].id", /shadowed by rule a/]],
  ],
  [
    "an approve rule on the request message alone",
    policy([`{ id: a, when: { requestMessage: { matches: "^CHG[0-9]+" } }, action: approve }`]),
    [["rules[0].when", /approve rule a conditions only on facts the requester controls \(requestMessage\)/]],
  ],
  [
    "an approve rule on endpoint names and the message",
    policy([
      `{ id: a, when: { requester: { endpointNames: ["pe-*"] }, requestMessage: { matches: "x" } }, action: approve }`,
    ]),
    [["rules[0].when", /\(requester\.endpointNames, requestMessage\)/]],
  ],
  [
    "a reject rule on the request message is fine",
    policy([`{ id: a, when: { requestMessage: { matches: "spam" } }, action: reject }`]),
    [],
  ],
  [
    "an approve rule naming who asks is fine",
    policy([
      `{ id: a, when: { requester: { tenants: [${T}], endpointNames: ["pe-*"] }, requestMessage: { matches: "x" } }, action: approve }`,
    ]),
    [],
  ],
  [
    "an unconditional rule: default unreachable, and later rules shadowed",
    policy(
      [`{ id: all, action: reject }`, `{ id: b, when: { requester: { tenants: [${T}] } }, action: pending }`],
      "default: pending\n",
    ),
    [
      ["rules[1].id", /rule b is shadowed by rule all/],
      ["default", /default pending is never reached: rule all \(rules\[0\]\) has no conditions/],
    ],
  ],
  ["no rules: default is reached", "apiVersion: linkgate/v1\nrules: []\n", []],
];

describe("lintWarnings", () => {
  it.each(cases)("%s", (_name, yaml, expected) => {
    const found = lintWarnings(policyOf(yaml)).map((w) => [formatField(w.path), w.message] as const);
    expect(found).toHaveLength(expected.length);
    expected.forEach(([field, message], i) => {
      expect(found[i]?.[0]).toBe(field);
      expect(found[i]?.[1]).toMatch(message);
    });
  });

  it("is quiet on the shipped policies (starter, rich example, demo)", () => {
    for (const f of ["policy.yaml", "examples/policy.yaml", "examples/demo-estate/policy.yaml"]) {
      expect([f, lintWarnings(policyOf(readFileSync(join(__dirname, "../../..", f), "utf8")))]).toEqual([
        f,
        [],
      ]);
    }
  });

  it("positions warnings as FILE:LINE:COL warning: field: message, in file order", () => {
    const yaml = cases[13]![1];
    const lines = locatePolicyWarnings(yaml, "p.yaml", policyOf(yaml)).map(formatPolicyWarning);
    expect(lines).toEqual([
      expect.stringMatching(/^p\.yaml:2:10 warning: default: default pending is never reached/),
      expect.stringMatching(/^p\.yaml:5:11 warning: rules\[1\]\.id: rule b is shadowed/),
    ]);
  });
});

describe("globCovers", () => {
  it.each<[string, string, boolean]>([
    ["*", "rg-x", true],
    ["*", "a/b", false],
    ["**", "a/b/*", true],
    ["rg-*", "rg-app-*", true],
    ["rg-*", "RG-APP", true],
    ["rg-app-*", "rg-*", false],
    ["rg-*", "rg-a/*", false],
    ["x?", "x*", false],
    [
      "/subscriptions/*/resourceGroups/prod-*/providers/Microsoft.Relay/namespaces/*",
      "/subscriptions/s/resourceGroups/prod-1/providers/Microsoft.Relay/namespaces/n",
      true,
    ],
  ])("%s covers %s: %s", (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });
});
