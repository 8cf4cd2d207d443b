/**
 * Acceptance (issue 11), through the real executable: the starter policy that every default names approves
 * nothing and writes nothing; `policy validate` warns on shadowed rules and requester-controlled approvals
 * (`--strict` fails); `policy test --output junit` is JUnit XML that parses back.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { ROOT, ensureBuilt, runCli, tempDir } from "./helpers";

jest.setTimeout(120_000);

let dir: string;
const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), name);
const run = (args: string[]) => runCli(args, { cwd: dir });
const STARTER = path.join(ROOT, "policy.yaml");
const REQUEST = path.join(ROOT, "examples", "requests", "relay-weekday.json");

beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir("safe-defaults");
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.concurrent(
  "the starter policy (the default LINKGATE_POLICY_FILE) is valid, audit mode, and decides pending",
  async () => {
    const [validate, decide, example] = await Promise.all([
      run(["policy", "validate", "--strict", STARTER]),
      run(["decide", "--policy", STARTER, "--request", REQUEST]),
      run(["decide", "--policy", path.join(ROOT, "examples", "policy.yaml"), "--request", REQUEST]),
    ]);
    expect(validate).toMatchObject({ code: 0, stdout: "" });
    expect(validate.stderr).toBe(`ok: ${STARTER} (0 rules, mode audit, default pending)\n`);
    expect(decide.code).toBe(0);
    expect(JSON.parse(decide.stdout)).toMatchObject({ action: "pending", ruleId: "default" });
    // The same request is approved by the rich example: the starter's "pending" is the policy, not the request.
    expect(JSON.parse(example.stdout)).toMatchObject({ action: "approve" });
  },
);

test.concurrent(
  "policy validate warns on a shadowed rule and an approval on requester-written facts; --strict exits 2",
  async () => {
    const file = write(
      "lint.yaml",
      [
        "apiVersion: linkgate/v1",
        "rules:",
        "  - id: corp",
        "    when: { requester: { tenants: [00000000-0000-0000-0000-000000000001] } }",
        "    action: reject",
        "  - id: corp-rg",
        "    when: { requester: { tenants: [00000000-0000-0000-0000-000000000001], resourceGroups: [rg-*] } }",
        "    action: pending",
        "  - id: ticket",
        '    when: { requestMessage: { matches: "^CHG" } }',
        "    action: approve",
        "",
      ].join("\n"),
    );
    const [plain, strict] = await Promise.all([
      run(["policy", "validate", file]),
      run(["policy", "validate", "--strict", file]),
    ]);
    expect(plain.code).toBe(0);
    const warnings = plain.stderr.split("\n").filter((l) => l.includes(" warning: "));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^lint\.yaml:6:9 warning: rules\[1\]\.id: rule corp-rg is shadowed by rule corp \(rules\[0\]\)/,
      ),
      expect.stringMatching(
        /^lint\.yaml:10:11 warning: rules\[2\]\.when: approve rule ticket conditions only on facts the requester controls/,
      ),
    ]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("linkgate: lint.yaml has 2 warning(s) and --strict was given");
  },
);

test.concurrent(
  "policy test --output junit: one test case per case, the failing one a <failure>",
  async () => {
    const cases = write(
      "cases.yaml",
      [
        "- name: weekday is approved",
        `  request: ${JSON.stringify(JSON.parse(fs.readFileSync(REQUEST, "utf8")))}`,
        "  expect: { action: approve }",
        "- name: expects a reject & <fails>",
        `  request: ${JSON.stringify(JSON.parse(fs.readFileSync(REQUEST, "utf8")))}`,
        "  expect: { action: reject }",
        "",
      ].join("\n"),
    );
    const r = await run([
      "policy",
      "test",
      path.join(ROOT, "examples", "policy.yaml"),
      cases,
      "--output",
      "junit",
    ]);
    expect(r.code).toBe(1);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      isArray: (n) => n === "testcase",
    }).parse(r.stdout) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: { testcase: { name: string; failure?: { message: string } }[] };
      };
    };
    expect(doc.testsuites).toMatchObject({ tests: "2", failures: "1" });
    const [pass, fail] = doc.testsuites.testsuite.testcase;
    expect(pass).toEqual({ classname: expect.stringContaining("policy.yaml"), name: "weekday is approved" });
    expect(fail?.name).toBe("expects a reject & <fails>");
    expect(fail?.failure?.message).toMatch(/^expected reject, got approve \(rule /);
  },
);
