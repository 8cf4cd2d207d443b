/** Reading repo files for the infra tests, with the update mode for generated infra files. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO } from "./bicep";

export function readRepo(path: string): string {
  return readFileSync(join(REPO, path), "utf8");
}

export function readJson<T = unknown>(path: string): T {
  const text = readRepo(path);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The committed generated file must equal what the source of truth produces. With LINKGATE_UPDATE_INFRA=1 the
 * file is rewritten instead (and the test still checks the result).
 */
export function syncGenerated(path: string, expected: unknown): unknown {
  if (process.env["LINKGATE_UPDATE_INFRA"] === "1" || !existsSync(join(REPO, path))) {
    if (process.env["LINKGATE_UPDATE_INFRA"] !== "1") {
      throw new Error(`${path} is missing: run LINKGATE_UPDATE_INFRA=1 npx jest test/unit/infra`);
    }
    writeFileSync(join(REPO, path), JSON.stringify(expected, null, 2) + "\n");
  }
  return readJson(path);
}

/** Production TypeScript under src/ (what actually runs), keyed by repo-relative path. */
export function productionSources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        out.set(relative(REPO, path), readFileSync(path, "utf8"));
      }
    }
  };
  walk(join(REPO, "src"));
  return out;
}

/** Files that pass `name` to a telemetry call as a string literal. */
export function emitters(sources: Map<string, string>, eventName: string): string[] {
  const pattern = new RegExp(`(trackEvent|trackMetric)\\(\\s*["'\`]${eventName.replace(/\./g, "\\.")}["'\`]`);
  return [...sources].filter(([, text]) => pattern.test(text)).map(([path]) => path);
}
