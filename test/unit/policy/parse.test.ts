import { formatPolicyError, parsePolicy, type PolicyError } from "../../../src/core/policy";

function errorsOf(text: string): PolicyError[] {
  const r = parsePolicy(text, "p.yaml");
  if (!("errors" in r)) throw new Error("expected the policy to be invalid");
  return [...r.errors];
}
const lines = (text: string) => errorsOf(text).map(formatPolicyError);

const header = "apiVersion: linkgate/v1\nrules:\n";

describe("parsePolicy: valid input", () => {
  it("accepts JSON (it is YAML 1.2)", () => {
    const r = parsePolicy(
      JSON.stringify({
        apiVersion: "linkgate/v1",
        mode: "audit",
        default: "reject",
        rules: [{ id: "a", action: "reject" }],
      }),
      "p.json",
    );
    expect(r).toEqual({
      policy: {
        apiVersion: "linkgate/v1",
        mode: "audit",
        default: "reject",
        rules: [{ id: "a", action: "reject" }],
      },
    });
  });

  it("keeps YAML 1.2 strings: yes/no/on are not booleans", () => {
    const r = parsePolicy(
      `${header}  - id: a\n    when: { target: { tags: { enabled: yes } } }\n    action: approve\n`,
      "p.yaml",
    );
    expect("policy" in r && r.policy.rules[0]?.when?.target?.tags).toEqual({ enabled: "yes" });
  });
});

describe("parsePolicy: every error, with its position", () => {
  it.each([
    ["empty file", "", ["p.yaml:1:1 (document): the policy file is empty; see docs/policy.md"]],
    ["not a mapping", "- a\n", ["p.yaml:1:1 (document): must be a mapping (got a list)"]],
    [
      "missing keys and wrong apiVersion",
      "apiVersion: linkgate/v2\n",
      [
        'p.yaml:1:1 rules: missing required key "rules"',
        'p.yaml:1:13 apiVersion: must be "linkgate/v1" (got the string "linkgate/v2")',
      ],
    ],
    [
      "unknown key, pointed at the key",
      `${header}  - id: a\n    action: approve\n    when:\n      requester:\n        tenant: [x]\n`,
      [
        'p.yaml:7:9 rules[0].when.requester.tenant: unknown key "tenant"; expected one of: tenants, subscriptions, resourceGroups, endpointNames, managedBy',
      ],
    ],
    [
      "enum values",
      `apiVersion: linkgate/v1\nmode: dryrun\ndefault: approve\nrules:\n  - id: a\n    action: allow\n`,
      [
        'p.yaml:2:7 mode: must be one of: enforce, audit (got the string "dryrun")',
        'p.yaml:3:10 default: must be one of: pending, reject (got the string "approve")',
        'p.yaml:6:13 rules[0].action: must be one of: approve, reject, pending (got the string "allow")',
      ],
    ],
    [
      "types",
      `${header}  - id: a\n    action: approve\n    when:\n      sameTenant: "yes"\n      requester: { tenants: 00000000-0000-0000-0000-000000000001 }\n`,
      [
        'p.yaml:6:19 rules[0].when.sameTenant: must be true or false (got the string "yes")',
        'p.yaml:7:29 rules[0].when.requester.tenants: must be a list (got the string "00000000-0000-0000-0000-000000000001")',
      ],
    ],
    [
      "missing required keys of a rule",
      `${header}  - description: nothing else\n`,
      [
        'p.yaml:3:5 rules[0].id: missing required key "id"',
        'p.yaml:3:5 rules[0].action: missing required key "action"',
      ],
    ],
    [
      "duplicate, non-kebab and reserved rule ids",
      `${header}  - id: same\n    action: reject\n  - id: same\n    action: reject\n  - id: Corp_Relay\n    action: reject\n  - id: default\n    action: reject\n`,
      [
        'p.yaml:5:9 rules[1].id: duplicate rule id "same": rules[0] already uses it',
        'p.yaml:7:9 rules[2].id: rule id "Corp_Relay" must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. corp-tenant-relay',
        'p.yaml:9:9 rules[3].id: rule id "default" is reserved for decisions no rule made',
      ],
    ],
    [
      "regex that RE2 cannot run",
      `${header}  - id: a\n    action: approve\n    when:\n      requestMessage: { matches: "(CHG)\\\\1" }\n`,
      [
        "p.yaml:6:34 rules[0].when.requestMessage.matches: not a valid RE2 (linear-time) regular expression: error parsing regexp: invalid escape sequence: `\\1`",
      ],
    ],
    [
      "lookahead is not linear-time either",
      `${header}  - id: a\n    action: approve\n    when:\n      requestMessage:\n        matches: "^(?=CHG)"\n`,
      [
        "p.yaml:7:18 rules[0].when.requestMessage.matches: not a valid RE2 (linear-time) regular expression: error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
      ],
    ],
    [
      "schedule: time zone, times, empty window, days",
      `${header}  - id: a\n    action: approve\n    when:\n      schedule: { days: [Monday], from: "8am", to: "25:00", timeZone: Europe/Amsterdm }\n  - id: b\n    action: approve\n    when:\n      schedule: { from: "09:00", to: "09:00", timeZone: UTC }\n`,
      [
        'p.yaml:6:26 rules[0].when.schedule.days[0]: must be one of: Mon, Tue, Wed, Thu, Fri, Sat, Sun (got the string "Monday")',
        'p.yaml:6:41 rules[0].when.schedule.from: "8am" is not a time of day HH:MM (00:00-23:59)',
        'p.yaml:6:52 rules[0].when.schedule.to: "25:00" is not a time of day HH:MM (00:00-24:00)',
        'p.yaml:6:71 rules[0].when.schedule.timeZone: "Europe/Amsterdm" is not an IANA time zone (e.g. Europe/Amsterdam, UTC)',
        'p.yaml:10:38 rules[1].when.schedule.to: from and to are both 09:00: the window is empty; use from "00:00" to "24:00" for a whole day',
      ],
    ],
    [
      "GUIDs where a tenant or subscription is expected",
      `${header}  - id: a\n    action: approve\n    when:\n      requester:\n        tenants: [contoso.onmicrosoft.com, "0000*"]\n        subscriptions: [prod-sub, "*"]\n`,
      [
        'p.yaml:7:19 rules[0].when.requester.tenants[0]: "contoso.onmicrosoft.com" is not a tenant ID (a GUID; globs are not allowed)',
        'p.yaml:7:44 rules[0].when.requester.tenants[1]: "0000*" is not a tenant ID (a GUID; globs are not allowed)',
        'p.yaml:8:25 rules[0].when.requester.subscriptions[0]: "prod-sub" is neither a subscription ID (GUID) nor a glob',
      ],
    ],
    [
      "targets: types, ids, locations",
      `${header}  - id: a\n    action: approve\n    when:\n      target:\n        types: [Relay]\n        ids: [subscriptions/x]\n        locations: [West-Europe!]\n`,
      [
        'p.yaml:7:17 rules[0].when.target.types[0]: "Relay" is not a resource type like Microsoft.Relay/namespaces',
        'p.yaml:8:15 rules[0].when.target.ids[0]: "subscriptions/x" is not a resource ID glob: it must start with /subscriptions/',
        'p.yaml:9:21 rules[0].when.target.locations[0]: "West-Europe!" is not an Azure region name like westeurope',
      ],
    ],
    [
      "limits on a rule that does not approve, and a negative limit",
      `${header}  - id: a\n    action: reject\n    limits: { maxApprovedPerTarget: 5 }\n  - id: b\n    action: approve\n    limits: { maxApprovedPerTarget: -1 }\n`,
      [
        "p.yaml:5:5 rules[0].limits: limits only apply to approve rules (this rule's action is reject); remove them",
        "p.yaml:8:37 rules[1].limits.maxApprovedPerTarget: must be >= 0",
      ],
    ],
    [
      "YAML syntax errors (duplicate keys too)",
      "apiVersion: linkgate/v1\napiVersion: linkgate/v1\nrules: [\n",
      ["p.yaml:2:1 (yaml): Map keys must be unique"],
    ],
  ] as const)("%s", (_name, text, expected) => {
    const got = lines(text);
    for (const e of expected) expect(got).toContain(e);
    if (expected.length > 0 && !String(_name).startsWith("YAML")) expect(got).toHaveLength(expected.length);
  });

  it("reports errors from every rule in one run, in file order", () => {
    const text = `${header}  - id: A\n    action: nope\n  - id: b\n    action: approve\n    when: { requester: { tenants: [x] } }\n  - id: b\n    action: approve\n    extra: 1\n`;
    const got = errorsOf(text);
    expect(got.map((e) => e.field)).toEqual([
      "rules[0].id",
      "rules[0].action",
      "rules[1].when.requester.tenants[0]",
      "rules[2].id",
      "rules[2].extra",
    ]);
    const sorted = [...got].sort((a, b) => a.line - b.line || a.col - b.col);
    expect(got).toEqual(sorted);
  });

  it("bounds alias expansion (billion laughs)", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    ].join("\n");
    const got = errorsOf(bomb);
    expect(got[0]?.field).toBe("(yaml)");
  });
});
