import type { DecisionFacts } from "../../../src/core/model";
import { parsePolicy, type Policy } from "../../../src/core/policy";

/** Parses a policy that must be valid; the failure names every error so a broken fixture is obvious. */
export function policyOf(yaml: string): Policy {
  const r = parsePolicy(yaml, "test.yaml");
  if ("errors" in r)
    throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.field}: ${e.message}`).join("\n"));
  return r.policy;
}

/** A one-rule approve policy over the given `when` block (YAML flow text), default pending. */
export function ruleWhen(when: string, extra = ""): Policy {
  return policyOf(`apiVersion: linkgate/v1
rules:
  - id: r1
    when: ${when}
    action: approve
${extra}`);
}

export const CORP = "00000000-0000-0000-0000-000000000001";
export const OTHER_TENANT = "11111111-1111-4111-8111-111111111111";
export const SUB_A = "aaaaaaaa-0000-4000-8000-000000000001";
export const SUB_B = "bbbbbbbb-0000-4000-8000-000000000002";
export const RELAY_ID = `/subscriptions/${SUB_B}/resourceGroups/prod-msg/providers/Microsoft.Relay/namespaces/ns1`;

/** A fully known request; tests override one fact at a time. */
export function facts(over: Partial<DecisionFacts> = {}): DecisionFacts {
  return {
    requester: {
      tenantId: CORP,
      subscriptionId: SUB_A,
      resourceGroup: "rg-app-orders",
      endpointName: "pe-orders",
    },
    target: {
      id: RELAY_ID,
      type: "Microsoft.Relay/namespaces",
      location: "westeurope",
      tags: { "linkgate-auto-approve": "true", env: "Prod" },
      groupIds: ["namespace"],
    },
    requestMessage: "CHG1234567 orders",
    approvedCount: 3,
    targetTenantId: CORP,
    targetSubscriptionId: SUB_B,
    at: "2025-03-28T09:30:00Z",
    ...over,
  };
}
