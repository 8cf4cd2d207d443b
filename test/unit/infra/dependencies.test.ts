/**
 * Dependency placement (issue 10 goal 2): what the app and the CLI load at run time is a dependency, what only
 * tests, builds and tooling use is a devDependency, and `npm install --omit=dev` survives `prepare` without tsc.
 * (The real `npm install --omit=dev` in a temp copy takes over a minute against the registry, so it is a manual
 * check, described in docs/deploy.md, not part of npm test.)
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO } from "./bicep";
import { readJson } from "./files";

const pkg = readJson<{
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
}>("package.json");

/** Run-time sources: src/ (the app, the CLI and the emulator its `emulator`/`demo` commands start) and bin/. */
function runtimeSources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith(".d.ts")) {
        out.set(relative(REPO, path), readFileSync(path, "utf8"));
      }
    }
  };
  walk(join(REPO, "src"));
  walk(join(REPO, "bin"));
  return out;
}

/** Packages a source imports; with `valueOnly`, only those it loads at run time (type-only imports excluded). */
function loaded(text: string, valueOnly = true): Set<string> {
  const out = new Set<string>();
  const specifiers = [
    ...text.matchAll(
      valueOnly
        ? /^\s*import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms
        : /^\s*import\s+[^;]*?from\s+"([^"]+)"/gms,
    ),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1] ?? "");
  for (const s of specifiers) {
    if (s.startsWith(".") || s.startsWith("node:")) continue;
    const parts = s.split("/");
    out.add(s.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? s));
  }
  return out;
}

describe("dependency placement", () => {
  const sources = runtimeSources();
  const used = new Map<string, string[]>();
  const imported = new Set<string>();
  for (const [path, text] of sources) {
    for (const name of loaded(text)) used.set(name, [...(used.get(name) ?? []), path]);
    for (const name of loaded(text, false)) imported.add(name);
  }

  it("every dependency is imported by the app, the CLI or the emulator the CLI starts", () => {
    // Type-only imports count here (@azure/core-auth's TokenCredential): the CLI is compiled against them.
    expect(Object.keys(pkg.dependencies).filter((d) => !imported.has(d))).toEqual([]);
  });

  it("nothing under src/ or bin/ loads a devDependency at run time", () => {
    const offenders = Object.keys(pkg.devDependencies)
      .filter((d) => used.has(d))
      .map((d) => `${d}: ${used.get(d)?.join(", ")}`);
    expect(offenders).toEqual([]);
  });

  it("the event schema oracle (@azure/eventgrid) is a devDependency: only tests use it", () => {
    expect(pkg.devDependencies["@azure/eventgrid"]).toBeDefined();
    expect(pkg.dependencies["@azure/eventgrid"]).toBeUndefined();
  });

  it("the package-lock marks the same placement", () => {
    const lock = readJson<{
      packages: Record<
        string,
        { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
      >;
    }>("package-lock.json");
    expect(lock.packages[""]?.dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[""]?.devDependencies).toEqual(pkg.devDependencies);
  });
});

describe("prepare", () => {
  it("runs scripts/prepare.mjs, which compiles only when TypeScript is installed", () => {
    expect(pkg.scripts["prepare"]).toBe("node scripts/prepare.mjs");
  });

  it("skips the build, successfully, where TypeScript is absent (npm install --omit=dev)", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkgate-prepare-"));
    try {
      mkdirSync(join(dir, "scripts"));
      copyFileSync(join(REPO, "scripts/prepare.mjs"), join(dir, "scripts/prepare.mjs"));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", private: true }));
      const r = spawnSync(process.execPath, [join(dir, "scripts/prepare.mjs")], {
        cwd: dir,
        encoding: "utf8",
      });
      expect({ status: r.status, stdout: r.stdout }).toEqual({
        status: 0,
        stdout: expect.stringContaining("TypeScript is not installed (npm install --omit=dev); skipping"),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails the install when TypeScript is present and the build fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkgate-prepare-"));
    try {
      mkdirSync(join(dir, "scripts"));
      mkdirSync(join(dir, "node_modules/typescript/bin"), { recursive: true });
      copyFileSync(join(REPO, "scripts/prepare.mjs"), join(dir, "scripts/prepare.mjs"));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", private: true }));
      writeFileSync(
        join(dir, "node_modules/typescript/package.json"),
        JSON.stringify({ name: "typescript" }),
      );
      // A stand-in tsc that reports a type error.
      writeFileSync(
        join(dir, "node_modules/typescript/bin/tsc"),
        "console.error('error TS2322'); process.exit(2);\n",
      );
      const r = spawnSync(process.execPath, [join(dir, "scripts/prepare.mjs")], {
        cwd: dir,
        encoding: "utf8",
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({
        status: 2,
        stderr: expect.stringContaining("TS2322"),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
