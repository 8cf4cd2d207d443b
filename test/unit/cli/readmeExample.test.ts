/** Keeps the README's worked policy example true: the shipped request files decide as the README says. */
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../../src/cli/main";

const repo = path.resolve(__dirname, "../../..");

async function decide(request: string): Promise<{ code: number; out: Record<string, unknown> }> {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (d: Buffer) => (text += d.toString()));
  const code = await main(
    ["decide", "--policy", path.join(repo, "examples/policy.yaml"), "--request", path.join(repo, request)],
    { stdout, stderr: new PassThrough(), env: {}, cwd: repo },
  );
  return { code, out: JSON.parse(text) as Record<string, unknown> };
}

describe("README worked example", () => {
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");

  it.each([
    ["examples/requests/relay-weekday.json", "approve", "corp-tenant-relay"],
    ["examples/requests/relay-saturday.json", "pending", "default"],
  ])("%s decides %s by %s", async (request, action, ruleId) => {
    expect(readme).toContain(request.replace("examples/requests/", ""));
    const { code, out } = await decide(request);
    expect(code).toBe(0);
    expect(out).toMatchObject({ action, ruleId });
  });
});
