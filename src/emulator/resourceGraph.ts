/**
 * Azure Resource Graph `POST /providers/Microsoft.ResourceGraph/resources` over the emulator's top-level
 * resources. Only the small query language linkgate sends is understood (docs/emulator.md); anything else
 * is refused with 400 BadRequest naming the supported shapes, so a query that would behave differently in
 * Azure never silently "works" here.
 */
import { ArmHttpError, badRequest } from "./errors";
import { parseArmPath } from "./paths";
import type { Doc, EmulatorState } from "./state";

export const SUPPORTED_QUERY_SHAPES = [
  "Resources",
  "| where type =~ '<type>'",
  "| where type in~ ('<type>', ...)",
  "| where isnotempty(properties.privateEndpointConnections)",
  "| project <field>, ... (fields: id, name, type, location, resourceGroup, subscriptionId, tags, properties, sku, kind)",
];

const PROJECTABLE = [
  "id",
  "name",
  "type",
  "location",
  "resourceGroup",
  "subscriptionId",
  "tags",
  "properties",
  "sku",
  "kind",
];

type Stage =
  { kind: "typeEq"; types: string[] } | { kind: "hasConnections" } | { kind: "project"; fields: string[] };

function unsupported(detail: string): ArmHttpError {
  return badRequest(
    "BadRequest",
    `Unsupported query: ${detail}. The emulator supports: ${SUPPORTED_QUERY_SHAPES.join(" ")}`,
  );
}

export function parseQuery(query: string): Stage[] {
  const parts = query.split("|").map((s) => s.trim());
  if ((parts[0] ?? "").toLowerCase() !== "resources")
    throw unsupported(`the query must start with 'Resources', not '${parts[0] ?? ""}'`);
  const stages: Stage[] = [];
  for (const part of parts.slice(1)) {
    let m = /^where\s+type\s*=~\s*'([^']+)'$/i.exec(part);
    if (m) {
      stages.push({ kind: "typeEq", types: [(m[1] ?? "").toLowerCase()] });
      continue;
    }
    m = /^where\s+type\s+in~\s*\(([^)]*)\)$/i.exec(part);
    if (m) {
      const items = (m[1] ?? "").split(",").map((s) => s.trim());
      if (items.length === 0 || !items.every((s) => /^'[^']+'$/.test(s)))
        throw unsupported(`'${part}' (in~ takes quoted types)`);
      stages.push({ kind: "typeEq", types: items.map((s) => s.slice(1, -1).toLowerCase()) });
      continue;
    }
    if (/^where\s+isnotempty\(\s*properties\.privateEndpointConnections\s*\)$/i.test(part)) {
      stages.push({ kind: "hasConnections" });
      continue;
    }
    m = /^project\s+(.+)$/i.exec(part);
    if (m) {
      const fields = (m[1] ?? "").split(",").map((s) => s.trim());
      for (const f of fields) if (!PROJECTABLE.includes(f)) throw unsupported(`cannot project '${f}'`);
      stages.push({ kind: "project", fields });
      continue;
    }
    throw unsupported(`'${part}'`);
  }
  return stages;
}

function row(path: string, doc: Doc, tenantId: string): Doc {
  const p = parseArmPath(path);
  const type = typeof doc["type"] === "string" ? doc["type"] : `${p.provider}/${p.types[0] ?? ""}`;
  return {
    id: typeof doc["id"] === "string" ? doc["id"] : path,
    name: typeof doc["name"] === "string" ? doc["name"] : (p.names[0] ?? ""),
    // Resource Graph reports types in lower case.
    type: type.toLowerCase(),
    tenantId,
    kind: doc["kind"] ?? "",
    location: doc["location"] ?? "",
    resourceGroup: p.resourceGroup ?? "",
    subscriptionId: p.subscriptionId ?? "",
    managedBy: doc["managedBy"] ?? "",
    sku: doc["sku"] ?? null,
    plan: doc["plan"] ?? null,
    properties: doc["properties"] ?? {},
    tags: doc["tags"] ?? {},
    identity: doc["identity"] ?? null,
    zones: doc["zones"] ?? null,
    extendedLocation: doc["extendedLocation"] ?? null,
  };
}

interface SkipToken {
  offset: number;
  query: string;
}

function encodeSkipToken(t: SkipToken): string {
  return Buffer.from(JSON.stringify(t)).toString("base64url");
}

function decodeSkipToken(value: string, query: string): number {
  try {
    const t = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as SkipToken;
    if (Number.isInteger(t.offset) && t.offset >= 0 && t.query === query) return t.offset;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    "InvalidSkipToken",
    "The $skipToken is invalid or belongs to a different query; start the query again without it.",
  );
}

export function runQuery(state: EmulatorState, body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(
      "InvalidRequestContent",
      "The request body must be a JSON object with a 'query' string.",
    );
  }
  const b = body as {
    query?: unknown;
    subscriptions?: unknown;
    managementGroups?: unknown;
    options?: unknown;
  };
  if (typeof b.query !== "string" || b.query.trim() === "")
    throw badRequest("InvalidRequestContent", "The request body has no 'query' string.");
  const options = (typeof b.options === "object" && b.options !== null ? b.options : {}) as Record<
    string,
    unknown
  >;
  if (options["resultFormat"] !== undefined && options["resultFormat"] !== "objectArray") {
    throw badRequest(
      "BadRequest",
      `options.resultFormat '${String(options["resultFormat"])}' is not supported by the emulator: use 'objectArray'.`,
    );
  }
  const top = options["$top"] === undefined ? 1000 : Number(options["$top"]);
  if (!Number.isInteger(top) || top < 1 || top > 1000)
    throw badRequest("BadRequest", "options.$top must be an integer between 1 and 1000.");
  const skip = options["$skip"] === undefined ? 0 : Number(options["$skip"]);
  if (!Number.isInteger(skip) || skip < 0)
    throw badRequest("BadRequest", "options.$skip must be a non-negative integer.");

  const stages = parseQuery(b.query);
  let scope: Set<string> | undefined;
  if (Array.isArray(b.subscriptions) && b.subscriptions.length > 0) {
    scope = new Set(b.subscriptions.map((s) => String(s).toLowerCase()));
  }
  if (Array.isArray(b.managementGroups) && b.managementGroups.length > 0) {
    scope ??= new Set();
    for (const mg of b.managementGroups) {
      const subs = state.managementGroupSubscriptions(String(mg));
      if (!subs)
        throw badRequest(
          "BadRequest",
          `Management group '${String(mg)}' was not found (seed it in the emulator).`,
        );
      for (const s of subs) scope.add(s.toLowerCase());
    }
  }
  let rows = state
    .topLevel()
    .filter(({ path }) => !scope || scope.has((parseArmPath(path).subscriptionId ?? "").toLowerCase()))
    .map(({ path, doc }) =>
      row(path, doc, state.subscription(parseArmPath(path).subscriptionId ?? "")?.tenantId ?? ""),
    );
  for (const s of stages) {
    if (s.kind === "typeEq") rows = rows.filter((r) => s.types.includes(String(r["type"])));
    else if (s.kind === "hasConnections") {
      rows = rows.filter((r) => {
        const pec = (r["properties"] as Doc | undefined)?.["privateEndpointConnections"];
        return Array.isArray(pec) ? pec.length > 0 : pec !== undefined && pec !== null && pec !== "";
      });
    } else rows = rows.map((r) => Object.fromEntries(s.fields.map((f) => [f, r[f]])));
  }
  const token = options["$skipToken"];
  const offset = typeof token === "string" && token !== "" ? decodeSkipToken(token, b.query) : skip;
  const page = rows.slice(offset, offset + top);
  const result: Record<string, unknown> = {
    totalRecords: rows.length,
    count: page.length,
    data: page,
    facets: [],
    resultTruncated: "false",
  };
  if (offset + top < rows.length)
    result["$skipToken"] = encodeSkipToken({ offset: offset + top, query: b.query });
  return result;
}
