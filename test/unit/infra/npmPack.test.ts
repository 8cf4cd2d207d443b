/**
 * `npx linkgate@<version>` shape (issue 11): `npm pack` ships what the CLI needs to run from the tarball (bin,
 * the compiled dist/src, the starter and example policies, the demo estate, the check docs the findings link
 * to, the infra for azd) and none of the sources, tests or tooling. "private": true stays until publishing is
 * decided; it blocks `npm publish`, not `npm pack`.
 */
import { spawnSync } from "node:child_process";
import { REPO } from "./bicep";

const pack = spawnSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], {
  cwd: REPO,
  encoding: "utf8",
  timeout: 120_000,
});
const files: string[] =
  pack.status === 0
    ? (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path)
    : [];

describe("npm pack", () => {
  it("runs", () => {
    expect({ status: pack.status, stderr: pack.status === 0 ? "" : pack.stderr }).toEqual({
      status: 0,
      stderr: "",
    });
  });

  it.each([
    "bin/linkgate.js",
    "dist/src/cli/main.js",
    "dist/src/cli/output/sarif.js",
    "policy.yaml",
    "examples/policy.yaml",
    "examples/demo-estate/policy.yaml",
    "docs/checks/pls-lb-not-standard.md",
    "infra/main.bicep",
    "package.json",
    "README.md",
  ])("ships %s", (f) => {
    expect(files).toContain(f);
  });

  it("ships no TypeScript sources, tests or repository tooling", () => {
    expect(
      files.filter((f) => /^(src|test|scripts\/chaos|scripts\/bench|\.ci)\//.test(f) || /\.ts$/.test(f)),
    ).toEqual([]);
  });
});
