import type { DecisionFacts } from "../../../src/core/model";
import { evaluate } from "../../../src/core/policy";
import { CORP, OTHER_TENANT, RELAY_ID, SUB_A, SUB_B, facts, ruleWhen } from "./helpers";

type Outcome = "match" | "no-match" | "unknown";

interface Row {
  readonly when: string;
  readonly over: Partial<DecisionFacts>;
  readonly outcome: Outcome;
  /** Substring the reason must contain (for non-matches) */
  readonly reason?: string;
}

const req = (r: Partial<DecisionFacts["requester"]>) => ({ requester: { ...facts().requester, ...r } });
const tgt = (t: Partial<DecisionFacts["target"]>) => ({ target: { ...facts().target, ...t } });
const noRequester = (key: keyof DecisionFacts["requester"]) => {
  const r: Record<string, unknown> = { ...facts().requester };
  delete r[key];
  return { requester: r as DecisionFacts["requester"] };
};
const noTarget = (key: keyof DecisionFacts["target"]) => {
  const t: Record<string, unknown> = { ...facts().target };
  delete t[key];
  return { target: t as DecisionFacts["target"] };
};

// Every condition kind: one row where it holds, one where it does not, one where its fact is unknown.
const rows: Record<string, Row[]> = {
  "requester.tenants": [
    { when: `{requester: {tenants: [${CORP}]}}`, over: {}, outcome: "match" },
    { when: `{requester: {tenants: ["${CORP.toUpperCase()}"]}}`, over: {}, outcome: "match" },
    {
      when: `{requester: {tenants: [${CORP}]}}`,
      over: req({ tenantId: OTHER_TENANT }),
      outcome: "no-match",
      reason: `requester.tenants: tenant ${OTHER_TENANT} not in [${CORP}]`,
    },
    {
      when: `{requester: {tenants: [${CORP}]}}`,
      over: noRequester("tenantId"),
      outcome: "unknown",
      reason: "tenant unknown",
    },
  ],
  "requester.subscriptions": [
    { when: `{requester: {subscriptions: ["*"]}}`, over: {}, outcome: "match" },
    { when: `{requester: {subscriptions: [${SUB_B}, ${SUB_A}]}}`, over: {}, outcome: "match" },
    { when: `{requester: {subscriptions: ["aaaaaaaa-*"]}}`, over: {}, outcome: "match" },
    {
      when: `{requester: {subscriptions: [${SUB_B}]}}`,
      over: {},
      outcome: "no-match",
      reason: `subscription ${SUB_A} matches none of [${SUB_B}]`,
    },
    { when: `{requester: {subscriptions: ["*"]}}`, over: noRequester("subscriptionId"), outcome: "unknown" },
  ],
  "requester.resourceGroups": [
    { when: `{requester: {resourceGroups: ["rg-app-*"]}}`, over: {}, outcome: "match" },
    { when: `{requester: {resourceGroups: ["RG-APP-ORDER?"]}}`, over: {}, outcome: "match" },
    {
      when: `{requester: {resourceGroups: ["rg-data-*"]}}`,
      over: {},
      outcome: "no-match",
      reason: "resource group rg-app-orders matches none of [rg-data-*]",
    },
    { when: `{requester: {resourceGroups: ["*"]}}`, over: noRequester("resourceGroup"), outcome: "unknown" },
  ],
  "requester.endpointNames": [
    { when: `{requester: {endpointNames: ["pe-*"]}}`, over: {}, outcome: "match" },
    { when: `{requester: {endpointNames: ["pe-?"]}}`, over: {}, outcome: "no-match" },
    { when: `{requester: {endpointNames: ["*"]}}`, over: noRequester("endpointName"), outcome: "unknown" },
  ],
  "requester facts from the private endpoint ID": [
    {
      when: `{requester: {subscriptions: [${SUB_A}], resourceGroups: [rg-pe], endpointNames: [pe-from-id]}}`,
      over: {
        requester: {
          privateEndpointId: `/subscriptions/${SUB_A}/resourceGroups/rg-pe/providers/Microsoft.Network/privateEndpoints/pe-from-id`,
        },
      },
      outcome: "match",
    },
  ],
  "target.types": [
    { when: `{target: {types: [Microsoft.Relay/namespaces]}}`, over: {}, outcome: "match" },
    { when: `{target: {types: [microsoft.relay/NAMESPACES]}}`, over: {}, outcome: "match" },
    { when: `{target: {types: ["Microsoft.Relay/*"]}}`, over: {}, outcome: "match" },
    { when: `{target: {types: [Microsoft.Network/privateLinkServices]}}`, over: {}, outcome: "no-match" },
    // The type is read from the target ID when not given.
    { when: `{target: {types: [Microsoft.Relay/namespaces]}}`, over: noTarget("type"), outcome: "match" },
    { when: `{target: {types: ["*/*"]}}`, over: { target: {} }, outcome: "unknown" },
  ],
  "target.ids": [
    {
      when: `{target: {ids: ["/subscriptions/*/resourceGroups/prod-*/providers/Microsoft.Relay/namespaces/*"]}}`,
      over: {},
      outcome: "match",
    },
    { when: `{target: {ids: ["/subscriptions/**"]}}`, over: {}, outcome: "match" },
    // A single * never spans "/": it cannot stand for a whole resource group path.
    {
      when: `{target: {ids: ["/subscriptions/*/providers/Microsoft.Relay/namespaces/*"]}}`,
      over: {},
      outcome: "no-match",
    },
    {
      when: `{target: {ids: ["/subscriptions/*/resourceGroups/dev-*/**"]}}`,
      over: {},
      outcome: "no-match",
      reason: `id ${RELAY_ID} matches none of`,
    },
    { when: `{target: {ids: ["/**"]}}`, over: noTarget("id"), outcome: "unknown" },
  ],
  "target.tags": [
    { when: `{target: {tags: {linkgate-auto-approve: "true"}}}`, over: {}, outcome: "match" },
    {
      when: `{target: {tags: {LinkGate-Auto-Approve: "TRUE", env: [dev, "pr*"]}}}`,
      over: {},
      outcome: "match",
    },
    {
      when: `{target: {tags: {linkgate-auto-approve: "true", env: dev}}}`,
      over: {},
      outcome: "no-match",
      reason: 'tag env="Prod" matches none of [dev]',
    },
    { when: `{target: {tags: {owner: "*"}}}`, over: {}, outcome: "no-match", reason: "tag owner is not set" },
    { when: `{target: {tags: {owner: "*"}}}`, over: noTarget("tags"), outcome: "unknown" },
  ],
  "target.locations": [
    { when: `{target: {locations: [West Europe]}}`, over: {}, outcome: "match" },
    { when: `{target: {locations: [westeurope]}}`, over: tgt({ location: "West Europe" }), outcome: "match" },
    { when: `{target: {locations: [northeurope]}}`, over: {}, outcome: "no-match" },
    { when: `{target: {locations: [westeurope]}}`, over: noTarget("location"), outcome: "unknown" },
  ],
  "target.groupIds": [
    { when: `{target: {groupIds: [namespace]}}`, over: {}, outcome: "match" },
    { when: `{target: {groupIds: [blob, queue]}}`, over: tgt({ groupIds: ["blob"] }), outcome: "match" },
    {
      when: `{target: {groupIds: [blob]}}`,
      over: tgt({ groupIds: ["blob", "queue"] }),
      outcome: "no-match",
      reason: "group ids [queue] not in [blob]",
    },
    { when: `{target: {groupIds: [blob]}}`, over: tgt({ groupIds: [] }), outcome: "unknown" },
  ],
  requestMessage: [
    { when: `{requestMessage: {matches: "^CHG[0-9]{7}"}}`, over: {}, outcome: "match" },
    { when: `{requestMessage: {matches: "(?i)chg[0-9]+"}}`, over: {}, outcome: "match" },
    {
      when: `{requestMessage: {matches: "^CHG[0-9]{7}"}}`,
      over: { requestMessage: "please" },
      outcome: "no-match",
      reason: "request message does not match /^CHG[0-9]{7}/",
    },
    { when: `{requestMessage: {matches: "."}}`, over: { requestMessage: undefined }, outcome: "unknown" },
  ],
  sameSubscription: [
    { when: `{sameSubscription: true}`, over: { targetSubscriptionId: SUB_A }, outcome: "match" },
    {
      when: `{sameSubscription: true}`,
      over: {},
      outcome: "no-match",
      reason: `requester subscription ${SUB_A} differs from the target's ${SUB_B}`,
    },
    { when: `{sameSubscription: false}`, over: {}, outcome: "match" },
    // The target subscription is read from the target ID when not given.
    { when: `{sameSubscription: false}`, over: { targetSubscriptionId: undefined }, outcome: "match" },
    { when: `{sameSubscription: true}`, over: noRequester("subscriptionId"), outcome: "unknown" },
  ],
  sameTenant: [
    { when: `{sameTenant: true}`, over: {}, outcome: "match" },
    { when: `{sameTenant: true}`, over: { targetTenantId: OTHER_TENANT }, outcome: "no-match" },
    { when: `{sameTenant: false}`, over: { targetTenantId: OTHER_TENANT }, outcome: "match" },
    { when: `{sameTenant: false}`, over: {}, outcome: "no-match" },
    // Unknown tenants are never "different": a sameTenant: false reject cannot fire on missing facts.
    { when: `{sameTenant: false}`, over: noRequester("tenantId"), outcome: "unknown" },
    {
      when: `{sameTenant: true}`,
      over: { targetTenantId: undefined },
      outcome: "unknown",
      reason: "target tenant unknown",
    },
  ],
  schedule: [
    { when: `{schedule: {from: "08:00", to: "18:00", timeZone: UTC}}`, over: {}, outcome: "match" },
    {
      when: `{schedule: {days: [Sat, Sun], from: "08:00", to: "18:00", timeZone: UTC}}`,
      over: {},
      outcome: "no-match",
      reason: "Fri 2025-03-28 09:30 UTC is outside Sat,Sun 08:00-18:00",
    },
    {
      when: `{schedule: {from: "08:00", to: "18:00", timeZone: UTC}}`,
      over: { at: undefined },
      outcome: "unknown",
      reason: "decision time unknown",
    },
  ],
  "all keys AND": [
    {
      when: `{requester: {tenants: [${CORP}]}, target: {types: [Microsoft.Relay/namespaces]}, sameTenant: true}`,
      over: {},
      outcome: "match",
    },
    {
      when: `{requester: {tenants: [${CORP}]}, target: {types: [Microsoft.Storage/storageAccounts]}}`,
      over: {},
      outcome: "no-match",
    },
  ],
  "empty when is a catch-all": [{ when: `{}`, over: { requester: {}, target: {} }, outcome: "match" }],
};

describe.each(Object.entries(rows))("condition %s", (_kind, table) => {
  it.each(table.map((r, i) => [i, r] as const))("row %i", (_i, row) => {
    const d = evaluate(ruleWhen(row.when), facts(row.over));
    if (row.outcome === "match") {
      expect(d).toMatchObject({ action: "approve", ruleId: "r1" });
      expect(d.reasons[0]).toMatch(/^rule r1: matched: /);
    } else {
      expect(d).toMatchObject({ action: "pending", ruleId: "default" });
      const ruleReasons = d.reasons.filter((r) => r.startsWith("rule r1: "));
      expect(ruleReasons.length).toBeGreaterThan(0);
      if (row.outcome === "unknown") expect(ruleReasons.join("\n")).toMatch(/unknown/);
      else expect(ruleReasons.join("\n")).not.toMatch(/unknown/);
      if (row.reason) expect(ruleReasons.join("\n")).toContain(row.reason);
    }
  });
});
