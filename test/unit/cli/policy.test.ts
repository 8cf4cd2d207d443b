import { join } from "node:path";
import { run } from "./policyHelpers";

const root = join(__dirname, "../../..");

describe("linkgate policy test (examples)", () => {
  it("passes every shipped case", async () => {
    const r = await run(["policy", "test", "examples/policy.yaml", "examples/policy-cases.yaml"], root);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(lines[lines.length - 1]).toBe(`${lines.length - 1} passed, 0 failed`);
    expect(r.code).toBe(0);
  });
});
