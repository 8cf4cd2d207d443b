import * as path from "node:path";
import { appRoot, loadDeployedPolicy, resolveAppPath } from "../../../src/adapters/compose";
import { silentLogger } from "../../../src/ports";

describe("app-relative setting paths", () => {
  const repo = path.resolve(__dirname, "../../..");

  it("finds the folder holding host.json whatever the working directory", () => {
    expect(appRoot(path.join(repo, "src", "adapters"))).toBe(repo);
  });

  it.each([
    ["examples/policy.yaml", path.join(repo, "examples/policy.yaml")],
    ["/etc/linkgate/policy.yaml", "/etc/linkgate/policy.yaml"],
  ])("resolves %s", (input, expected) => {
    expect(resolveAppPath(input)).toBe(expected);
  });

  it("the deployed policy (both Functions) is read from the app root, not the working directory", async () => {
    const loaded = await loadDeployedPolicy({ policyFile: "examples/policy.yaml" }, silentLogger);
    expect(loaded.errors).toEqual([]);
    expect(loaded.runtime.source).toBe(path.join(repo, "examples/policy.yaml"));
  });
});
