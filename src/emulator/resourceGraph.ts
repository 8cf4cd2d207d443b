/**
 * Azure Resource Graph `POST /providers/Microsoft.ResourceGraph/resources` over the emulator's top-level
 * resources (the `Resources` table) and its subscriptions (the `ResourceContainers` table, subscription rows
 * only). Only the small query language linkgate sends is understood (docs/emulator.md); anything else is
 * refused with 400 BadRequest naming the supported shapes, so a query that would behave differently in Azure
 * never silently "works" here.
 */
import { ArmHttpError, badRequest } from "./errors";
import { parseArmPath } from "./paths";
import type { Doc, EmulatorState } from "./state";

export const SUPPORTED_QUERY_SHAPES = [
  "Resources",
  "(or ResourceContainers | where type =~ 'microsoft.resources/subscriptions', for named subscriptions or management groups)",
  "| where type =~ '<type>'",
  "| where type in~ ('<type>', ...)",
  "| where isnotempty(properties.privateEndpointConnections)",
  "| project <field>, ... (fields: id, name, type, location, resourceGroup, subscriptionId, tenantId, tags, properties, sku, kind)",
];

const PROJECTABLE = [
  "id",
  "name",
  "type",
  "location",
  "resourceGroup",
  "subscriptionId",
  "tenantId",
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

type Table = "resources" | "resourcecontainers";
const SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions";

export function parseQuery(query: string): { table: Table; stages: Stage[] } {
  const parts = query.split("|").map((s) => s.trim());
  const table = (parts[0] ?? "").toLowerCase();
  if (table !== "resources" && table !== "resourcecontainers")
    throw unsupported(
      `the query must start with 'Resources' or 'ResourceContainers', not '${parts[0] ?? ""}'`,
    );
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
  if (table === "resourcecontainers") {
    // Only subscription rows are served: resource groups and management groups would be silently missing.
    const first = stages[0];
    if (first?.kind !== "typeEq" || first.types.length !== 1 || first.types[0] !== SUBSCRIPTION_TYPE)
      throw unsupported(
        `ResourceContainers is served only as 'ResourceContainers | where type =~ '${SUBSCRIPTION_TYPE}''`,
      );
    if (stages.some((st) => st.kind === "hasConnections"))
      throw unsupported("ResourceContainers rows have no private endpoint connections");
  }
  return { table, stages };
}

/** A subscription's ResourceContainers row. */
function subscriptionRow(sub: {
  id?: string;
  subscriptionId: string;
  tenantId: string;
  displayName?: string;
  state?: string;
}): Doc {
  return {
    id: sub.id ?? `/subscriptions/${sub.subscriptionId}`,
    name: sub.displayName ?? sub.subscriptionId,
    type: SUBSCRIPTION_TYPE,
    tenantId: sub.tenantId,
    kind: "",
    location: "",
    resourceGroup: "",
    subscriptionId: sub.subscriptionId,
    managedBy: "",
    sku: null,
    plan: null,
    properties: { state: sub.state ?? "Enabled" },
    tags: {},
    identity: null,
    zones: null,
    extendedLocation: null,
  };
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

export interface QueryOptions {
  /**
   * False for a subscription the caller may not read: Resource Graph shows nothing of it (no ResourceContainers
   * row, no Resources rows), as Azure does. The server derives it from fault rules refusing its GET.
   */
  readable?: (subscriptionId: string) => boolean;
}

export function runQuery(
  state: EmulatorState,
  body: unknown,
  queryOptions: QueryOptions = {},
): Record<string, unknown> {
  // Asked once per subscription and query, so that a fault rule with a probability gives one query one answer.
  const seenReadable = new Map<string, boolean>();
  const readable = (sub: string): boolean => {
    let r = seenReadable.get(sub);
    if (r === undefined) {
      r = queryOptions.readable?.(sub) ?? true;
      seenReadable.set(sub, r);
    }
    return r;
  };
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

  const { table, stages } = parseQuery(b.query);
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
  let rows: Doc[];
  if (table === "resourcecontainers") {
    if (!scope)
      throw badRequest(
        "BadRequest",
        "The emulator serves ResourceContainers only for the subscriptions or management groups the request names.",
      );
    // A subscription that does not exist (or, in Azure, that the caller cannot read) has no row.
    rows = [...scope].flatMap((s) => {
      const sub = state.subscription(s);
      return sub && readable(s) ? [subscriptionRow(sub)] : [];
    });
  } else {
    rows = state
      .topLevel()
      .filter(({ path }) => {
        const sub = (parseArmPath(path).subscriptionId ?? "").toLowerCase();
        return (!scope || scope.has(sub)) && readable(sub);
      })
      .map(({ path, doc }) =>
        row(path, doc, state.subscription(parseArmPath(path).subscriptionId ?? "")?.tenantId ?? ""),
      );
  }
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
