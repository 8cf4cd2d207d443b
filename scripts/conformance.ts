/**
 * Validates the traffic the integration tests recorded (oav live-traffic files in .recordings/) against the
 * official OpenAPI specs with oav's LiveValidator. Usage:
 *   npm run conformance -- --specs DIR [--recordings DIR]
 *
 * Every exchange ends in exactly one bucket:
 *   validated      an operation in the specs matched and oav found no error;
 *   error          oav reported an error, or a spec for that provider and api-version exists in DIR but no
 *                  operation matched (a wrong path is an error, never a skip);
 *   not validated  DIR holds no spec for the provider/api-version (e.g. @azure/arm-network's 2026-01-01,
 *                  Private DNS, metrics, Resource Graph, subscriptions), or the exchange is ARM plumbing the
 *                  specs do not describe (long-running operation status polls).
 * Exit code 1 on any error or when nothing at all was validated; 2 on a usage error.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Recording {
  liveRequest: { url: string; method: string; headers: Record<string, string>; body?: Record<string, unknown> };
  liveResponse: { statusCode: string; headers: Record<string, string>; body?: Record<string, unknown> };
}

interface Args {
  specs: string;
  recordings: string;
}

function parseArgs(argv: string[]): Args {
  let specs: string | undefined;
  let recordings = ".recordings";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--specs") specs = argv[++i];
    else if (a === "--recordings") recordings = argv[++i] ?? recordings;
    else throw new Error(`unknown argument "${a ?? ""}"`);
  }
  if (!specs) throw new Error("--specs DIR is required (the OpenAPI specs, e.g. ../shared/reference/arm-specs)");
  return { specs: path.resolve(specs), recordings: path.resolve(recordings) };
}

function walk(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full, ext));
    else if (e.name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

/** `provider|api-version` pairs (lower case) that the specs in DIR describe operations for. */
export function specCoverage(specFiles: string[]): Set<string> {
  const covered = new Set<string>();
  for (const f of specFiles) {
    let spec: { info?: { version?: string }; paths?: Record<string, unknown> };
    try {
      spec = JSON.parse(fs.readFileSync(f, "utf8")) as typeof spec;
    } catch {
      continue;
    }
    const version = spec.info?.version;
    if (!version || !spec.paths) continue;
    for (const p of Object.keys(spec.paths)) {
      const m = /\/providers\/([^/]+)\/[^/]*$|\/providers\/([^/]+)\//i.exec(p);
      const ns = m?.[1] ?? m?.[2];
      if (ns) covered.add(`${ns.toLowerCase()}|${version.toLowerCase()}`);
    }
  }
  return covered;
}

function providerOf(url: URL): string {
  const segs = url.pathname.split("/");
  let ns = "";
  for (let i = 0; i < segs.length - 1; i++) if ((segs[i] ?? "").toLowerCase() === "providers") ns = segs[i + 1] ?? "";
  return decodeURIComponent(ns).toLowerCase();
}

export async function runConformance(args: Args, log: (s: string) => void = console.log): Promise<number> {
  if (!fs.existsSync(args.specs)) throw new Error(`specs directory ${args.specs} does not exist`);
  if (!fs.existsSync(args.recordings)) {
    throw new Error(`recordings directory ${args.recordings} does not exist: run the integration tests first (npm test)`);
  }
  const specFiles = walk(args.specs, ".json").filter((f) => !f.includes(`${path.sep}examples${path.sep}`));
  const covered = specCoverage(specFiles);
  // oav is loaded lazily: it is a dev tool and takes a while to import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LiveValidator } = require("oav") as typeof import("oav");
  const validator = new LiveValidator({
    directory: args.specs,
    swaggerPathsPattern: ["**/*.json"],
    excludedSwaggerPathsPattern: ["**/examples/**", "**/common-types/**", "**/common/**"],
    git: { shouldClone: false },
    isPathCaseSensitive: false,
    loadValidatorInBackground: false,
    loadValidatorInInitialize: true,
  });
  await validator.initialize();

  const files = walk(args.recordings, ".json");
  let validated = 0;
  let errors = 0;
  const skipped = new Map<string, number>();
  const skip = (reason: string): void => {
    skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  };
  for (const file of files) {
    const rec = JSON.parse(fs.readFileSync(file, "utf8")) as Recording;
    const url = new URL(rec.liveRequest.url);
    const version = (url.searchParams.get("api-version") ?? "").toLowerCase();
    const provider = providerOf(url);
    const rel = path.relative(process.cwd(), file);
    if (/\/locations\/[^/]+\/(operations|operationResults)\//i.test(url.pathname)) {
      skip("long-running operation status poll (not described by the specs)");
      continue;
    }
    if (!provider || !covered.has(`${provider}|${version}`)) {
      skip(`no spec for ${provider || "(no provider)"} api-version ${version || "(none)"}`);
      continue;
    }
    const result = await validator.validateLiveRequestResponse(rec);
    const op = result.responseValidationResult.operationInfo?.operationId ?? result.requestValidationResult.operationInfo?.operationId ?? "?";
    const where = `${rel} (${rec.liveRequest.method} ${url.pathname} api-version=${version}, operation ${op})`;
    const issues = [
      ...result.requestValidationResult.errors.map((e) => `request: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`),
      ...result.responseValidationResult.errors.map((e) => `response: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`),
    ];
    for (const ex of [result.runtimeException, result.requestValidationResult.runtimeException, result.responseValidationResult.runtimeException]) {
      if (ex) issues.push(`runtime: ${ex.code} ${ex.message}`);
    }
    if (issues.length > 0) {
      errors++;
      log(`ERROR ${where}`);
      for (const i of [...new Set(issues)]) log(`  ${i}`);
    } else {
      validated++;
    }
  }
  for (const [reason, n] of [...skipped.entries()].sort()) log(`not validated: ${n} exchange(s): ${reason}`);
  log(`conformance: ${files.length} recorded exchanges, ${validated} validated, ${errors} with errors, ${files.length - validated - errors} not validated`);
  if (validated === 0) {
    log("conformance: FAILED — no exchange was validated (no recordings for the spec versions?)");
    return 1;
  }
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`conformance: ${(e as Error).message}\nusage: npm run conformance -- --specs DIR [--recordings DIR]`);
    process.exit(2);
  }
  runConformance(args).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`conformance: ${(e as Error).message}`);
      process.exit(2);
    },
  );
}
