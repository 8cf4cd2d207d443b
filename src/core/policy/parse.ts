/**
 * Loading a policy: YAML 1.2 (so JSON too) with node positions kept, structure checked by JSON Schema
 * (ajv, all errors), then the semantic checks of ./semantics.ts. Every problem is reported with its file,
 * line, column and dotted field path; a policy with any problem is never returned.
 */
import Ajv, { type ErrorObject } from "ajv";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { policySchema } from "./schema";
import { semanticErrors } from "./semantics";
import { type ParseResult, type Policy, type PolicyError, POLICY_API_VERSION } from "./types";

export type PathSegment = string | number;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
const validateSchema = ajv.compile(policySchema);

/** `rules[2].when.requester.tenants[0]`; `(document)` for the root. */
export function formatField(path: readonly PathSegment[]): string {
  if (path.length === 0) return "(document)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `FILE:LINE:COL field: message`, the line format of `linkgate policy validate`. */
export function formatPolicyError(e: PolicyError): string {
  return `${e.file}:${e.line}:${e.col} ${e.field}: ${e.message}`;
}

/** Finds where a path points in the YAML document: the key itself when `atKey`, else the value. */
export type Locator = (path: readonly PathSegment[], atKey?: boolean) => { line: number; col: number };

export function locator(doc: Document, lc: LineCounter): Locator {
  return (path, atKey = false) => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        if (last && atKey && keyStart !== undefined) {
          offset = keyStart;
          break;
        }
        node = pair.value;
        offset = rangeStart(node) ?? keyStart ?? offset;
      } else if (isSeq(node) && typeof seg === "number") {
        const item: unknown = node.items[seg];
        if (item === undefined) break;
        node = item;
        offset = rangeStart(node) ?? offset;
      } else {
        break;
      }
    }
    return lc.linePos(offset);
  };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: unknown }).range;
    if (Array.isArray(range) && typeof range[0] === "number") return range[0];
  }
  return undefined;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  boolean: "true or false",
  integer: "a whole number",
  number: "a number",
};

function schemaError(e: ErrorObject, file: string, locate: Locator): PolicyError {
  const path = pointerToPath(e.instancePath);
  const at = (p: readonly PathSegment[], atKey = false) => ({
    file,
    ...locate(p, atKey),
    field: formatField(p),
  });
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const allowed = props ? `; expected one of: ${Object.keys(props).join(", ")}` : "";
      return { ...at([...path, key], true), message: `unknown key "${key}"${allowed}` };
    }
    case "required": {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return { ...at(path), field: formatField([...path, key]), message: `missing required key "${key}"` };
    }
    case "enum": {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ");
      return { ...at(path), message: `must be one of: ${allowed} (got ${describeType(e.data)})` };
    }
    case "const": {
      const allowed = JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
      return { ...at(path), message: `must be ${allowed} (got ${describeType(e.data)})` };
    }
    case "type": {
      const t = (e.params as { type: string | string[] }).type;
      const wanted = (Array.isArray(t) ? t : t.split(",")).map((x) => TYPE_NAMES[x] ?? x).join(" or ");
      return { ...at(path), message: `must be ${wanted} (got ${describeType(e.data)})` };
    }
    case "minItems": {
      const n = (e.params as { limit: number }).limit;
      return { ...at(path), message: `must list at least ${n} entr${n === 1 ? "y" : "ies"}` };
    }
    case "minProperties": {
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      const keys = props ? `: ${Object.keys(props).join(", ")}` : "";
      return { ...at(path), message: `must not be empty; name at least one key${keys}` };
    }
    case "minLength":
      return { ...at(path), message: "must not be empty" };
    case "uniqueItems":
      return { ...at(path), message: "lists the same entry twice" };
    default:
      return { ...at(path), message: e.message ?? `fails schema keyword ${e.keyword}` };
  }
}

/** Parses and validates a policy. `file` is only used to label errors. */
export function parsePolicy(text: string, file: string): ParseResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        file,
        ...lc.linePos(e.pos[0]),
        field: "(yaml)",
        message: e.message.split("\n")[0] ?? e.message,
      })),
    };
  }
  const locate = locator(doc, lc);
  let value: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      errors: [
        { file, line: 1, col: 1, field: "(yaml)", message: e instanceof Error ? e.message : String(e) },
      ],
    };
  }
  if (value === undefined || value === null) {
    return {
      errors: [
        {
          file,
          line: 1,
          col: 1,
          field: "(document)",
          message: "the policy file is empty; see docs/policy.md",
        },
      ],
    };
  }
  const errors: PolicyError[] = [];
  if (!validateSchema(value)) {
    for (const e of validateSchema.errors ?? []) errors.push(schemaError(e, file, locate));
  }
  for (const s of semanticErrors(value)) {
    errors.push({ file, ...locate(s.path, s.atKey), field: formatField(s.path), message: s.message });
  }
  if (errors.length > 0) return { errors: dedupeAndSort(errors) };
  // Safe: the schema and the semantic checks above have established this shape.
  const v = value as Omit<Policy, "mode" | "default"> & Partial<Pick<Policy, "mode" | "default">>;
  return {
    policy: {
      apiVersion: POLICY_API_VERSION,
      mode: v.mode ?? "enforce",
      default: v.default ?? "pending",
      rules: v.rules,
      ...(v.revocation ? { revocation: v.revocation } : {}),
    },
  };
}

function dedupeAndSort(errors: PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  const out: PolicyError[] = [];
  for (const e of errors) {
    const key = `${e.line}:${e.col}:${e.field}:${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}
