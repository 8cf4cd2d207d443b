/**
 * Acceptance: `linkgate policy validate`, `linkgate decide` and `linkgate policy test` (issue 3, stable
 * contract), run as the real executable. Exact formats: `FILE:LINE:COL field: message` per error with exit 2;
 * one JSON object `{action, ruleId, message, reasons}` with exit 0; `N passed, N failed` as the last line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureBuilt, runCli, tempDir } from "./helpers";

// These tests spawn the real CLI (a process start each, several per test); leave room on a loaded 2-core CI
// machine. Per-process kill is at 60 s (helpers.ts).
jest.setTimeout(120_000);

const POLICY = "examples/policy.yaml";
const CASES = "examples/policy-cases.yaml";

let dir: string;
/** Writes `name` in the temp dir and returns its path relative to the CLI's cwd (dir), as a user types it. */
function write(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}
const run = (args: string[]) => runCli(args, { cwd: dir });
const examplePolicy = () => path.resolve(__dirname, "..", "..", POLICY);

// The worked example of docs/policy.md: a corp team asks for a prod Relay namespace on Friday 28 March 2025,
// 09:30 Amsterdam time, with a change ticket, and 12 endpoints already approved.
const WORKED_REQUEST = {
  requester: {
    subscriptionId: "aaaaaaaa-1111-4111-8111-111111111111",
    resourceGroup: "rg-app-orders",
    endpointName: "pe-orders-relay",
    tenantId: "00000000-0000-0000-0000-000000000001",
  },
  target: {
    id: "/subscriptions/bbbbbbbb-2222-4222-8222-222222222222/resourceGroups/prod-messaging/providers/Microsoft.Relay/namespaces/relay-prod-weu",
    type: "Microsoft.Relay/namespaces",
    location: "westeurope",
    tags: { "linkgate-auto-approve": "true" },
    groupIds: ["namespace"],
  },
  requestMessage: "CHG0012345 orders API listener",
  approvedCount: 12,
  targetTenantId: "00000000-0000-0000-0000-000000000001",
  at: "2025-03-28T08:30:00Z",
};

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("policy");
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("linkgate policy validate FILE", () => {
  test.concurrent(
    "the shipped example policy is valid: exit 0, nothing on stdout that looks like an error",
    async () => {
      const r = await run(["policy", "validate", examplePolicy()]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/:\d+:\d+ /);
    },
  );

  // Each broken policy, the exact line its error must produce (positions counted by hand from the text).
  const broken: [string, string, string][] = [
    [
      "YAML syntax (tab indentation)",
      "apiVersion: linkgate/v1\nrules:\n\t- id: a\n",
      "tab.yaml:3:1 (yaml): Tabs are not allowed as indentation",
    ],
    [
      "duplicate YAML key",
      "apiVersion: linkgate/v1\napiVersion: linkgate/v1\nrules: []\n",
      "dupkey.yaml:2:1 (yaml): Map keys must be unique",
    ],
    [
      "unknown key (a typo must not widen a rule)",
      "apiVersion: linkgate/v1\nrules:\n  - id: a\n    action: approve\n    whne: {}\n",
      'unknown.yaml:5:5 rules[0].whne: unknown key "whne"; expected one of: id, description, when, limits, action, message, approveFor, revoke',
    ],
    [
      "regular expression RE2 cannot compile",
      'apiVersion: linkgate/v1\nrules:\n  - id: a\n    when:\n      requestMessage: { matches: "(a" }\n    action: reject\n',
      "regex.yaml:5:34 rules[0].when.requestMessage.matches: not a valid RE2 (linear-time) regular expression: error parsing regexp: missing closing ): `(a`",
    ],
    [
      "time zone that is not IANA",
      'apiVersion: linkgate/v1\nrules:\n  - id: a\n    when:\n      schedule: { from: "08:00", to: "18:00", timeZone: Mars/Olympus }\n    action: reject\n',
      'tz.yaml:5:57 rules[0].when.schedule.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Amsterdam, UTC)',
    ],
    [
      "duplicate rule ids",
      "apiVersion: linkgate/v1\nrules:\n  - id: a\n    action: approve\n  - id: a\n    action: reject\n",
      'dupid.yaml:5:9 rules[1].id: duplicate rule id "a": rules[0] already uses it',
    ],
  ];
  test.concurrent.each(broken)(
    "%s: exit 2 and exactly the positioned error line",
    async (_what, text, line) => {
      const file = write(line.slice(0, line.indexOf(":")), text);
      const r = await run(["policy", "validate", file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe(`${line}\n`);
    },
  );

  test.concurrent(
    "a condition on a fact the targeted type never exposes: a positioned warning on stderr, exit 0; --strict exits 2",
    async () => {
      // Relay connections always ask for "namespace"; a Private Link Service has no group ids at all.
      const file = write(
        "warn.yaml",
        "apiVersion: linkgate/v1\nrules:\n  - id: relay-blob\n    when:\n      target:\n        types: [Microsoft.Relay/namespaces, Microsoft.Network/privateLinkServices]\n        groupIds: [blob]\n    action: approve\n",
      );
      const r = await run(["policy", "validate", file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines.map((l) => (l.includes(" Microsoft") ? l.slice(0, l.indexOf(" Microsoft")) : l))).toEqual([
        "warn.yaml:7:19 warning: rules[0].when.target.groupIds:",
        "warn.yaml:7:19 warning: rules[0].when.target.groupIds:",
        "ok: warn.yaml (1 rules, mode enforce, default pending, 2 warning(s))",
      ]);
      expect(lines[0]).toContain('always ask for group id "namespace"');
      expect(lines[1]).toContain("Microsoft.Network/privateLinkServices");
      const strict = await run(["policy", "validate", "--strict", file]);
      expect(strict.code).toBe(2);
      expect(strict.stdout).toBe("");
    },
  );

  test.concurrent(
    "every error is reported, one line each, in FILE:LINE:COL field: message form",
    async () => {
      const file = write(
        "multi.yaml",
        "apiVersion: linkgate/v1\nmode: strict\nrules:\n  - id: Corp\n    when:\n      requester: { tenants: [not-a-guid] }\n    action: approve\n",
      );
      const r = await run(["policy", "validate", file]);
      expect(r.code).toBe(2);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines).toEqual([
        'multi.yaml:2:7 mode: must be one of: enforce, audit (got the string "strict")',
        'multi.yaml:4:9 rules[0].id: rule id "Corp" must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. corp-tenant-relay',
        'multi.yaml:6:30 rules[0].when.requester.tenants[0]: "not-a-guid" is not a tenant ID (a GUID; globs are not allowed)',
      ]);
    },
  );

  test.concurrent("JSON policies are accepted and positioned too", async () => {
    const file = write(
      "p.json",
      '{"apiVersion":"linkgate/v1","rules":[{"id":"x","action":"approve","when":{"sameTenant":"yes"}}]}',
    );
    const r = await run(["policy", "validate", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      'p.json:1:88 rules[0].when.sameTenant: must be true or false (got the string "yes")\n',
    );
  });

  test.concurrent(
    "a missing file, a directory and an empty file: exit 2 with the file named and what is wrong",
    async () => {
      fs.mkdirSync(path.join(dir, "adir"), { recursive: true });
      write("empty.yaml", "");
      const [missing, directory, empty] = await Promise.all([
        run(["policy", "validate", "nope.yaml"]),
        run(["policy", "validate", "adir"]),
        run(["policy", "validate", "empty.yaml"]),
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stdout).toMatch(
        /^nope\.yaml:1:1 \(file\): cannot read the policy: ENOENT: no such file/,
      );
      expect(directory.code).toBe(2);
      expect(directory.stdout).toMatch(/^adir:1:1 \(file\): cannot read the policy: EISDIR/);
      expect(empty.code).toBe(2);
      expect(empty.stdout).toBe("empty.yaml:1:1 (document): the policy file is empty; see docs/policy.md\n");
    },
  );
});

describe("linkgate decide --policy FILE --request FILE [--explain]", () => {
  test.concurrent(
    "the docs' worked example: one JSON object on one line, exit 0, approve by corp-tenant-relay",
    async () => {
      const req = write("worked.json", JSON.stringify(WORKED_REQUEST, null, 2));
      const r = await run(["decide", "--policy", examplePolicy(), "--request", req]);
      expect(r.code).toBe(0);
      expect(r.stdout.endsWith("\n")).toBe(true);
      expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
      const d = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(Object.keys(d)).toEqual(["action", "ruleId", "message", "reasons"]);
      expect(d).toMatchObject({
        action: "approve",
        ruleId: "corp-tenant-relay",
        message: "Approved by linkgate rule corp-tenant-relay (change ticket in request)",
      });
      const reasons = d.reasons as string[];
      expect(reasons[0]).toBe(
        "rule reject-offboarded-tenant: requester.tenants: tenant 00000000-0000-0000-0000-000000000001 not in [6f0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b]",
      );
      expect(reasons[1]).toMatch(
        /^rule corp-tenant-relay: matched: .*limits\.relayPrivateEndpoints: 13 of Relay's 64/,
      );
    },
  );

  test.concurrent("--explain keeps stdout identical and traces every rule on stderr", async () => {
    const saturday = { ...WORKED_REQUEST, at: "2025-03-29T09:30:00Z" };
    const req = write("saturday.json", JSON.stringify(saturday));
    const [plain, explained] = await Promise.all([
      run(["decide", "--policy", examplePolicy(), "--request", req]),
      run(["decide", "--policy", examplePolicy(), "--request", req, "--explain"]),
    ]);
    expect(plain.code).toBe(0);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(plain.stdout);
    expect(JSON.parse(plain.stdout)).toMatchObject({ action: "pending", ruleId: "default" });
    expect(explained.stderr).toContain("skip  rule corp-tenant-relay\n");
    expect(explained.stderr).toContain(
      "FAIL schedule: Sat 2025-03-29 10:30 Europe/Amsterdam is outside Mon,Tue,Wed,Thu,Fri 08:00-18:00",
    );
    expect(explained.stderr.trimEnd().split("\n").at(-1)).toBe(
      "=> pending (rule default): Left pending by linkgate: no rule matched",
    );
  });

  test.concurrent(
    "no facts at all: every fact is unknown, the deny rule is undecidable, so pending by unknown-facts (exit 0)",
    async () => {
      const [empty, partial] = await Promise.all([
        run(["decide", "--policy", examplePolicy(), "--request", write("none.json", "{}")]),
        // Only the offboarded tenant is known: the deny rule still fires without any target facts.
        run([
          "decide",
          "--policy",
          examplePolicy(),
          "--request",
          write("tenant-only.json", '{"requester":{"tenantId":"6f0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b"}}'),
        ]),
      ]);
      expect(empty.stderr).toBe("");
      expect(empty.code).toBe(0);
      const d = JSON.parse(empty.stdout) as { action: string; ruleId: string; reasons: string[] };
      expect(d).toMatchObject({ action: "pending", ruleId: "unknown-facts" });
      expect(d.reasons).toContain("rule reject-offboarded-tenant: requester.tenants: tenant unknown");
      expect(d.reasons).toContain(
        "unknown-facts: requester.tenants: tenant unknown, needed by rule reject-offboarded-tenant",
      );
      expect(partial.code).toBe(0);
      expect(JSON.parse(partial.stdout)).toMatchObject({
        action: "reject",
        ruleId: "reject-offboarded-tenant",
      });
    },
  );

  test.concurrent(
    "an invalid policy never approves: the fail-closed decision names invalid-policy",
    async () => {
      // Would approve everything if the engine fell back to "rules it could read".
      const bad = write(
        "approve-all-broken.yaml",
        "apiVersion: linkgate/v1\nrules:\n  - id: everyone\n    action: approve\n  - id: typo\n    whne: {}\n    action: reject\n",
      );
      const req = write("worked2.json", JSON.stringify(WORKED_REQUEST));
      const r = await run(["decide", "--policy", bad, "--request", req]);
      const d = JSON.parse(r.stdout) as { action: string; ruleId: string; reasons: string[] };
      expect(d.action).toBe("pending");
      expect(d.ruleId).toBe("invalid-policy");
      expect(d.reasons).toEqual([
        'approve-all-broken.yaml:6:5 rules[1].whne: unknown key "whne"; expected one of: id, description, when, limits, action, message, approveFor, revoke',
      ]);
      // The policy is unusable, so the run is a failure too (scripts must not read this as a normal decision).
      expect(r.code).toBe(2);
    },
  );

  test.concurrent(
    "hostile request messages: a 5 MB message and a backtracking bomb answer quickly and are never echoed",
    async () => {
      const huge = write(
        "huge.json",
        JSON.stringify({ ...WORKED_REQUEST, requestMessage: `CHG0012345 ${"a".repeat(5_000_000)}` }),
      );
      const bombPolicy = write(
        "bomb.yaml",
        'apiVersion: linkgate/v1\nrules:\n  - id: bomb\n    when:\n      requestMessage: { matches: "^(a+)+$" }\n    action: reject\n',
      );
      const bomb = write("bomb.json", JSON.stringify({ requestMessage: `${"a".repeat(1000)}!` }));
      const started = Date.now();
      const [h, b] = await Promise.all([
        run(["decide", "--policy", examplePolicy(), "--request", huge]),
        run(["decide", "--policy", bombPolicy, "--request", bomb]),
      ]);
      expect(Date.now() - started).toBeLessThan(20_000);
      // Longer than the documented 1024-character bound: the message condition fails, so no approval.
      expect(h.code).toBe(0);
      expect(JSON.parse(h.stdout)).toMatchObject({ action: "pending", ruleId: "default" });
      expect(h.stdout).not.toContain("aaaaaaaaaa");
      expect(b.code).toBe(0);
      expect(JSON.parse(b.stdout)).toMatchObject({ action: "pending", ruleId: "default" });
      expect(b.stdout + b.stderr).not.toContain("aaaaaaaaaa");
    },
  );

  test.concurrent(
    "unusable request files: exit 2 with the file and the problem named, nothing on stdout",
    async () => {
      fs.mkdirSync(path.join(dir, "reqdir"), { recursive: true });
      const cases: [string, string | null, RegExp][] = [
        ["missing.json", null, /^linkgate: cannot read the request missing\.json as JSON: ENOENT/],
        ["reqdir", null, /^linkgate: cannot read the request reqdir as JSON: EISDIR/],
        [
          "blank.json",
          "",
          /^linkgate: cannot read the request blank\.json as JSON: Unexpected end of JSON input/,
        ],
        [
          "typo.json",
          '{"requestor":{}}',
          /^linkgate: typo\.json: requestor: unknown fact; expected one of: requester,/,
        ],
        [
          "wrongtype.json",
          '{"approvedCount":"12"}',
          /^linkgate: wrongtype\.json: approvedCount: must be a whole number/,
        ],
        ["when.json", '{"at":"yesterday"}', /^linkgate: when\.json: at: "yesterday" is not an ISO 8601 time/],
      ];
      const results = await Promise.all(
        cases.map(([name, text]) => {
          if (text !== null) write(name, text);
          return run(["decide", "--policy", examplePolicy(), "--request", name]);
        }),
      );
      results.forEach((r, i) => {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(cases[i]![2]);
      });
    },
  );
});

describe("linkgate policy test POLICY CASES", () => {
  test.concurrent(
    "the shipped cases all pass: exit 0 and the last line is exactly `13 passed, 0 failed`",
    async () => {
      const r = await run(["policy", "test", examplePolicy(), path.resolve(__dirname, "..", "..", CASES)]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines.at(-1)).toBe("13 passed, 0 failed");
      expect(lines.slice(0, -1).every((l) => l.startsWith("PASS "))).toBe(true);
    },
  );

  test.concurrent(
    "a failing case: PASS/FAIL per case, the final count, exit 1; a case with no facts still runs",
    async () => {
      const cases = write(
        "cases.yaml",
        [
          "- name: offboarded tenant is rejected",
          "  request: { requester: { tenantId: 6f0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b } }",
          "  expect: { action: reject, ruleId: reject-offboarded-tenant }",
          "- name: nothing known is not approved",
          "  request: {}",
          "  expect: { action: approve }",
          "- name: right action, wrong rule",
          "  request: { requester: {}, target: {} }",
          "  expect: { action: pending, ruleId: corp-tenant-relay }",
          "",
        ].join("\n"),
      );
      const r = await run(["policy", "test", examplePolicy(), cases]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        [
          "PASS offboarded tenant is rejected",
          "FAIL nothing known is not approved: expected approve, got pending (rule unknown-facts)",
          "FAIL right action, wrong rule: expected pending (rule corp-tenant-relay), got pending (rule unknown-facts)",
          "1 passed, 2 failed",
          "",
        ].join("\n"),
      );
    },
  );

  test.concurrent("an invalid policy or an unusable cases file runs nothing: exit 2", async () => {
    const badPolicy = write(
      "bad.yaml",
      "apiVersion: linkgate/v1\nrules:\n  - id: a\n    action: approve\n    whne: {}\n",
    );
    write("ok-cases.yaml", "- name: x\n  request: {}\n  expect: { action: pending }\n");
    write("empty-list.json", "[]");
    const [bad, missing, empty] = await Promise.all([
      run(["policy", "test", badPolicy, "ok-cases.yaml"]),
      run(["policy", "test", examplePolicy(), "missing-cases.yaml"]),
      run(["policy", "test", examplePolicy(), "empty-list.json"]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:5 rules[0].whne: unknown key "whne"');
    expect(bad.stdout).not.toMatch(/passed/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing-cases\.yaml.*ENOENT/);
    expect(empty.code).toBe(2);
    expect(empty.stderr + empty.stdout).toContain(
      "empty-list.json:1:1 (document): the list of cases is empty",
    );
  });
});
