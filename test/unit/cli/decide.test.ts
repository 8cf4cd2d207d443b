import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./policyHelpers";

const root = join(__dirname, "../../..");
const CORP = "00000000-0000-0000-0000-000000000001";

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "linkgate-decide-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const relayRequest = {
  requester: {
    subscriptionId: "aaaaaaaa-1111-4111-8111-111111111111",
    resourceGroup: "rg-app-orders",
    endpointName: "pe-orders",
    tenantId: CORP,
  },
  target: {
    id: "/subscriptions/bbbbbbbb-2222-4222-8222-222222222222/resourceGroups/prod-messaging/providers/Microsoft.Relay/namespaces/relay1",
    type: "Microsoft.Relay/namespaces",
    location: "westeurope",
    tags: { "linkgate-auto-approve": "true" },
    groupIds: ["namespace"],
  },
  requestMessage: "CHG0012345 orders",
  approvedCount: 2,
  targetTenantId: CORP,
  at: "2025-03-28T09:30:00Z",
};

describe("linkgate decide", () => {
  it("prints one JSON line with action, ruleId, message and reasons, exit 0", async () => {
    const dir = workdir({ "req.json": JSON.stringify(relayRequest) });
    const r = await run(
      ["decide", "--policy", join(root, "examples/policy.yaml"), "--request", "req.json"],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.endsWith("\n")).toBe(true);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const d = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(["action", "ruleId", "message", "reasons"]);
    expect(d).toMatchObject({ action: "approve", ruleId: "corp-tenant-relay" });
  });

  it("treats missing facts as unknown: no tenant rule matches and the undecidable reject rule leaves it pending", async () => {
    const { tenantId: _t, ...requester } = relayRequest.requester;
    const dir = workdir({ "req.json": JSON.stringify({ ...relayRequest, requester }) });
    const r = await run(
      ["decide", "--policy", join(root, "examples/policy.yaml"), "--request", "req.json"],
      dir,
    );
    const d = JSON.parse(r.stdout) as { action: string; ruleId: string; reasons: string[] };
    expect(d).toMatchObject({ action: "pending", ruleId: "unknown-facts" });
    expect(d.reasons).toContain("rule corp-tenant-relay: requester.tenants: tenant unknown");
    expect(d.reasons).toContain(
      "unknown-facts: requester.tenants: tenant unknown, needed by rule reject-offboarded-tenant",
    );
  });

  it("--explain marks the undecidable reject rule UNDEC and says nothing after it decides", async () => {
    const { tenantId: _t, ...requester } = relayRequest.requester;
    const dir = workdir({ "req.json": JSON.stringify({ ...relayRequest, requester }) });
    const args = ["decide", "--policy", join(root, "examples/policy.yaml"), "--request", "req.json"];
    const explained = await run([...args, "--explain"], dir);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe((await run(args, dir)).stdout);
    expect(explained.stderr).toContain(
      "UNDEC rule reject-offboarded-tenant\n      UNKN requester.tenants: tenant unknown",
    );
    expect(explained.stderr).toContain("skip  rule corp-tenant-relay");
    expect(explained.stderr.trim().split("\n").slice(-2)).toEqual([
      "rule reject-offboarded-tenant could not be evaluated (UNKN facts): nothing later decides",
      "=> pending (rule unknown-facts): Left pending by linkgate: requester.tenants unknown for rule reject-offboarded-tenant",
    ]);
  });

  it("--explain keeps stdout identical and writes the rule-by-rule trace to stderr", async () => {
    const dir = workdir({ "req.json": JSON.stringify({ ...relayRequest, at: "2025-03-29T09:30:00Z" }) });
    const args = ["decide", "--policy", join(root, "examples/policy.yaml"), "--request", "req.json"];
    const plain = await run(args, dir);
    const explained = await run([...args, "--explain"], dir);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(plain.stdout);
    expect(explained.stderr).toContain("skip  rule corp-tenant-relay");
    expect(explained.stderr).toContain(
      "      FAIL schedule: Sat 2025-03-29 10:30 Europe/Amsterdam is outside Mon,Tue,Wed,Thu,Fri 08:00-18:00",
    );
    expect(explained.stderr).toContain("      ok   requester.tenants: tenant");
    expect(explained.stderr.trim().split("\n").pop()).toBe(
      "=> pending (rule default): Left pending by linkgate: no rule matched",
    );
  });

  it("fails closed on an invalid policy: pending decision on stdout, errors on stderr, exit 2", async () => {
    const dir = workdir({
      "req.json": JSON.stringify(relayRequest),
      "p.yaml":
        "apiVersion: linkgate/v1\nrules:\n  - id: all\n    action: approve\n    limits: { maxApprovedPerTarget: many }\n",
    });
    const r = await run(["decide", "--policy", "p.yaml", "--request", "req.json"], dir);
    expect(r.code).toBe(2);
    const d = JSON.parse(r.stdout) as { action: string; ruleId: string; reasons: string[] };
    expect(d.action).toBe("pending");
    expect(d.ruleId).toBe("invalid-policy");
    expect(d.reasons).toEqual([
      'p.yaml:5:37 rules[0].limits.maxApprovedPerTarget: must be a whole number (got the string "many")',
    ]);
    expect(r.stderr).toBe(`${d.reasons[0]}\n`);
  });

  it("fails closed on an unreadable policy", async () => {
    const dir = workdir({ "req.json": JSON.stringify(relayRequest) });
    const r = await run(["decide", "--policy", "nope.yaml", "--request", "req.json"], dir);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: "pending", ruleId: "invalid-policy" });
  });

  it.each([
    ["missing", {}, /cannot read the request req\.json as JSON: ENOENT/],
    ["not JSON", { "req.json": "{requester:" }, /cannot read the request req\.json as JSON: /],
    ["not an object", { "req.json": "[1]" }, /req\.json: expected a JSON object/],
    [
      "a fact of the wrong type",
      { "req.json": JSON.stringify({ ...relayRequest, approvedCount: "2" }) },
      /req\.json: approvedCount: must be a whole number >= 0/,
    ],
    [
      "a bad time",
      { "req.json": JSON.stringify({ ...relayRequest, at: "friday" }) },
      /req\.json: at: "friday" is not an ISO 8601 time/,
    ],
    [
      "an unknown fact",
      { "req.json": JSON.stringify({ ...relayRequest, tenant: CORP }) },
      /req\.json: tenant: unknown fact/,
    ],
  ] as const)("exits 2 with a clear error when the request is %s", async (_name, files, message) => {
    const r = await run(
      ["decide", "--policy", join(root, "examples/policy.yaml"), "--request", "req.json"],
      workdir(files),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});
