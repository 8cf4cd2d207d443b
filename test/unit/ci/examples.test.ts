/**
 * The CI examples in examples/ci parse and carry what the documentation promises: on a pull request, run
 * `policy validate --strict`, `policy test` and `policy what-if -o markdown`, post the markdown as a comment,
 * and sign in to Azure with workload identity federation (OIDC) only - no secret anywhere.
 *
 * GitHub Actions: validated with `@actions/workflow-parser` (GitHub's own parser and schema, a
 * devDependency), and by the required keys below. Azure Pipelines: by the required keys of its YAML schema
 * (trigger/pr/pool/steps, task inputs).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
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

  // The parser ships as ES modules that import JSON without an import attribute (it is built for bundlers),
  // so Node cannot load it as is: esbuild (a devDependency) bundles it once into CommonJS for this test.
  let parser: {
    parseWorkflow: (
      file: { name: string; content: string },
      trace: unknown,
    ) => { value?: unknown; context: { errors: { getErrors(): { message: string }[] } } };
    NoOperationTraceWriter: new () => unknown;
  };
  beforeAll(() => {
    const out = buildSync({
      stdin: { contents: 'export * from "@actions/workflow-parser";', resolveDir: root, loader: "js" },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      logLevel: "silent",
    });
    const dir = mkdtempSync(join(tmpdir(), "lg-wfparser-"));
    const file = join(dir, "parser.cjs");
    writeFileSync(file, out.outputFiles[0]?.text ?? "");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle built just above
    parser = require(file) as typeof parser;
  }, 60_000);
  const errorsOf = (name: string, content: string): string[] =>
    parser
      .parseWorkflow({ name, content }, new parser.NoOperationTraceWriter())
      .context.errors.getErrors()
      .map((e) => e.message);

  it("is a valid workflow for GitHub's own parser (@actions/workflow-parser)", () => {
    expect(errorsOf("github-actions-policy.yml", text)).toEqual([]);
  });

  it("GitHub's parser does reject a broken workflow (the check above can fail)", () => {
    const broken =
      "on: pull_request\njobs:\n  policy:\n    steps:\n      - uses: actions/checkout@v4\n        run: echo both\n";
    expect(errorsOf("broken.yml", broken).length).toBeGreaterThan(0);
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
