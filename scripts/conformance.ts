/**
 * Validates the traffic the integration tests recorded (oav live-traffic files in .recordings/) against the
 * official OpenAPI specs with oav's LiveValidator, over one or more spec trees (each validated as its own
 * tree, so that its relative $refs resolve inside it). Usage:
 *   npm run conformance -- --specs DIR [--specs DIR2 ...] [--recordings DIR]
 *
 * Every exchange ends in exactly one bucket:
 *   validated      an operation in one of the trees matched and oav found no error;
 *   spec quirk     oav's only objection is a named, explained discrepancy of the spec itself (listed with
 *                  the exchange: ARM's error envelope where a spec declares a flat error; an error status
 *                  where the operation declares no error response at all);
 *   error          anything else oav reported (printed with the recording file and operation);
 *   not validated  no tree describes the operation (with the reason), ARM plumbing the specs do not describe
 *                  (long-running operation status polls under /locations/), or an answer of ARM's front door
 *                  (401, api-version refusals) that never reaches a provider.
 * The summary prints the share of validated exchanges among the target providers' (Microsoft.Network incl.
 * Private DNS, Relay, Sql, Cosmos DB, Key Vault, Service Bus, Event Hubs), not counting plumbing and front door.
 * Exit code 1 on any error or when nothing at all was validated; 2 on a usage error.
 */
import { createHash } from "node:crypto";
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
  /** Spec trees, each validated on its own. */
  specs: string[];
  recordings: string;
}

function parseArgs(argv: string[]): Args {
  const specs: string[] = [];
  let recordings = ".recordings";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--specs") {
      const dir = argv[++i];
      if (!dir) throw new Error("--specs needs a directory");
      specs.push(path.resolve(dir));
    } else if (a === "--recordings") recordings = argv[++i] ?? recordings;
    else throw new Error(`unknown argument "${a ?? ""}"`);
  }
  if (specs.length === 0)
    throw new Error("--specs DIR is required (the OpenAPI specs, e.g. ../shared/reference/arm-specs)");
  return { specs, recordings: path.resolve(recordings) };
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

const EMBEDDED_ITEM_ID_ISSUE =
  /^response: OBJECT_ADDITIONAL_PROPERTIES Additional properties not allowed: id at (\/properties\/privateEndpointConnections\/\d+\/id(, )?)+$/;

const ERROR_ENVELOPE_ISSUE =
  /^response: OBJECT_ADDITIONAL_PROPERTIES Additional properties not allowed: error at \/error$/;

export interface SpecOperation {
  version: string;
  method: string;
  pattern: RegExp;
  template: string;
  /** Path parameters whose values the spec restricts with `enum` (e.g. Private DNS `{recordType}`). */
  enums: Record<string, string[]>;
  /** Response codes the operation declares (`default` included). */
  responses: string[];
  file: string;
}

interface SpecParameter {
  name?: string;
  in?: string;
  enum?: unknown[];
  $ref?: string;
}

type SpecDoc = {
  info?: { version?: string };
  paths?: Record<string, Record<string, unknown>>;
  parameters?: Record<string, SpecParameter>;
};

function pathEnums(spec: SpecDoc, params: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const raw of Array.isArray(params) ? (params as SpecParameter[]) : []) {
    // Local references (`#/parameters/X`) are followed; a parameter in another file restricts nothing here.
    const p = raw.$ref?.startsWith("#/parameters/")
      ? spec.parameters?.[raw.$ref.slice("#/parameters/".length)]
      : raw;
    if (p?.in === "path" && p.name && Array.isArray(p.enum))
      out[p.name] = p.enum.filter((v): v is string => typeof v === "string");
  }
  return out;
}

/** Every operation (method + path template + api-version) that the specs in DIR describe. */
export function specOperations(specFiles: string[]): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const f of specFiles) {
    let spec: SpecDoc;
    try {
      spec = JSON.parse(fs.readFileSync(f, "utf8")) as SpecDoc;
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
      for (const [method, op] of Object.entries(item)) {
        if (["get", "put", "post", "delete", "patch", "head"].includes(method)) {
          const o = op as { parameters?: unknown; responses?: Record<string, unknown> };
          ops.push({
            version: version.toLowerCase(),
            method: method.toUpperCase(),
            pattern,
            template,
            enums: { ...pathEnums(spec, item["parameters"]), ...pathEnums(spec, o.parameters) },
            responses: Object.keys(o.responses ?? {}),
            file: f,
          });
        }
      }
    }
  }
  return ops;
}

/**
 * Whether `op` describes `decodedPath`, honouring the enums of its path parameters: Private DNS'
 * `{recordType}` (A, AAAA, CNAME...) does not match `virtualNetworkLinks`, which oav's path matcher
 * (regular expressions only) does not know, so it reports two operations for a link's URL.
 */
export function describes(op: SpecOperation, decodedPath: string): boolean {
  if (!op.pattern.test(decodedPath)) return false;
  const names = op.template.split("/");
  const values = decodedPath.split("/");
  return names.every((seg, i) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    const allowed = m ? op.enums[m[1] ?? ""] : undefined;
    return !allowed || allowed.some((v) => v.toLowerCase() === (values[i] ?? "").toLowerCase());
  });
}

/** Providers whose recorded exchanges the ≥ 90 % target is about (Private DNS is under Microsoft.Network). */
export const TARGET_PROVIDERS: readonly string[] = [
  "microsoft.network",
  "microsoft.relay",
  "microsoft.sql",
  "microsoft.documentdb",
  "microsoft.keyvault",
  "microsoft.servicebus",
  "microsoft.eventhub",
];

/** Codes ARM itself answers before a request reaches any provider: no provider spec describes them. */
const FRONT_DOOR_CODES = new Set([
  "AuthenticationFailed",
  "MissingApiVersionParameter",
  "InvalidApiVersionParameter",
  "NoRegisteredProviderFound",
  "InvalidResourceType",
]);

export function isFrontDoor(statusCode: string, body: unknown): boolean {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return (
    (statusCode === "401" || statusCode === "400") && typeof code === "string" && FRONT_DOOR_CODES.has(code)
  );
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

const digests = new Map<string, string>();
/** sha256 of a spec file's bytes (cached): identical copies in several trees are validated once. */
function digestOf(file: string): string {
  let d = digests.get(file);
  if (d === undefined) {
    d = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    digests.set(file, d);
  }
  return d;
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

interface Tree {
  dir: string;
  operations: SpecOperation[];
  overlay: string;
  validator: import("oav").LiveValidator;
}

type Buckets = {
  validated: number;
  errors: number;
  envelope: string[];
  undeclared: string[];
  embeddedId: string[];
  skipped: Map<string, number>;
};

/** Target-scope tallies for the percentage: every exchange of a target provider that a provider answered. */
interface Scope {
  total: number;
  validated: number;
  /** Exchanges whose only objection is a listed spec quirk. */
  quirks: number;
  excluded: Map<string, number>;
}

/**
 * oav matches paths by regular expression only; an operation whose path-parameter enum excludes the URL's
 * value (Private DNS' `{recordType}` vs `virtualNetworkLinks`) is dropped from its candidates, as ARM's
 * routing would. Each such disambiguation is counted and printed.
 */
function enumAwareSearch(
  validator: import("oav").LiveValidator,
  onDisambiguated: (what: string) => void,
): void {
  const searcher = (validator as unknown as { operationSearcher?: Record<string, unknown> })
    .operationSearcher;
  const original = searcher?.["getPotentialOperations"];
  if (!searcher || typeof original !== "function") return;
  searcher["getPotentialOperations"] = function (this: unknown, info: { pathStr?: string }) {
    const result = (original as (i: unknown) => { matches: { operation: OavOperation }[] }).call(this, info);
    if (result.matches.length > 1 && info.pathStr) {
      const path = decodeURIComponent(info.pathStr);
      const kept = result.matches.filter(({ operation }) => {
        const template = operation._path?._pathTemplate ?? "";
        const enums = pathEnums({}, [
          ...(operation._path?.parameters ?? []),
          ...(operation.parameters ?? []),
        ]);
        return describes(
          { version: "", method: "", pattern: /.*/, template, enums, responses: [], file: "" },
          path,
        );
      });
      if (kept.length > 0 && kept.length < result.matches.length) {
        onDisambiguated(
          `${path}: ${result.matches.map((m) => m.operation.operationId).join(" / ")} -> ${kept.map((m) => m.operation.operationId).join(", ")}`,
        );
        result.matches = kept;
      }
    }
    return result;
  };
}

interface OavOperation {
  operationId?: string;
  parameters?: unknown[];
  _path?: { _pathTemplate?: string; parameters?: unknown[] };
}

async function loadTree(dir: string, log: (s: string) => void): Promise<Tree> {
  if (!fs.existsSync(dir)) throw new Error(`specs directory ${dir} does not exist`);
  const specFiles = walk(dir, ".json").filter((f) => !f.includes(`${path.sep}examples${path.sep}`));
  const overlay = overlayMissingRefs(dir);
  for (const s of overlay.substituted)
    log(`spec hole: ${s} is missing from ${dir}; validated as an open schema`);
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
  return { dir, operations: specOperations(specFiles), overlay: overlay.dir, validator };
}

export async function runConformance(args: Args, log: (s: string) => void = console.log): Promise<number> {
  if (!fs.existsSync(args.recordings)) {
    throw new Error(
      `recordings directory ${args.recordings} does not exist: run the integration tests first (npm test)`,
    );
  }
  const trees: Tree[] = [];
  for (const dir of args.specs) trees.push(await loadTree(dir, log));
  const disambiguated: string[] = [];
  for (const t of trees) enumAwareSearch(t.validator, (w) => disambiguated.push(w));

  const files = walk(args.recordings, ".json");
  const b: Buckets = {
    validated: 0,
    errors: 0,
    envelope: [],
    undeclared: [],
    embeddedId: [],
    skipped: new Map(),
  };
  const scope: Scope = { total: 0, validated: 0, quirks: 0, excluded: new Map() };
  const skip = (reason: string): void => {
    b.skipped.set(reason, (b.skipped.get(reason) ?? 0) + 1);
  };
  const exclude = (reason: string): void => {
    scope.excluded.set(reason, (scope.excluded.get(reason) ?? 0) + 1);
  };
  const validatedSpecs = new Set<string>();
  let duplicates = 0;
  for (const file of files) {
    const rec = JSON.parse(fs.readFileSync(file, "utf8")) as Recording;
    const url = new URL(rec.liveRequest.url);
    const version = (url.searchParams.get("api-version") ?? "").toLowerCase();
    const provider = providerOf(url);
    const inScope = TARGET_PROVIDERS.includes(provider);
    const rel = path.relative(process.cwd(), file);
    const method = rec.liveRequest.method.toUpperCase();
    if (/\/locations\/[^/]+\/(operations|operationResults)\//i.test(url.pathname)) {
      skip("long-running operation status poll (ARM plumbing, not described by the specs)");
      if (inScope) exclude("long-running operation status polls");
      continue;
    }
    if (isFrontDoor(rec.liveResponse.statusCode, rec.liveResponse.body)) {
      skip(`answered by ARM's front door before any provider (${rec.liveResponse.statusCode})`);
      if (inScope) exclude("ARM front-door answers (401, api-version refusals)");
      continue;
    }
    if (inScope) scope.total++;
    const decodedPath = decodeURIComponent(url.pathname);
    const matching = trees
      .map((t) => ({
        tree: t,
        ops: t.operations.filter(
          (o) => o.version === version && o.method === method && describes(o, decodedPath),
        ),
      }))
      .filter((m) => m.ops.length > 0)
      // A tree may carry byte-identical copies of another tree's spec files (common types, shared Network
      // files): validate such an exchange once, not per copy.
      .filter((m) => {
        const key = m.ops
          .map((o) => `${path.basename(o.file)}:${digestOf(o.file)}`)
          .sort()
          .join(",");
        if (validatedSpecs.has(key)) {
          duplicates++;
          return false;
        }
        validatedSpecs.add(key);
        return true;
      });
    validatedSpecs.clear();
    if (matching.length === 0) {
      const versionKnown = trees.some((t) => t.operations.some((o) => o.version === version));
      skip(
        versionKnown
          ? `no operation in the specs for ${method} ${shape(decodedPath)} (api-version ${version})`
          : `no spec for ${provider || "(no provider)"} api-version ${version || "(none)"}`,
      );
      continue;
    }
    const issues: string[] = [];
    let op = "?";
    for (const { tree } of matching) {
      const result = await tree.validator.validateLiveRequestResponse(rec);
      op =
        result.responseValidationResult.operationInfo?.operationId ??
        result.requestValidationResult.operationInfo?.operationId ??
        op;
      issues.push(
        ...result.requestValidationResult.errors.map(
          (e) => `request: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`,
        ),
        ...result.responseValidationResult.errors.map(
          (e) => `response: ${e.code} ${e.message} at ${e.pathsInPayload.join(", ")}`,
        ),
      );
      for (const ex of [
        result.runtimeException,
        result.requestValidationResult.runtimeException,
        result.responseValidationResult.runtimeException,
      ]) {
        if (ex) issues.push(`runtime: ${ex.code} ${ex.message}`);
      }
    }
    const where = `${rel} (${method} ${url.pathname} api-version=${version}, operation ${op})`;
    const isError = Number(rec.liveResponse.statusCode) >= 400;
    const declaresNoError = matching.every(({ ops }) => ops.every((o) => !o.responses.includes("default")));
    if (issues.length > 0 && isError && issues.every((i) => ERROR_ENVELOPE_ISSUE.test(i))) {
      // ARM answers every error as {"error":{code,message}} (ARM RPC), but Network's specs declare a flat
      // `Error` ({code,message}) as the default response. Counted and listed, never silently accepted.
      b.envelope.push(where);
      if (inScope) scope.quirks++;
    } else if (
      issues.length > 0 &&
      isError &&
      declaresNoError &&
      issues.every((i) => /^response: INVALID_RESPONSE_CODE /.test(i))
    ) {
      // The operation declares no error response at all (Key Vault 2019-09-01's Vaults_Get: 200 only), yet
      // ARM answers a missing resource 404. The spec is silent, not the traffic wrong; listed, not accepted.
      b.undeclared.push(where);
      if (inScope) scope.quirks++;
    } else if (issues.length > 0 && issues.every((i) => EMBEDDED_ITEM_ID_ISSUE.test(i))) {
      // Key Vault 2019-09-01's PrivateEndpointConnectionItem declares only `properties`, but the service
      // returns each embedded connection's `id` (the only way to address it; later versions declare id and
      // etag). Listed, never accepted silently: any other issue in the body is still an error.
      b.embeddedId.push(where);
      if (inScope) scope.quirks++;
    } else if (issues.length > 0) {
      b.errors++;
      log(`ERROR ${where}`);
      for (const i of [...new Set(issues)]) log(`  ${i}`);
    } else {
      b.validated++;
      if (inScope) scope.validated++;
    }
  }
  if (duplicates > 0)
    log(
      `identical specs: ${duplicates} lookup(s) matched byte-identical spec files in several trees; validated once`,
    );
  for (const [reason, n] of [...b.skipped.entries()].sort())
    log(`not validated: ${n} exchange(s): ${reason}`);
  if (disambiguated.length > 0) {
    log(
      `path ambiguity: ${disambiguated.length} lookup(s) matched several operations by path alone; resolved by the ` +
        `spec's own path-parameter enum (as ARM routes):`,
    );
    for (const w of [...new Set(disambiguated)]) log(`  ${w}`);
  }
  if (b.envelope.length > 0) {
    log(
      `spec quirk: ${b.envelope.length} error response(s) carry ARM's {"error":{...}} envelope where the spec's default ` +
        `schema is a flat error object (network.json#/definitions/Error); body checked otherwise:`,
    );
    for (const w of b.envelope) log(`  ${w}`);
  }
  if (b.undeclared.length > 0) {
    log(
      `spec quirk: ${b.undeclared.length} error response(s) of operations that declare no error response at all ` +
        `(no 'default'; e.g. keyvault.json 2019-09-01 Vaults_Get declares 200 only):`,
    );
    for (const w of b.undeclared) log(`  ${w}`);
  }
  if (b.embeddedId.length > 0) {
    log(
      `spec quirk: ${b.embeddedId.length} response(s) embed connections with an \`id\` the item schema does not declare ` +
        `(keyvault.json 2019-09-01 PrivateEndpointConnectionItem has only \`properties\`); body checked otherwise:`,
    );
    for (const w of b.embeddedId) log(`  ${w}`);
  }
  const quirks = b.envelope.length + b.undeclared.length + b.embeddedId.length;
  log(
    `conformance: ${files.length} recorded exchanges over ${trees.length} spec tree(s), ${b.validated} validated, ` +
      `${b.errors} with errors, ${quirks} spec quirks, ${files.length - b.validated - b.errors - quirks} not validated`,
  );
  const excluded = [...scope.excluded.entries()].map(([r, n]) => `${n} ${r}`).join(", ");
  const pct = (n: number): string => (scope.total === 0 ? "0.0" : ((100 * n) / scope.total).toFixed(1));
  log(
    `conformance: target providers: ${pct(scope.validated)}% validated (${scope.validated} of ${scope.total} exchanges); ` +
      `${pct(scope.validated + scope.quirks)}% validated or a listed spec quirk (${scope.validated + scope.quirks} of ` +
      `${scope.total}) [${TARGET_PROVIDERS.join(", ")}${excluded ? `; not counted: ${excluded}` : ""}]`,
  );
  for (const t of trees) fs.rmSync(t.overlay, { recursive: true, force: true });
  if (b.validated === 0) {
    log("conformance: FAILED — no exchange was validated (no recordings for the spec versions?)");
    return 1;
  }
  return b.errors > 0 ? 1 : 0;
}

if (require.main === module) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(
      `conformance: ${(e as Error).message}\nusage: npm run conformance -- --specs DIR [--specs DIR2 ...] [--recordings DIR]`,
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
