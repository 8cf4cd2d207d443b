/**
 * Time-bound approvals: `approveFor` and `revoke`/`revocation` validation with FILE:LINE:COL errors, the
 * expiry an approving decision carries, and its round trip through the connection description alone.
 */
import {
  DESCRIPTION_MAX_LENGTH,
  approveForProblem,
  connectionDescription,
  evaluate,
  expiryOf,
  formatPolicyError,
  parseLinkgateDescription,
  parsePolicy,
  type Policy,
} from "../../../src/core/policy";

function lines(text: string): string[] {
  const r = parsePolicy(text, "p.yaml");
  return "errors" in r ? r.errors.map(formatPolicyError) : [];
}
function policyOf(text: string): Policy {
  const r = parsePolicy(text, "p.yaml");
  if ("errors" in r) throw new Error(r.errors.map(formatPolicyError).join("\n"));
  return r.policy;
}
const header = "apiVersion: linkgate/v1\nrules:\n";

describe("approveFor durations", () => {
  it.each([
    ["P30D", undefined],
    ["PT1M", undefined],
    ["P1Y", undefined],
    ["P366D", undefined],
    ["P12M", undefined],
    ["P2W", undefined],
    ["P1Y1D", /longer than a year/],
    ["P367D", /longer than a year/],
    ["PT30S", /shorter than a minute/],
    ["P0D", /shorter than a minute/],
    ["P-1D", /shorter than a minute/],
    ["30 days", /not an ISO-8601 duration/],
    ["P", /shorter than a minute/],
  ])("%s", (text, problem) => {
    const got = approveForProblem(text);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  it.each([
    ["2026-12-01T10:00:00.000Z", "P1D", "2026-12-02T10:00:00Z"],
    ["2026-12-01T10:00:00.001Z", "P1D", "2026-12-02T10:01:00Z"],
    ["2026-12-01T10:00:59Z", "PT1H", "2026-12-01T11:01:00Z"],
    ["2026-01-31T00:00:00Z", "P1M", "2026-02-28T00:00:00Z"],
  ])("expiry of an approval at %s for %s is %s (whole minutes, rounded up)", (at, dur, want) => {
    expect(expiryOf(at, dur)).toBe(want);
  });
  it("no expiry without a decision time or with an unusable duration", () => {
    expect(expiryOf(undefined, "P1D")).toBeUndefined();
    expect(expiryOf("not a time", "P1D")).toBeUndefined();
    expect(expiryOf("2026-12-01T10:00:00Z", "P2Y")).toBeUndefined();
  });
});

describe("parsePolicy: approveFor, revoke, revocation", () => {
  it("accepts them where they belong", () => {
    const p = policyOf(
      `apiVersion: linkgate/v1\nrevocation: { mode: enforce, maxPerSweep: 5 }\nrules:\n` +
        `  - { id: a, action: approve, approveFor: P30D }\n  - { id: b, action: reject, revoke: true }\n`,
    );
    expect(p.revocation).toEqual({ mode: "enforce", maxPerSweep: 5 });
    expect(p.rules[0]?.approveFor).toBe("P30D");
    expect(p.rules[1]?.revoke).toBe(true);
    expect(policyOf(`${header}  - { id: a, action: approve }\n`).revocation).toBeUndefined();
  });

  it.each([
    [
      "approveFor on a reject rule",
      `${header}  - id: a\n    action: reject\n    approveFor: P1D\n`,
      "p.yaml:5:5 rules[0].approveFor: approveFor only applies to approve rules (this rule's action is reject); remove it",
    ],
    [
      "an approveFor over a year",
      `${header}  - id: a\n    action: approve\n    approveFor: P2Y\n`,
      'p.yaml:5:17 rules[0].approveFor: "P2Y" is longer than a year (P1Y), the longest time-bound approval',
    ],
    [
      "an approveFor that is no duration",
      `${header}  - id: a\n    action: approve\n    approveFor: 30d\n`,
      'p.yaml:5:17 rules[0].approveFor: "30d" is not an ISO-8601 duration like P30D, PT12H or P1M (the input "30d" can\'t be parsed as ISO 8601)',
    ],
    [
      "revoke on an approve rule",
      `${header}  - id: a\n    action: approve\n    revoke: true\n`,
      "p.yaml:5:5 rules[0].revoke: revoke only applies to reject rules (this rule's action is approve); remove it",
    ],
    [
      "revoke with a requestMessage condition",
      `${header}  - id: a\n    action: reject\n    when: { requestMessage: { matches: x } }\n    revoke: true\n`,
      "p.yaml:6:5 rules[0].revoke: a revoke rule cannot use when.requestMessage: an Approved connection's description is the owner's, not the request",
    ],
    [
      "revocation without maxPerSweep",
      `apiVersion: linkgate/v1\nrevocation:\n  mode: enforce\nrules: []\n`,
      'p.yaml:3:3 revocation.maxPerSweep: missing required key "maxPerSweep"',
    ],
    [
      "revocation with an unknown mode",
      `apiVersion: linkgate/v1\nrevocation:\n  mode: always\n  maxPerSweep: 1\nrules: []\n`,
      'p.yaml:3:9 revocation.mode: must be one of: audit, enforce (got the string "always")',
    ],
    [
      "a negative maxPerSweep",
      `apiVersion: linkgate/v1\nrevocation:\n  mode: audit\n  maxPerSweep: -1\nrules: []\n`,
      "p.yaml:4:16 revocation.maxPerSweep: must be >= 0",
    ],
  ])("rejects %s with FILE:LINE:COL", (_name, text, want) => {
    expect(lines(text)).toEqual([want]);
  });
});

describe("time-bound decisions and their description", () => {
  const policy = policyOf(
    `${header}  - id: partner-temporary-access\n    action: approve\n    approveFor: P30D\n  - id: offboarded\n    action: reject\n    revoke: true\n    when: { requester: { subscriptions: ["dead*"] } }\n`,
  );

  it("an approveFor rule's approval carries its expiry; without a decision time it does not approve", () => {
    const d = evaluate(policy, { requester: {}, target: {}, at: "2026-12-01T10:00:00Z" });
    expect(d).toMatchObject({
      action: "approve",
      ruleId: "partner-temporary-access",
      expiresAt: "2026-12-31T10:00:00Z",
    });
    expect(d.reasons.join("\n")).toContain("approveFor: approval for P30D, until 2026-12-31 10:00 UTC");
    const blind = evaluate(policy, { requester: {}, target: {} });
    expect(blind.action).toBe("pending");
    expect(blind.expiresAt).toBeUndefined();
    expect(blind.reasons.join("\n")).toContain(
      "approveFor: decision time (needed to compute the expiry) unknown",
    );
  });

  it("a revoke rule's reject says so", () => {
    const d = evaluate(policyOf(`${header}  - { id: off, action: reject, revoke: true }\n`), {
      requester: {},
      target: {},
    });
    expect(d).toMatchObject({ action: "reject", ruleId: "off", revoke: true });
  });

  it.each([
    ["a short id", "partner-temporary-access", "Approved by linkgate rule partner-temporary-access"],
    ["the longest id and message", "a".repeat(63), "x".repeat(1000)],
  ])("the description with %s says until when within the limit, and reads back", (_n, ruleId, message) => {
    const text = connectionDescription({
      action: "approve",
      ruleId,
      message,
      reasons: [],
      expiresAt: "2026-12-31T10:00:00Z",
    });
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
    expect(text.startsWith(`[linkgate:${ruleId}] until 2026-12-31 10:00 UTC; `)).toBe(true);
    expect(parseLinkgateDescription(text)).toEqual({ ruleId, expiresAt: "2026-12-31T10:00:00Z" });
  });

  it.each([
    ["[linkgate:corp-relay] Approved by linkgate rule corp-relay", { ruleId: "corp-relay" }],
    ["[linkgate:a] until 2027-01-02 03:04 UTC; x", { ruleId: "a", expiresAt: "2027-01-02T03:04:00Z" }],
    ["[linkgate:a] until 2027-02-30 03:04 UTC; x", undefined],
    ["[linkgate:a] until 2027-01-02 24:00 UTC; x", undefined],
    ["approved by alice", undefined],
    ["see [linkgate:a] until 2027-01-02 03:04 UTC", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("parseLinkgateDescription(%j)", (text, want) => {
    expect(parseLinkgateDescription(text)).toEqual(want);
  });
});
