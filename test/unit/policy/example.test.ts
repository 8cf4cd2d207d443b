import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, parsePolicy, type Policy } from "../../../src/core/policy";

const root = join(__dirname, "../../..");

function load(): Policy {
  const r = parsePolicy(readFileSync(join(root, "examples/policy.yaml"), "utf8"), "examples/policy.yaml");
  if ("errors" in r)
    throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.field}: ${e.message}`).join("\n"));
  return r.policy;
}

describe("examples/policy.yaml", () => {
  it("is valid and keeps its rules in order", () => {
    const p = load();
    expect(p.mode).toBe("enforce");
    expect(p.default).toBe("pending");
    expect(p.rules.map((r) => r.id)).toEqual([
      "reject-offboarded-tenant",
      "corp-tenant-relay",
      "pls-partner-subscriptions",
      "pls-partner-others",
      "data-platform-storage",
    ]);
  });

  it("approves a corp Relay request with a change ticket in office hours", () => {
    const d = evaluate(load(), {
      requester: {
        tenantId: "00000000-0000-0000-0000-000000000001",
        subscriptionId: "aaaaaaaa-0000-0000-0000-000000000000",
        resourceGroup: "rg-app-orders",
        endpointName: "pe-orders",
      },
      target: {
        id: "/subscriptions/bbbbbbbb-0000-0000-0000-000000000000/resourceGroups/prod-relay/providers/Microsoft.Relay/namespaces/ns1",
        type: "Microsoft.Relay/namespaces",
        tags: { "linkgate-auto-approve": "true" },
        groupIds: ["namespace"],
      },
      requestMessage: "CHG1234567 orders api",
      approvedCount: 3,
      targetTenantId: "00000000-0000-0000-0000-000000000001",
      at: "2025-03-28T09:30:00Z",
    });
    expect(d.action).toBe("approve");
    expect(d.ruleId).toBe("corp-tenant-relay");
    expect(d.reasons[0]).toBe(
      "rule reject-offboarded-tenant: requester.tenants: tenant 00000000-0000-0000-0000-000000000001 not in [6f0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b]",
    );
    expect(d.reasons[1]).toMatch(/^rule corp-tenant-relay: matched: requester.tenants: tenant .* in \[/);
  });
});
