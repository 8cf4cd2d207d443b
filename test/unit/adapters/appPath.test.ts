import * as path from "node:path";
import { appRoot, resolveAppPath } from "../../../src/adapters/compose";

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
});
