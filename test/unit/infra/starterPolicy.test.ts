/**
 * Safe by default (issue 11): the starter policy approves nothing and writes nothing, and every place that names
 * a default policy names it: the app setting's parsed default, the Bicep parameter and its azd mapping, the local
 * settings example, the package script, docs/deploy.md and the settings documentation.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSettings } from "../../../src/config";
import { parsePolicy } from "../../../src/core/policy";

const REPO = join(__dirname, "..", "..", "..");
const read = (p: string) => readFileSync(join(REPO, p), "utf8");
const STARTER = "policy.yaml";

describe("the starter policy", () => {
  it("parses, is in audit mode, defaults to pending and has no approve rule", () => {
    const parsed = parsePolicy(read(STARTER), STARTER);
    expect("errors" in parsed ? parsed.errors : []).toEqual([]);
    if (!("policy" in parsed)) throw new Error("starter policy did not parse");
    expect(parsed.policy.mode).toBe("audit");
    expect(parsed.policy.default).toBe("pending");
    expect(parsed.policy.rules.filter((r) => r.action === "approve")).toEqual([]);
  });

  it("is the rich example's opposite: examples/policy.yaml stays the enforce-mode example with approve rules", () => {
    const parsed = parsePolicy(read("examples/policy.yaml"), "examples/policy.yaml");
    if (!("policy" in parsed)) throw new Error("example policy did not parse");
    expect(parsed.policy.rules.some((r) => r.action === "approve")).toBe(true);
  });

  it.each<[string, () => string | undefined]>([
    ["src/config.ts default", () => loadSettings({}).policyFile],
    [
      "infra/main.bicep policyFile",
      () => /param policyFile string = '([^']+)'/.exec(read("infra/main.bicep"))?.[1],
    ],
    [
      "infra/main.parameters.json",
      () => /\$\{LINKGATE_POLICY_FILE=([^}]+)\}/.exec(read("infra/main.parameters.json"))?.[1],
    ],
    [
      "local.settings.json.example",
      () =>
        (JSON.parse(read("local.settings.json.example")) as { Values: Record<string, string> }).Values[
          "LINKGATE_POLICY_FILE"
        ],
    ],
    [
      "scripts/package.mjs ships it",
      () => (read("scripts/package.mjs").includes('"policy.yaml"') ? STARTER : undefined),
    ],
    [
      "docs/deploy.md settings table",
      () => /^\| `LINKGATE_POLICY_FILE` \| `([^`]+)` \|/m.exec(read("docs/deploy.md"))?.[1],
    ],
  ])("%s names the starter policy", (_where, value) => {
    expect(value()).toBe(STARTER);
  });
});
