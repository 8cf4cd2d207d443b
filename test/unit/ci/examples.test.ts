/**
 * The CI examples in examples/ci parse and carry what the documentation promises: on a pull request, run
 * `policy validate --strict`, `policy test` and `policy what-if -o markdown`, post the markdown as a comment,
 * and sign in to Azure with workload identity federation (OIDC) only - no secret anywhere.
 *
 * GitHub Actions: validated with `@actions/workflow-parser` (GitHub's own parser and schema) when it is
 * installed, and always by the required keys below. Azure Pipelines: by the required keys of its YAML schema
 * (trigger/pr/pool/steps, task inputs).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(__dirname, "..", "..", "..");
const read = (name: string) => readFileSync(join(root, "examples", "ci", name), "utf8");

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) throw new Error(`${where} is not a mapping`);
  return v;
}
function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${where} is not a list`);
  return v;
}

/** Every shell line the steps run, joined (GitHub `run`, Azure `script`/`bash`/AzureCLI inlineScript). */
function scripts(steps: unknown[]): string {
  return steps
    .map((s) => {
      const step = obj(s, "step");
      const inputs = isObj(step["inputs"]) ? step["inputs"] : {};
      return [step["run"], step["script"], step["bash"], inputs["inlineScript"]]
        .filter((x) => typeof x === "string")
        .join("\n");
    })
    .join("\n");
}

const COMMANDS = [
  /npx linkgate policy validate --strict policy\.yaml/,
  /npx linkgate policy test policy\.yaml policy-cases\.yaml/,
  /npx linkgate policy what-if[\s\\]+--policy policy\.yaml[\s\\]+--against [^\n]+[\s\\]+--management-group [^\n]+[\s\\]+-o markdown/,
];

describe("examples/ci/github-actions-policy.yml", () => {
  const text = read("github-actions-policy.yml");
  const doc = obj(parse(text), "the workflow");

  it("runs on pull requests with OIDC and least permissions", () => {
    expect(Object.keys(obj(doc["on"], "on"))).toEqual(["pull_request"]);
    expect(doc["permissions"]).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(typeof doc["name"]).toBe("string");
  });

  it("has one job whose steps run validate, test and what-if in that order, then comment", () => {
    const jobs = obj(doc["jobs"], "jobs");
    const job = obj(jobs["policy"], "jobs.policy");
    expect(job["runs-on"]).toBe("ubuntu-latest");
    const steps = list(job["steps"], "steps");
    for (const s of steps) {
      const step = obj(s, "step");
      // A step does exactly one thing: `uses` or `run`.
      expect(("uses" in step ? 1 : 0) + ("run" in step ? 1 : 0)).toBe(1);
    }
    const all = scripts(steps);
    const at = COMMANDS.map((re) => all.search(re));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(all).toMatch(/gh pr comment "\$PR" .*--body-file "\$RUNNER_TEMP\/what-if\.md"/);
    // Exit 1 (changes) does not fail the job; 2 (error) does.
    expect(all).toContain('if [ "$code" -ge 2 ]; then exit "$code"; fi');
  });

  it("signs in with azure/login by federated credential, never a secret", () => {
    const steps = list(obj(obj(doc["jobs"], "jobs")["policy"], "job")["steps"], "steps").map((s) =>
      obj(s, "step"),
    );
    const login = steps.find((s) => String(s["uses"]).startsWith("azure/login@"));
    expect(login).toBeDefined();
    const w = obj(login?.["with"], "azure/login with");
    expect(Object.keys(w).sort()).toEqual(["allow-no-subscriptions", "client-id", "tenant-id"]);
    expect(text).not.toMatch(/client-secret|creds:|secrets\./);
  });

  it("is a valid workflow for @actions/workflow-parser when that package is installed", () => {
    let parser:
      | {
          parseWorkflow: (
            file: { name: string; content: string },
            trace: unknown,
          ) => { context: { errors: { getErrors(): { message: string }[] } } };
        }
      | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dev dependency
      parser = require("@actions/workflow-parser") as typeof parser;
    } catch {
      parser = undefined;
    }
    if (!parser) {
      // Not installed (see docs/policy.md, "CI"): the key checks above stand in for it.
      expect(() => require.resolve("@actions/workflow-parser")).toThrow();
      return;
    }
    const result = parser.parseWorkflow(
      { name: "github-actions-policy.yml", content: text },
      { info: () => {}, verbose: () => {}, error: () => {} },
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  });
});

describe("examples/ci/azure-pipelines-policy.yml", () => {
  const text = read("azure-pipelines-policy.yml");
  const doc = obj(parse(text), "the pipeline");

  it("runs on pull requests only, on a hosted pool", () => {
    expect(doc["trigger"]).toBe("none");
    const pr = obj(doc["pr"], "pr");
    expect(obj(pr["branches"], "pr.branches")["include"]).toEqual(["main"]);
    expect(obj(doc["pool"], "pool")["vmImage"]).toBe("ubuntu-latest");
  });

  it("every step is a known step kind with a display name; runs validate, test, what-if in order, then comments", () => {
    const steps = list(doc["steps"], "steps").map((s) => obj(s, "step"));
    for (const s of steps) {
      const kinds = ["checkout", "task", "script", "bash"].filter((k) => k in s);
      expect(kinds).toHaveLength(1);
      if (!("checkout" in s)) expect(typeof s["displayName"]).toBe("string");
      if ("task" in s) expect(String(s["task"])).toMatch(/^[A-Za-z]+@\d+$/);
    }
    const all = scripts(steps);
    const at = COMMANDS.map((re) => all.search(re));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(all).toContain("/pullRequests/$(System.PullRequest.PullRequestId)/threads?api-version=7.1");
    expect(all).toContain('if [ "$code" -ge 2 ]; then exit "$code"; fi');
  });

  it("runs what-if inside AzureCLI@2 on a service connection (workload identity federation), no secret", () => {
    const steps = list(doc["steps"], "steps").map((s) => obj(s, "step"));
    const cli = steps.find((s) => s["task"] === "AzureCLI@2");
    const inputs = obj(cli?.["inputs"], "AzureCLI@2 inputs");
    expect(inputs["azureSubscription"]).toBe("$(serviceConnection)");
    expect(inputs["scriptType"]).toBe("bash");
    expect(inputs["scriptLocation"]).toBe("inlineScript");
    expect(String(inputs["inlineScript"])).toContain("npx linkgate policy what-if");
    expect(text).not.toMatch(/servicePrincipalKey|clientSecret|client-secret/);
    expect(text).toContain("Workload identity federation");
  });
});
