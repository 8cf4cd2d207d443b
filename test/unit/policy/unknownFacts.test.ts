/**
 * Fail closed on unknown facts: a reject/pending rule that an unknown fact leaves undecided stops every
 * later rule (and the default) from deciding; the decision is pending with rule id `unknown-facts`.
 */
import type { DecisionFacts } from "../../../src/core/model";
import { connectionDescription, evaluate, explain, UNKNOWN_FACTS_RULE_ID } from "../../../src/core/policy";
import { CORP, OTHER_TENANT, SUB_A, SUB_B, facts, policyOf } from "./helpers";

/** `first` (YAML rule body, without id) as rule `first`, then `approve-sub-a`, then more rules; default. */
function policy(first: string, opts: { after?: string; default?: "pending" | "reject" } = {}) {
  return policyOf(`apiVersion: linkgate/v1
default: ${opts.default ?? "pending"}
rules:
  - id: first
${first}
  - id: approve-sub-a
    when: { requester: { subscriptions: ["${SUB_A}"] } }
    action: approve
${opts.after ?? ""}`);
}

const rejectWhen = (when: string) => `    when: ${when}\n    action: reject`;
const pendingWhen = (when: string) => `    when: ${when}\n    action: pending`;

const base = facts();
const without = {
  tenant: { requester: { ...base.requester, tenantId: undefined } },
  location: { target: { ...base.target, location: undefined } },
  tags: { target: { ...base.target, tags: undefined } },
  groupIds: { target: { ...base.target, groupIds: undefined } },
} satisfies Record<string, Partial<DecisionFacts>>;

interface Row {
  name: string;
  first: string;
  over: Partial<DecisionFacts>;
  after?: string;
  default?: "pending" | "reject";
  action: "approve" | "reject" | "pending";
  ruleId: string;
  /** Reasons the decision must carry (in addition to the per-rule ones). */
  reasons?: string[];
}

const rows: Row[] = [
  {
    name: "tenant unknown: a tenant reject rule before an approve rule leaves it pending",
    first: rejectWhen(`{ requester: { tenants: ["${OTHER_TENANT}"] } }`),
    over: without.tenant,
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: [
      "rule first: requester.tenants: tenant unknown",
      "unknown-facts: requester.tenants: tenant unknown, needed by rule first",
      "unknown-facts: rule first (reject) could not be evaluated, so rule approve-sub-a (approve) does not decide; left pending for a human",
    ],
  },
  {
    name: "tenant known and not the rejected one: the approve rule approves",
    first: rejectWhen(`{ requester: { tenants: ["${OTHER_TENANT}"] } }`),
    over: {},
    action: "approve",
    ruleId: "approve-sub-a",
  },
  {
    name: "tenant known and the rejected one: rejected",
    first: rejectWhen(`{ requester: { tenants: ["${OTHER_TENANT}"] } }`),
    over: { requester: { ...base.requester, tenantId: OTHER_TENANT } },
    action: "reject",
    ruleId: "first",
  },
  {
    name: "location unknown: a location reject rule leaves it pending",
    first: rejectWhen(`{ target: { locations: [eastus] } }`),
    over: without.location,
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: target.locations: location unknown, needed by rule first"],
  },
  {
    name: "tags unknown: a tag reject rule leaves it pending",
    first: rejectWhen(`{ target: { tags: { env: dev } } }`),
    over: without.tags,
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: target.tags.env: target tags unknown, needed by rule first"],
  },
  {
    name: "tags known without the tag: the reject rule fails, the approve rule approves",
    first: rejectWhen(`{ target: { tags: { env: dev } } }`),
    over: { target: { ...base.target, tags: {} } },
    action: "approve",
    ruleId: "approve-sub-a",
  },
  {
    name: "group ids unknown: a group-id pending rule leaves it pending (unknown-facts)",
    first: pendingWhen(`{ target: { groupIds: [namespace] } }`),
    over: without.groupIds,
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: target.groupIds: group ids unknown, needed by rule first"],
  },
  {
    name: "request message absent: a message reject rule cannot be dodged by writing nothing",
    first: rejectWhen(`{ requestMessage: { matches: "(?i)test" } }`),
    over: { requestMessage: undefined },
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: requestMessage.matches: request message unknown, needed by rule first"],
  },
  {
    name: "schedule unknown: a pending-out-of-hours rule leaves it pending",
    first: pendingWhen(`{ schedule: { from: "18:00", to: "08:00", timeZone: Europe/Amsterdam } }`),
    over: { at: undefined },
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: schedule: decision time unknown, needed by rule first"],
  },
  {
    name: "target tenant unknown: a cross-tenant reject rule (sameTenant: false) leaves it pending",
    first: rejectWhen(`{ sameTenant: false }`),
    over: { targetTenantId: undefined },
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: ["unknown-facts: sameTenant: target tenant unknown, needed by rule first"],
  },
  {
    // Limits belong to approve rules only; Relay's 64 needs the count too, so approve-sub-a fails as well.
    name: "approved count unknown: approve rules with limits do not match, the default decides",
    first: `    when: { requester: { tenants: ["${CORP}"] } }\n    limits: { maxApprovedPerTarget: 10 }\n    action: approve`,
    over: { approvedCount: undefined },
    default: "reject",
    action: "reject",
    ruleId: "default",
  },
  {
    name: "approved count unknown on a target without Relay's limit: the unlimited approve rule approves",
    first: `    when: { requester: { tenants: ["${CORP}"] } }\n    limits: { maxApprovedPerTarget: 10 }\n    action: approve`,
    over: { approvedCount: undefined, target: { ...base.target, type: "Microsoft.Storage/storageAccounts" } },
    action: "approve",
    ruleId: "approve-sub-a",
  },
  {
    name: "earlier reject rule decided no-match (one condition fails, another unknown): approve still approves",
    first: rejectWhen(`{ requester: { tenants: ["${OTHER_TENANT}"], subscriptions: ["${SUB_B}"] } }`),
    over: without.tenant,
    action: "approve",
    ruleId: "approve-sub-a",
  },
  {
    name: "an undecidable rule after the deciding rule is never reached",
    first: `    when: { requester: { subscriptions: ["${SUB_A}"] } }\n    action: approve`,
    after: `  - id: late-reject\n    when: { requester: { tenants: ["${OTHER_TENANT}"] } }\n    action: reject\n`,
    over: without.tenant,
    action: "approve",
    ruleId: "first",
  },
  {
    name: "undecidable reject rule before the default: pending even when the default is reject",
    first: rejectWhen(`{ requester: { tenants: ["${OTHER_TENANT}"] } }`),
    over: { ...without.tenant, requester: { subscriptionId: SUB_B } },
    default: "reject",
    action: "pending",
    ruleId: UNKNOWN_FACTS_RULE_ID,
    reasons: [
      "default: no rule matched; the policy's default is reject",
      "unknown-facts: rule first (reject) could not be evaluated, so the default (reject) does not decide; left pending for a human",
    ],
  },
];

describe("unknown facts fail closed", () => {
  it.each(rows)("$name", (row) => {
    const p = policy(row.first, { after: row.after, default: row.default });
    const f = { ...base, ...row.over };
    const d = evaluate(p, f);
    expect({ action: d.action, ruleId: d.ruleId }).toEqual({ action: row.action, ruleId: row.ruleId });
    for (const reason of row.reasons ?? []) expect(d.reasons).toContain(reason);
    // `explain` and `evaluate` agree.
    expect(explain(p, f).decision).toEqual(d);
    if (d.ruleId === UNKNOWN_FACTS_RULE_ID) {
      expect(d.message).toMatch(/^Left pending by linkgate: .* unknown for rule first$/);
      expect(connectionDescription(d)).toMatch(/^\[linkgate:unknown-facts\] Left pending/);
    } else {
      expect(d.reasons.join("\n")).not.toContain("unknown-facts");
    }
  });

  it("keeps every per-rule reason and names each unknown fact with the rules that needed it", () => {
    const p = policyOf(`apiVersion: linkgate/v1
rules:
  - id: reject-other
    when: { requester: { tenants: ["${OTHER_TENANT}"] }, target: { locations: [eastus] } }
    action: reject
  - id: hold-other
    when: { requester: { tenants: ["${OTHER_TENANT}"] } }
    action: pending
  - id: approve-sub-a
    when: { requester: { subscriptions: ["${SUB_A}"] } }
    action: approve
`);
    const f = { ...base, ...without.tenant, target: { ...base.target, location: undefined } };
    const d = evaluate(p, f);
    expect(d).toEqual({
      action: "pending",
      ruleId: "unknown-facts",
      message:
        "Left pending by linkgate: requester.tenants, target.locations unknown for rule reject-other, hold-other",
      reasons: [
        "rule reject-other: requester.tenants: tenant unknown",
        "rule reject-other: target.locations: location unknown",
        "rule hold-other: requester.tenants: tenant unknown",
        `rule approve-sub-a: matched: requester.subscriptions: subscription ${SUB_A} matches "${SUB_A}"; ` +
          "limits.relayPrivateEndpoints: 4 of Relay's 64 private endpoints",
        "unknown-facts: requester.tenants: tenant unknown, needed by rule reject-other, hold-other",
        "unknown-facts: target.locations: location unknown, needed by rule reject-other",
        "unknown-facts: rule reject-other (reject), hold-other (pending) could not be evaluated, so rule approve-sub-a (approve) does not decide; left pending for a human",
      ],
    });
    const x = explain(p, f);
    expect(x.trace.map((t) => [t.ruleId, t.matched, t.undecidable])).toEqual([
      ["reject-other", false, true],
      ["hold-other", false, true],
      ["approve-sub-a", true, false],
    ]);
  });

  it("marks an approve rule with unknown facts as a plain non-match, not undecidable", () => {
    const p = policyOf(`apiVersion: linkgate/v1
default: reject
rules:
  - id: approve-corp
    when: { requester: { tenants: ["${CORP}"] } }
    action: approve
`);
    const x = explain(p, { ...base, ...without.tenant });
    expect(x.trace[0]).toMatchObject({ matched: false, undecidable: false });
    expect(x.decision).toMatchObject({ action: "reject", ruleId: "default" });
  });
});
