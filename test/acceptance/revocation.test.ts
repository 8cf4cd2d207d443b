/**
 * Issue 12 end to end over the emulator: `linkgate policy what-if` through the real CLI (bin/linkgate.js),
 * time-bound approvals written by the real CLI's reconcile and revoked by the real timer handler on an
 * injected clock, and the revocation guard. Nothing is mocked: the emulator serves ARM over HTTPS with its own
 * CA, the CLI and the timer use the production composition.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InvocationContext, type Timer } from "@azure/functions";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { linkgateSweep } from "../../src/functions/sweepTimer";
import { parseLinkgateDescription } from "../../src/core/policy";
import { cleanEnv, ensureBuilt, runCli, tempDir } from "./helpers";

const P = "12121212-0000-4000-8000-000000000001"; // provider
const C = "34343434-0000-4000-8000-000000000002"; // corp consumer
const D = "56565656-0000-4000-8000-000000000003"; // off-boarded consumer
const E = "78787878-0000-4000-8000-000000000004"; // a consumer no rule names
const PLS = `/subscriptions/${P}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls-whatif`;

type Seeded = [name: string, status: "Pending" | "Approved" | "Rejected", sub: string, description?: string];

function plsDoc(connections: Seeded[]): Record<string, unknown> {
  return {
    id: PLS,
    name: "pls-whatif",
    type: "Microsoft.Network/privateLinkServices",
    location: "westeurope",
    tags: {},
    etag: 'W/"1"',
    properties: {
      provisioningState: "Succeeded",
      alias: "pls-whatif.11111111-2222-3333-4444-555555555555.westeurope.azure.privatelinkservice",
      visibility: { subscriptions: [C, D] },
      autoApproval: { subscriptions: [] },
      privateEndpointConnections: connections.map(([name, status, sub, description]) => ({
        id: `${PLS}/privateEndpointConnections/${name}`,
        name,
        type: "Microsoft.Network/privateLinkServices/privateEndpointConnections",
        etag: `W/"${name}-1"`,
        properties: {
          privateEndpoint: {
            id: `/subscriptions/${sub}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-${name}`,
          },
          privateLinkServiceConnectionState: {
            status,
            description: description ?? (status === "Pending" ? "please" : "approved by alice"),
            actionsRequired: "None",
          },
          provisioningState: "Succeeded",
        },
      })),
    },
  };
}

const OLD_POLICY = `apiVersion: linkgate/v1
mode: enforce
default: pending
rules: []
`;
const newPolicy = (maxPerSweep: number) => `apiVersion: linkgate/v1
mode: enforce
default: pending
revocation: { mode: enforce, maxPerSweep: ${maxPerSweep} }
rules:
  - id: offboarded-partner
    action: reject
    revoke: true
    when: { requester: { subscriptions: ["${D}"] } }
  - id: corp-temporary
    action: approve
    approveFor: P1D
    when: { requester: { subscriptions: ["${C}"] } }
`;

let emu: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;

function seed(connections: Seeded[]): void {
  emu.state.reset();
  emu.faults.clear();
  for (const [sub, tenant] of [
    [P, "aaaaaaaa-1111-4000-8000-000000000001"],
    [C, "aaaaaaaa-1111-4000-8000-000000000001"],
    [D, "dddddddd-2222-4000-8000-000000000002"],
  ] as const) {
    emu.state.setSubscription({ subscriptionId: sub, tenantId: tenant });
  }
  emu.state.add(plsDoc(connections));
}

function stateOf(name: string): { status?: string; description?: string } {
  const doc = emu.state.get(`${PLS}/privateEndpointConnections/${name}`) as
    | { properties?: { privateLinkServiceConnectionState?: { status?: string; description?: string } } }
    | undefined;
  return doc?.properties?.privateLinkServiceConnectionState ?? {};
}

function timer(): Timer {
  return { isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: undefined as never };
}

function context(lines: string[]): InvocationContext {
  return new InvocationContext({
    invocationId: "inv-revocation",
    functionName: "linkgateSweep",
    logHandler: (level, ...args) => lines.push(`${level} ${String(args[0])}`),
  });
}

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("revocation");
  emu = await startEmulator({ port: 0, caFile: path.join(dir, "ca.pem"), lroRetryAfterSeconds: 0 });
  fs.writeFileSync(path.join(dir, "old.yaml"), OLD_POLICY);
  fs.writeFileSync(path.join(dir, "new.yaml"), newPolicy(5));
  fs.writeFileSync(path.join(dir, "guarded.yaml"), newPolicy(2));
  env = cleanEnv({
    LINKGATE_EMULATOR: emu.url,
    LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
  });
}, 120_000);

afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { env: { ...env, ...extra }, cwd: dir });

/** The timer function as the host runs it, with this env and an injected clock. */
async function sweepAt(policyFile: string, now: Date, lines: string[] = []) {
  const result = await linkgateSweep(
    timer(),
    context(lines),
    { ...env, LINKGATE_POLICY_FILE: path.join(dir, policyFile), LINKGATE_SUBSCRIPTIONS: P },
    { now: () => now },
  );
  if (!result) throw new Error(`the sweep did not run:\n${lines.join("\n")}`);
  return result;
}

describe("linkgate policy what-if", () => {
  test("a change that approves 3 and revokes 2 is shown exactly, then the sweep does exactly that", async () => {
    seed([
      ["p1", "Pending", C],
      ["p2", "Pending", C],
      ["p3", "Pending", C],
      ["a1", "Approved", D],
      ["a2", "Approved", D],
      ["r1", "Rejected", E, "no"],
    ]);
    const args = ["policy", "what-if", "--policy", "new.yaml", "--against", "old.yaml", "--subscription", P];
    const json = await cli([...args, "-o", "json"]);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      summary: { transition: string; count: number }[];
      changes: {
        connectionId: string;
        transition: string;
        old: { ruleId: string };
        new: { ruleId: string; expiresAt?: string; revocation?: { reason: string } };
      }[];
      guard: { wouldRevoke: number; maxPerSweep: number; tripped: boolean };
      unchanged: number;
    };
    expect(report.summary).toEqual([
      { transition: "Pending → approve", count: 3 },
      { transition: "Approved → revoke", count: 2 },
    ]);
    expect(report.changes.map((c) => [c.connectionId.split("/").pop(), c.old.ruleId, c.new.ruleId])).toEqual([
      ["p1", "default", "corp-temporary"],
      ["p2", "default", "corp-temporary"],
      ["p3", "default", "corp-temporary"],
      ["a1", "default", "offboarded-partner"],
      ["a2", "default", "offboarded-partner"],
    ]);
    expect(report.changes[0]?.new.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(report.changes[3]?.new.revocation?.reason).toBe("rule");
    expect(report.guard).toEqual({ mode: "enforce", maxPerSweep: 5, wouldRevoke: 2, tripped: false });
    expect(report.unchanged).toBe(1);

    const md = await cli([...args, "-o", "markdown"]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain(
      "**5 change(s): 3 Pending → approve, 2 Approved → revoke; 1 of 6 connection(s) unchanged.**",
    );
    expect(md.stdout).toContain("#### Approved → revoke (2)");
    expect(md.stdout).toContain(
      "| `pls-whatif/a1` | would pending by default | revoke by offboarded-partner | reject rule offboarded-partner (revoke: true) now matches it |",
    );

    const sarif = await cli([...args, "-o", "sarif"]);
    const log = JSON.parse(sarif.stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[];
    };
    expect(log.runs[0]?.tool.driver.rules.map((r) => r.id)).toEqual([
      "pending-to-approve",
      "approved-to-revoke",
    ]);
    expect(log.runs[0]?.results).toHaveLength(5);

    // Read-only: nothing changed in ARM.
    expect(["p1", "p2", "p3", "a1", "a2"].map((n) => stateOf(n).status)).toEqual([
      "Pending",
      "Pending",
      "Pending",
      "Approved",
      "Approved",
    ]);

    // The sweep under the new policy does what what-if said, and what-if then sees no change.
    const lines: string[] = [];
    const result = await sweepAt("new.yaml", new Date(), lines);
    expect(["p1", "p2", "p3", "a1", "a2", "r1"].map((n) => stateOf(n).status)).toEqual([
      "Approved",
      "Approved",
      "Approved",
      "Rejected",
      "Rejected",
      "Rejected",
    ]);
    expect(result.revocations?.records.map((r) => [r.connectionId.split("/").pop(), r.outcome])).toEqual([
      ["a1", "revoked"],
      ["a2", "revoked"],
    ]);
    expect(stateOf("a1").description).toBe(
      "[linkgate:offboarded-partner] Revoked by linkgate rule offboarded-partner",
    );
    const again = await cli([
      "policy",
      "what-if",
      "--policy",
      "new.yaml",
      "--against",
      "new.yaml",
      "--subscription",
      P,
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      "Revocation (enforce): 0 of at most 5 per sweep.\nNo change: all 6 connection(s) keep their outcome.\n",
    );
  }, 120_000);

  test("errors exit 2: an invalid policy prints FILE:LINE:COL lines; bad flags; --help says read-only", async () => {
    fs.writeFileSync(
      path.join(dir, "bad.yaml"),
      "apiVersion: linkgate/v1\nrules:\n  - id: x\n    action: approve\n    approveFor: P2Y\n",
    );
    const [bad, both, help] = await Promise.all([
      cli(["policy", "what-if", "--policy", "bad.yaml", "--against", "old.yaml", "--subscription", P]),
      cli([
        "policy",
        "what-if",
        "--policy",
        "new.yaml",
        "--against",
        "old.yaml",
        "--subscription",
        P,
        "--management-group",
        "mg",
      ]),
      cli(["policy", "what-if", "--help"]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:17 rules[0].approveFor: "P2Y" is longer than a year');
    expect(bad.stderr).toContain("the NEW policy is invalid");
    expect(both.code).toBe(2);
    expect(help.stdout).toContain("Read-only: never writes to Azure");
    const noOld = await cli(["policy", "what-if", "--policy", "new.yaml", "--subscription", P]);
    expect(noOld.code).toBe(2);
    expect(noOld.stderr).toContain("pass --against OLD.yaml or set LINKGATE_POLICY_FILE");
    const deployed = await cli(
      ["policy", "what-if", "--policy", "new.yaml", "--subscription", P, "-o", "json"],
      {
        LINKGATE_POLICY_FILE: "new.yaml",
      },
    );
    expect(deployed.code).toBe(0);
  }, 60_000);
});

describe("time-bound approvals and guarded revocation", () => {
  test("an approveFor: P1D approval is revoked by the first sweep after a day", async () => {
    seed([["t1", "Pending", C]]);
    const approved = await cli(["reconcile", "--policy", "new.yaml", "--resource", PLS]);
    expect(approved.code).toBe(0);
    const description = stateOf("t1").description ?? "";
    expect(stateOf("t1").status).toBe("Approved");
    expect(description).toMatch(/^\[linkgate:corp-temporary\] until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC; /);
    const expiresAt = parseLinkgateDescription(description)?.expiresAt ?? "";
    const expiry = Date.parse(expiresAt);
    expect(expiry - Date.now()).toBeGreaterThan(24 * 3600_000 - 120_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 60_000);

    const before = await sweepAt("new.yaml", new Date(expiry - 60_000));
    expect(stateOf("t1").status).toBe("Approved");
    expect(before.findings.map((f) => f.checkId)).not.toContain("connection-approval-expired");
    expect(before.revocations?.records).toEqual([]);

    const lines: string[] = [];
    const after = await sweepAt("new.yaml", new Date(expiry + 60_000), lines);
    expect(stateOf("t1").status).toBe("Rejected");
    expect(stateOf("t1").description).toBe(
      `[linkgate:corp-temporary] Revoked by linkgate: time-bound approval expired ${expiresAt}`,
    );
    expect(after.revocations?.records).toEqual([
      expect.objectContaining({
        reason: "expired",
        ruleId: "corp-temporary",
        outcome: "revoked",
        previousState: "Approved",
      }),
    ]);
    expect(after.findings.find((f) => f.checkId === "connection-approval-expired")?.message).toContain(
      "revocation (enforce) revokes it",
    );
    expect(lines.join("\n")).toContain("revocation: revoked");
  }, 120_000);

  test("a guard with maxPerSweep: 2 facing 5 revocations revokes none and raises the finding", async () => {
    seed([1, 2, 3, 4, 5].map((i): Seeded => [`d${i}`, "Approved", D]));
    const result = await sweepAt("guarded.yaml", new Date());
    expect([1, 2, 3, 4, 5].map((i) => stateOf(`d${i}`).status)).toEqual(Array(5).fill("Approved"));
    expect(result.revocations).toMatchObject({ planned: 5, withheld: true, records: [] });
    const guard = result.findings.find((f) => f.checkId === "revocation-guard-tripped");
    expect(guard).toMatchObject({ severity: "error", resourceId: "/providers/linkgate/revocation" });
    expect(guard?.message).toContain(
      "5 connection(s) would be revoked in one sweep, over the policy's revocation.maxPerSweep of 2",
    );
    expect(guard?.message).toContain("5 matched by revoke rule(s) offboarded-partner; none was revoked");

    // what-if shows it in advance.
    const shown = await cli([
      "policy",
      "what-if",
      "--policy",
      "guarded.yaml",
      "--against",
      "old.yaml",
      "--subscription",
      P,
    ]);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain("Approved → revoke (5)");
    expect(shown.stdout).toContain(
      "GUARD: 5 revocation(s) exceed revocation.maxPerSweep 2: the sweep would revoke NONE and raise revocation-guard-tripped.",
    );
  }, 120_000);
});
