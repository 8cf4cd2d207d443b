import {
  connectionDescription,
  DESCRIPTION_MAX_LENGTH,
  evaluate,
  explain,
  FAIL_CLOSED_DECISION,
  parsePolicy,
  RELAY_MAX_PRIVATE_ENDPOINTS,
} from "../../../src/core/policy";
import { CORP, OTHER_TENANT, SUB_A, SUB_B, facts, policyOf } from "./helpers";

const ordered = policyOf(`apiVersion: linkgate/v1
default: reject
rules:
  - id: reject-other-tenant
    when: { requester: { tenants: ["${OTHER_TENANT}"] } }
    action: reject
  - id: approve-corp
    when: { requester: { tenants: ["${CORP}"] } }
    action: approve
    message: Corp approved
  - id: pending-corp
    when: { requester: { tenants: ["${CORP}"] } }
    action: pending
`);

describe("rule order and default", () => {
  it("lets the first matching rule decide and explains each earlier rule", () => {
    const d = evaluate(ordered, facts());
    expect(d).toEqual({
      action: "approve",
      ruleId: "approve-corp",
      message: "Corp approved",
      reasons: [
        `rule reject-other-tenant: requester.tenants: tenant ${CORP} not in [${OTHER_TENANT}]`,
        `rule approve-corp: matched: requester.tenants: tenant ${CORP} in [${CORP}]; ` +
          "limits.relayPrivateEndpoints: 4 of Relay's 64 private endpoints",
      ],
    });
  });

  it("never looks past the deciding rule", () => {
    const x = explain(ordered, facts());
    expect(x.trace.map((t) => t.ruleId)).toEqual(["reject-other-tenant", "approve-corp"]);
  });

  it("falls back to the default with one reason per rule", () => {
    const d = evaluate(ordered, facts({ requester: { tenantId: "22222222-2222-4222-8222-222222222222" } }));
    expect(d.action).toBe("reject");
    expect(d.ruleId).toBe("default");
    expect(d.reasons).toHaveLength(4);
    expect(d.reasons[3]).toBe("default: no rule matched; the policy's default is reject");
  });

  it("defaults to pending when the policy does not say", () => {
    const p = policyOf("apiVersion: linkgate/v1\nrules: []\n");
    expect(p.default).toBe("pending");
    expect(p.mode).toBe("enforce");
    expect(evaluate(p, facts())).toMatchObject({ action: "pending", ruleId: "default" });
  });

  it("writes a default message naming the rule when the rule has none", () => {
    const p = policyOf("apiVersion: linkgate/v1\nrules:\n  - id: everyone\n    action: reject\n");
    expect(evaluate(p, facts()).message).toBe("Rejected by linkgate rule everyone");
  });

  it("never echoes the request message into reasons", () => {
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: ticket
    when: { requestMessage: { matches: "^CHG" } }
    action: approve
`);
    const d = evaluate(p, facts({ requestMessage: "<script>alert(1)</script>\nforged: approve" }));
    expect(d.reasons.join("\n")).not.toContain("script");
    expect(d.reasons.join("\n")).not.toContain("forged");
  });
});

describe("limits", () => {
  const limited = (max: number, type = "Microsoft.Storage/storageAccounts") =>
    policyOf(`apiVersion: linkgate/v1
rules:
  - id: capped
    when: { target: { types: ["${type}"] } }
    limits: { maxApprovedPerTarget: ${max} }
    action: approve
`);
  const storage = (approvedCount: number | undefined) =>
    facts({
      approvedCount,
      target: {
        id: `/subscriptions/${SUB_B}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1`,
      },
    });

  it.each([
    [0, 0, "pending"],
    [1, 0, "approve"],
    [5, 4, "approve"],
    [5, 5, "pending"],
    [5, 9, "pending"],
  ] as const)("maxApprovedPerTarget %i with %i approved -> %s", (max, count, action) => {
    const d = evaluate(limited(max), storage(count));
    expect(d.action).toBe(action);
    if (action === "pending") {
      expect(d.reasons[0]).toBe(
        `rule capped: limits.maxApprovedPerTarget: approving would make ${count + 1} approved connections, over the limit of ${max}`,
      );
    }
  });

  it("does not approve under a limit when the approved count is unknown", () => {
    const d = evaluate(limited(5), storage(undefined));
    expect(d.action).toBe("pending");
    expect(d.reasons[0]).toBe("rule capped: limits.maxApprovedPerTarget: approved count unknown");
  });

  const relayOpen = policyOf(`apiVersion: linkgate/v1
rules:
  - id: relay-open
    when: { target: { types: [Microsoft.Relay/namespaces] } }
    action: approve
  - id: relay-reject
    when: { target: { types: [Microsoft.Relay/namespaces] } }
    action: reject
`);

  it.each([
    [0, "approve", "relay-open"],
    [62, "approve", "relay-open"],
    [63, "approve", "relay-open"],
    [64, "reject", "relay-reject"],
    [70, "reject", "relay-reject"],
  ] as const)(
    "Relay's hard limit of 64 with %i approved: %s by %s, without any rule limit",
    (count, action, ruleId) => {
      const d = evaluate(relayOpen, facts({ approvedCount: count }));
      expect(d).toMatchObject({ action, ruleId });
      if (count >= RELAY_MAX_PRIVATE_ENDPOINTS) {
        expect(d.reasons[0]).toBe(
          `rule relay-open: limits.relayPrivateEndpoints: a Relay namespace allows at most 64 private endpoints and ${count} are already approved`,
        );
      }
    },
  );

  it("applies the Relay limit when the type comes only from the target ID, and needs the count", () => {
    const d = evaluate(relayOpen, facts({ approvedCount: undefined, target: { id: facts().target.id } }));
    expect(d.ruleId).toBe("relay-reject");
    expect(d.reasons[0]).toMatch(
      /^rule relay-open: limits.relayPrivateEndpoints: approved count .* unknown$/,
    );
  });

  it("the stricter of a rule limit and Relay's limit wins", () => {
    const d = evaluate(limited(100, "Microsoft.Relay/namespaces"), facts({ approvedCount: 64 }));
    expect(d.action).toBe("pending");
    expect(d.reasons.some((r) => r.includes("limits.relayPrivateEndpoints"))).toBe(true);
  });

  it("reject rules are not held back by the Relay limit", () => {
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: no
    action: reject
`);
    expect(evaluate(p, facts({ approvedCount: 64 })).ruleId).toBe("no");
  });
});

describe("fail closed", () => {
  it("an invalid policy yields pending with the errors as reasons", () => {
    const r = parsePolicy("apiVersion: linkgate/v1\nrules:\n  - id: Bad_Id\n    action: approve\n", "p.yaml");
    expect("errors" in r).toBe(true);
    if (!("errors" in r)) return;
    const d = FAIL_CLOSED_DECISION(r.errors);
    expect(d.action).toBe("pending");
    expect(d.ruleId).toBe("invalid-policy");
    expect(d.reasons[0]).toMatch(/^p\.yaml:3:9 rules\[0\]\.id: rule id "Bad_Id" must be kebab-case/);
  });

  it("an unreadable policy (plain text errors) also stays pending", () => {
    const d = FAIL_CLOSED_DECISION(["cannot read /etc/linkgate/policy.yaml: ENOENT"]);
    expect(d).toMatchObject({ action: "pending", ruleId: "invalid-policy" });
    expect(FAIL_CLOSED_DECISION([]).reasons).toEqual(["the policy could not be loaded"]);
  });
});

describe("connectionDescription", () => {
  const decision = {
    action: "approve",
    ruleId: "corp-tenant-relay",
    message: "Approved by corp rule",
    reasons: [],
  } as const;

  it("names the rule first", () => {
    expect(connectionDescription(decision)).toBe("[linkgate:corp-tenant-relay] Approved by corp rule");
  });

  it("truncates to the limit with an ellipsis, keeping the rule id", () => {
    const long = { ...decision, message: "x".repeat(500) };
    const s = connectionDescription(long);
    expect(s.length).toBe(DESCRIPTION_MAX_LENGTH);
    expect(s.startsWith("[linkgate:corp-tenant-relay] xxx")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
  });

  it("never splits a surrogate pair and removes control characters", () => {
    const s = connectionDescription({ ...decision, message: "ok\n\u0007" + "😀".repeat(50) }, 40);
    expect(s.length).toBeLessThanOrEqual(40);
    expect([...s].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(s).toMatch(/^\[linkgate:corp-tenant-relay\] ok (😀)+…$/u);
  });

  it("uses 128 characters as the default limit", () => {
    expect(DESCRIPTION_MAX_LENGTH).toBe(128);
    expect(connectionDescription({ ...decision, message: "y".repeat(200) }).length).toBe(128);
  });
});

it("same facts, same decision (deterministic)", () => {
  const a = evaluate(ordered, facts({ requester: { subscriptionId: SUB_A } }));
  const b = evaluate(ordered, facts({ requester: { subscriptionId: SUB_A } }));
  expect(a).toEqual(b);
});
