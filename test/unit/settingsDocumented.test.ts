/**
 * Every LINKGATE_* setting the code reads is documented in docs/settings.md and listed in
 * local.settings.json.example, so a new setting cannot ship undocumented.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "../..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const read = new Set<string>();
for (const file of sourceFiles(path.join(repo, "src"))) {
  for (const m of fs.readFileSync(file, "utf8").matchAll(/["'`](LINKGATE_[A-Z0-9_]+)["'`]/g)) read.add(m[1]!);
}
const readme = fs.readFileSync(path.join(repo, "docs", "settings.md"), "utf8");
const example = JSON.parse(fs.readFileSync(path.join(repo, "local.settings.json.example"), "utf8")) as {
  Values: Record<string, string>;
};

describe("settings are documented", () => {
  it("finds the settings the code reads", () => {
    expect(read.size).toBeGreaterThan(10);
  });

  it.each([...read].sort())("%s is in the docs/settings.md table and local.settings.json.example", (name) => {
    expect(readme).toContain(`| \`${name}\``);
    expect(Object.keys(example.Values)).toContain(name);
  });
});
