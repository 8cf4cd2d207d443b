/**
 * `policy validate` warnings: a rule conditioning on group ids that a targeted type never exposes can never
 * match that type's connections. Table-driven over rules; positions are checked through the text.
 */
import { readFileSync } from "node:fs";
import { policyWarnings, locatePolicyWarnings, formatPolicyWarning } from "../../../src/core/policy/warnings";
import { policyOf } from "./helpers";

const oneRule = (target: string) => `apiVersion: linkgate/v1
rules:
  - id: r1
    when:
      target: ${target}
    action: approve
`;

describe("policyWarnings", () => {
  it.each([
    ["no groupIds condition", "{ types: [Microsoft.Network/privateLinkServices] }", []],
    ["Relay asking for its one group", "{ types: [Microsoft.Relay/namespaces], groupIds: [namespace] }", []],
    [
      "Storage (not in the table) stays silent",
      "{ types: [Microsoft.Storage/storageAccounts], groupIds: [blob] }",
      [],
    ],
    ["Sql connections carry groupIds", "{ types: [Microsoft.Sql/servers], groupIds: [sqlServer] }", []],
    ["no types: targets every type, silent", "{ groupIds: [blob] }", []],
    ['"*/*" reaches types that expose group ids: silent', '{ types: ["*/*"], groupIds: [blob] }', []],
    [
      "an ID glob with a wildcard provider names no type",
      '{ ids: ["/subscriptions/*/resourceGroups/x/providers/*/*/*"], groupIds: [blob] }',
      [],
    ],
    [
      "PLS has no group ids",
      "{ types: [Microsoft.Network/privateLinkServices], groupIds: [x] }",
      [
        /^Microsoft\.Network\/privateLinkServices \(rules\[0\]\.when\.target\.types\[0\] .*\) has no group ids.*rule r1 never matches them \(spec: network\/.*privateLinkService\.json/,
      ],
    ],
    [
      "Relay asking for another group",
      "{ types: [microsoft.relay/namespaces], groupIds: [blob] }",
      [/always ask for group id "namespace", its only one, which \[blob\] does not list/],
    ],
    [
      "Service Bus connections carry none",
      "{ types: [Microsoft.ServiceBus/namespaces], groupIds: [namespace] }",
      [/carry no group ids, so this condition is always unknown/],
    ],
    [
      "a type named by an ID glob when types is absent",
      '{ ids: ["/subscriptions/*/resourceGroups/*/providers/Microsoft.Network/privateLinkServices/*"], groupIds: [x] }',
      [/^Microsoft\.Network\/privateLinkServices \(rules\[0\]\.when\.target\.ids\[0\]/],
    ],
    [
      "a glob whose every match has no group ids",
      '{ types: ["Microsoft.Network/privateLink*"], groupIds: [x] }',
      [/has no group ids/],
    ],
    [
      "one warning per offending type of a mixed list",
      "{ types: [Microsoft.Network/privateLinkServices, Microsoft.Relay/namespaces, Microsoft.Storage/storageAccounts], groupIds: [namespace] }",
      [/^Microsoft\.Network\/privateLinkServices .* has no group ids/],
    ],
  ] as const)("%s", (_name, target, expected) => {
    const got = policyWarnings(policyOf(oneRule(target)));
    expect(got).toHaveLength(expected.length);
    got.forEach((w, i) => {
      expect(w.path).toEqual(["rules", 0, "when", "target", "groupIds"]);
      expect(w.message).toMatch(expected[i] as RegExp);
    });
  });
});

describe("locatePolicyWarnings", () => {
  it("points at the groupIds value and formats FILE:LINE:COL warning: field: message", () => {
    const text = `apiVersion: linkgate/v1
rules:
  - id: pls-app
    when:
      target:
        types: [Microsoft.Network/privateLinkServices]
        groupIds: [web]
    action: approve
`;
    const [w, ...rest] = locatePolicyWarnings(text, "p.yaml", policyOf(text));
    expect(rest).toEqual([]);
    expect(formatPolicyWarning(w!)).toMatch(
      /^p\.yaml:7:19 warning: rules\[0\]\.when\.target\.groupIds: Microsoft\.Network\/privateLinkServices .* has no group ids/,
    );
  });

  it("the shipped example policy has none", () => {
    const text = readFileSync(`${__dirname}/../../../examples/policy.yaml`, "utf8");
    expect(locatePolicyWarnings(text, "examples/policy.yaml", policyOf(text))).toEqual([]);
  });
});
