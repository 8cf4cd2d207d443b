import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { declarations, listBicepFiles, loadAllBicep, parseBicep, REPO, type BicepFile } from "./bicep";

let files: BicepFile[];

beforeAll(async () => {
  files = await loadAllBicep();
});

describe("every .bicep file under infra/ parses offline (tree-sitter-bicep)", () => {
  it("finds the entry points and the modules", () => {
    const names = listBicepFiles().map((f) => f.slice(REPO.length + 1));
    expect(names).toEqual(expect.arrayContaining(["infra/main.bicep", "infra/events.bicep"]));
    expect(names.filter((n) => n.startsWith("infra/modules/")).length).toBeGreaterThanOrEqual(8);
  });

  it("has zero ERROR or MISSING nodes", () => {
    const problems = files.flatMap((f) => f.problems);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.kind} ${p.text}`)).toEqual([]);
  });

  it("reports a broken file with its line and column (the check can fail)", async () => {
    const broken = await parseBicep(
      "broken.bicep",
      "param a string\nresource r 'Microsoft.Web/sites@2024-04-01' = {\n  name: \n}\n",
    );
    expect(broken.problems).toEqual([
      expect.objectContaining({ file: "broken.bicep", line: 3, kind: "MISSING" }),
    ]);
    const garbage = await parseBicep("garbage.bicep", "resource = = {\n");
    expect(garbage.problems.length).toBeGreaterThan(0);
  });

  it("every module path resolves to a file in the repo", () => {
    const missing = files
      .flatMap(declarations)
      .filter((d) => d.kind === "module")
      .filter((d) => !existsSync(join(REPO, dirname(d.file), d.target)))
      .map((d) => `${d.file}:${d.line} module '${d.target}'`);
    expect(missing).toEqual([]);
  });

  it("uses plain resource declarations only (no registry modules, which cannot be restored offline)", () => {
    const registry = files
      .flatMap(declarations)
      .filter((d) => d.kind === "module" && /^(br|ts)[:/]/.test(d.target))
      .map((d) => `${d.file}:${d.line} ${d.target}`);
    expect(registry).toEqual([]);
  });

  it("loads only JSON/text files that exist next to the templates", () => {
    const missing: string[] = [];
    for (const f of files) {
      for (const m of f.text.matchAll(/load(?:Json|Text)Content\('([^']+)'\)/g)) {
        const path = join(REPO, dirname(f.file), m[1] ?? "");
        if (!existsSync(path)) missing.push(`${f.file}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
