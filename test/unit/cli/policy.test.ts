import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./policyHelpers";

const root = join(__dirname, "../../..");

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "linkgate-policy-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const VALID = `apiVersion: linkgate/v1
rules:
  - id: corp
    when: { requester: { tenants: [00000000-0000-0000-0000-000000000001] } }
    action: approve
`;

describe("linkgate policy validate", () => {
  it("exits 0 for the shipped example with one ok line on stderr and nothing on stdout", async () => {
    const r = await run(["policy", "validate", "examples/policy.yaml"], root);
    expect(r).toEqual({
      code: 0,
      stdout: "",
      stderr: "ok: examples/policy.yaml (5 rules, mode enforce, default pending)\n",
    });
  });

  it("prints FILE:LINE:COL field: message per error and exits 2", async () => {
    const dir = workdir({
      "bad.yaml": `apiVersion: linkgate/v1
mode: strict
rules:
  - id: Corp
    when:
      requester: { tenants: [not-a-guid] }
      requestMessage: { matches: "(a)\\\\1" }
    action: approve
`,
    });
    const r = await run(["policy", "validate", "bad.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split("\n")).toEqual([
      'bad.yaml:2:7 mode: must be one of: enforce, audit (got the string "strict")',
      'bad.yaml:4:9 rules[0].id: rule id "Corp" must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. corp-tenant-relay',
      'bad.yaml:6:30 rules[0].when.requester.tenants[0]: "not-a-guid" is not a tenant ID (a GUID; globs are not allowed)',
      "bad.yaml:7:34 rules[0].when.requestMessage.matches: not a valid RE2 (linear-time) regular expression: error parsing regexp: invalid escape sequence: `\\1`",
    ]);
  });

  it("reports an unreadable file as one error line and exits 2", async () => {
    const r = await run(["policy", "validate", "missing.yaml"], workdir({}));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^missing\.yaml:1:1 \(file\): cannot read the policy: ENOENT/);
  });
});

describe("linkgate policy test", () => {
  it("passes every shipped case", async () => {
    const r = await run(["policy", "test", "examples/policy.yaml", "examples/policy-cases.yaml"], root);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.slice(0, -1).every((l) => l.startsWith("PASS "))).toBe(true);
    expect(lines[lines.length - 1]).toBe(`${lines.length - 1} passed, 0 failed`);
    expect(r.code).toBe(0);
  });

  it("prints FAIL with expected and actual, the summary, and exits 1", async () => {
    const dir = workdir({
      "p.yaml": VALID,
      "cases.json": JSON.stringify([
        {
          name: "corp ok",
          request: { requester: { tenantId: "00000000-0000-0000-0000-000000000001" }, target: {} },
          expect: { action: "approve", ruleId: "corp" },
        },
        {
          name: "wrong rule",
          request: { requester: { tenantId: "00000000-0000-0000-0000-000000000001" }, target: {} },
          expect: { action: "approve", ruleId: "other" },
        },
        { name: "stranger", request: { requester: {}, target: {} }, expect: { action: "reject" } },
      ]),
    });
    const r = await run(["policy", "test", "p.yaml", "cases.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        "PASS corp ok",
        "FAIL wrong rule: expected approve (rule other), got approve (rule corp)",
        "FAIL stranger: expected reject, got pending (rule default)",
        "1 passed, 2 failed",
        "",
      ].join("\n"),
    );
    expect(r.stderr).toContain("stranger: rule corp: requester.tenants: tenant unknown");
  });

  it.each([
    [
      "an unreadable cases file",
      { "p.yaml": VALID },
      "no-such.yaml",
      /cannot read the cases file no-such\.yaml/,
    ],
    [
      "a cases file that is not a list",
      { "p.yaml": VALID, "c.yaml": "name: x\n" },
      "c.yaml",
      /c\.yaml:1:1 \(document\): must be a list/,
    ],
    ["an empty list", { "p.yaml": VALID, "c.yaml": "[]\n" }, "c.yaml", /the list of cases is empty/],
    [
      "a malformed case",
      {
        "p.yaml": VALID,
        "c.yaml":
          "- name: x\n  request: { requester: { tenantId: 5 }, target: {}, color: red }\n  expect: { action: allow }\n",
      },
      "c.yaml",
      /c\.yaml:1:3 cases\[0\]\.request: color: unknown fact[\s\S]*c\.yaml:1:3 cases\[0\]\.request: requester\.tenantId: must be a string[\s\S]*expect\.action: must be one of approve, reject, pending/,
    ],
  ] as const)("exits 2 on %s", async (_name, files, cases, message) => {
    const r = await run(["policy", "test", "p.yaml", cases], workdir(files));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("exits 2 without running cases when the policy is invalid", async () => {
    const dir = workdir({
      "p.yaml": "apiVersion: linkgate/v1\nrules: {}\n",
      "c.yaml": "- name: x\n  request: {}\n  expect: { action: approve }\n",
    });
    const r = await run(["policy", "test", "p.yaml", "c.yaml"], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("p.yaml:2:8 rules: must be a list (got a mapping)");
  });
});

describe("linkgate policy validate warnings", () => {
  const PLS_GROUPS = `apiVersion: linkgate/v1
rules:
  - id: pls-app
    when:
      target:
        types: [Microsoft.Network/privateLinkServices]
        groupIds: [web]
    action: approve
`;

  it("prints FILE:LINE:COL warning: field: message on stderr, keeps stdout empty and exits 0", async () => {
    const r = await run(["policy", "validate", "w.yaml"], workdir({ "w.yaml": PLS_GROUPS }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^w\.yaml:7:19 warning: rules\[0\]\.when\.target\.groupIds: Microsoft\.Network\/privateLinkServices .* has no group ids/,
    );
    expect(lines[1]).toBe("ok: w.yaml (1 rules, mode enforce, default pending, 1 warning(s))");
  });

  it("--strict turns warnings into exit 2", async () => {
    const r = await run(["policy", "validate", "--strict", "w.yaml"], workdir({ "w.yaml": PLS_GROUPS }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^w\.yaml:7:19 warning: /);
    expect(r.stderr).toContain("linkgate: w.yaml has 1 warning(s) and --strict was given");
    expect(r.stderr).not.toContain("ok:");
  });

  it("--strict on a warning-free policy still exits 0", async () => {
    const r = await run(["policy", "validate", "--strict", "v.yaml"], workdir({ "v.yaml": VALID }));
    expect(r).toEqual({
      code: 0,
      stdout: "",
      stderr: "ok: v.yaml (1 rules, mode enforce, default pending)\n",
    });
  });
});
