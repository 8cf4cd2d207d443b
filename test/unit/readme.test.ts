/**
 * The README is a newcomer's path (issue 11): what it does, the demo, a read-only sweep, a first policy, azd up,
 * where to read more; at most 12 KB; the quick start exactly `npm install`, `npm run demo`, `npm test`; every
 * relative link resolves. Reference material lives in docs/ (settings, CLI, dependencies, emulator).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const REPO = join(__dirname, "..", "..");
const readme = readFileSync(join(REPO, "README.md"), "utf8");

describe("README", () => {
  it("is at most 12 KB", () => {
    expect(Buffer.byteLength(readme, "utf8")).toBeLessThanOrEqual(12 * 1024);
  });

  it("follows the newcomer's path, in order", () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      "Quick start",
      "Sweep your subscription (read-only)",
      "Your first policy",
      "Deploy with azd up",
      "Trust model",
      "Where to read more",
    ]);
  });

  it("keeps the quick start exactly npm install, npm run demo, npm test", () => {
    const block = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(
      block
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("#")[0]?.trim()),
    ).toEqual(["npm install", "npm run demo", "npm test"]);
  });

  it("names the starter policy and a read-only sweep", () => {
    expect(readme).toContain("[policy.yaml](policy.yaml)");
    expect(readme).toMatch(/npx linkgate sweep --subscription /);
    expect(readme).toMatch(/Reader\*\* plus \*\*Monitoring Reader/);
    expect(readme).toMatch(/--dry-run --explain/);
  });

  it("every relative link resolves (docs/trust-model.md is being written separately)", () => {
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1] ?? "")
      .filter((l) => !/^[a-z]+:/i.test(l));
    expect(links.length).toBeGreaterThan(10);
    const missing = links.filter((l) => l !== "docs/trust-model.md" && !existsSync(join(REPO, l)));
    expect(missing).toEqual([]);
  });

  it("the reference it moved out is in docs/ with working relative links", () => {
    for (const doc of ["docs/settings.md", "docs/cli.md", "docs/dependencies.md", "docs/architecture.md"]) {
      const text = readFileSync(join(REPO, doc), "utf8");
      const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1] ?? "")
        .filter((l) => !/^[a-z]+:/i.test(l))
        .filter((l) => !existsSync(join(REPO, dirname(doc), l)));
      expect({ doc, broken }).toEqual({ doc, broken: [] });
      expect(statSync(join(REPO, doc)).size).toBeGreaterThan(500);
    }
  });
});
