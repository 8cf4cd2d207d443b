/**
 * The `decide --request` / `policy test` request shape, checked field by field: a fact of the wrong type is
 * an error (never silently treated as unknown), a missing optional fact is unknown.
 */
import type { DecisionFacts } from "../model";
import { DateTime } from "luxon";
import { isManagedServiceName, MANAGED_SERVICE_NAMES } from "../managed/services";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const REQUESTER_KEYS = [
  "subscriptionId",
  "resourceGroup",
  "endpointName",
  "tenantId",
  "privateEndpointId",
  "managedBy",
];
const REQUESTER_STRING_KEYS = REQUESTER_KEYS.filter((k) => k !== "managedBy");
const TARGET_KEYS = ["id", "type", "location", "tags", "groupIds"];
const TOP_KEYS = [
  "requester",
  "target",
  "requestMessage",
  "approvedCount",
  "targetTenantId",
  "targetSubscriptionId",
  "at",
];

export type FactsResult = { readonly facts: DecisionFacts } | { readonly errors: readonly string[] };

/** Validates request facts; `where` prefixes every error (e.g. the file name or `cases[3].request`). */
export function parseDecisionFacts(value: unknown, where: string): FactsResult {
  const errors: string[] = [];
  const err = (field: string, msg: string) => errors.push(`${where}: ${field}: ${msg}`);
  if (!isObj(value)) return { errors: [`${where}: expected a JSON object with requester and target facts`] };
  unknownKeys(value, TOP_KEYS, "", err);
  const requester = value.requester ?? {};
  const target = value.target ?? {};
  if (!isObj(requester)) err("requester", "must be an object");
  if (!isObj(target)) err("target", "must be an object");
  const str = (o: unknown, key: string, field: string) => {
    if (!isObj(o)) return;
    const v = o[key];
    if (v !== undefined && v !== null && typeof v !== "string") err(field, "must be a string");
  };
  if (isObj(requester)) {
    unknownKeys(requester, REQUESTER_KEYS, "requester.", err);
    for (const k of REQUESTER_STRING_KEYS) str(requester, k, `requester.${k}`);
    const m = requester.managedBy;
    if (m !== undefined && m !== null) managedByErrors(m, "requester.managedBy", err);
  }
  if (isObj(target)) {
    unknownKeys(target, TARGET_KEYS, "target.", err);
    for (const k of ["id", "type", "location"]) str(target, k, `target.${k}`);
    const tags = target.tags;
    if (
      tags !== undefined &&
      tags !== null &&
      (!isObj(tags) || Object.values(tags).some((t) => typeof t !== "string"))
    ) {
      err("target.tags", "must be an object of string values");
    }
    const g = target.groupIds;
    if (g !== undefined && g !== null && (!Array.isArray(g) || g.some((x) => typeof x !== "string"))) {
      err("target.groupIds", "must be a list of strings");
    }
  }
  for (const k of ["requestMessage", "targetTenantId", "targetSubscriptionId", "at"]) str(value, k, k);
  const n = value.approvedCount;
  if (n !== undefined && n !== null && !(typeof n === "number" && Number.isInteger(n) && n >= 0)) {
    err("approvedCount", "must be a whole number >= 0");
  }
  if (typeof value.at === "string" && !DateTime.fromISO(value.at, { setZone: true }).isValid) {
    err("at", `"${value.at}" is not an ISO 8601 time (e.g. 2025-03-28T09:30:00Z)`);
  }
  if (errors.length > 0) return { errors };
  // Absent (or null) requester/target are unknown as a whole: the engine reads their fields, so give it empty
  // objects rather than undefined (`{}` is a valid request whose every fact is unknown).
  const facts = stripNulls(value) as Obj;
  return {
    facts: {
      ...facts,
      requester: facts.requester ?? {},
      target: facts.target ?? {},
    } as unknown as DecisionFacts,
  };
}

const MANAGED_KEYS = [
  "outcome",
  "service",
  "definitionId",
  "ownerId",
  "strength",
  "matchedFields",
  "candidates",
  "rivalConnectionIds",
  "detail",
];
const OUTCOMES = ["corroborated", "none", "ambiguous", "unknown"];
const STRENGTHS = ["strong", "weak"];
const oneOf = (v: unknown, allowed: readonly string[]) => typeof v === "string" && allowed.includes(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

/** `requester.managedBy` (ManagedByFacts): a corroboration stated by a test case, checked like ARM's facts. */
function managedByErrors(m: unknown, field: string, err: (f: string, msg: string) => void): void {
  if (!isObj(m)) return err(field, "must be an object (see docs/managed-endpoints.md)");
  unknownKeys(m, MANAGED_KEYS, `${field}.`, err);
  if (!oneOf(m.outcome, OUTCOMES)) err(`${field}.outcome`, `must be one of: ${OUTCOMES.join(", ")}`);
  if (m.service !== undefined && !isManagedServiceName(m.service))
    err(`${field}.service`, `must be one of: ${MANAGED_SERVICE_NAMES.join(", ")}`);
  for (const k of ["definitionId", "ownerId", "detail"])
    if (m[k] !== undefined && typeof m[k] !== "string") err(`${field}.${k}`, "must be a string");
  if (m.strength !== undefined && !oneOf(m.strength, STRENGTHS))
    err(`${field}.strength`, `must be one of: ${STRENGTHS.join(", ")}`);
  for (const k of ["matchedFields", "rivalConnectionIds"])
    if (m[k] !== undefined && !isStringList(m[k])) err(`${field}.${k}`, "must be a list of strings");
  if (m.outcome === "corroborated")
    for (const k of ["service", "definitionId", "ownerId"])
      if (m[k] === undefined) err(`${field}.${k}`, "is required when outcome is corroborated");
  if (m.candidates !== undefined) {
    if (!Array.isArray(m.candidates)) return err(`${field}.candidates`, "must be a list");
    m.candidates.forEach((c: unknown, i: number) => {
      const f = `${field}.candidates[${i}]`;
      if (!isObj(c)) return err(f, "must be an object with service, definitionId, ownerId");
      unknownKeys(c, ["service", "definitionId", "ownerId"], `${f}.`, err);
      if (!isManagedServiceName(c.service))
        err(`${f}.service`, `must be one of: ${MANAGED_SERVICE_NAMES.join(", ")}`);
      for (const k of ["definitionId", "ownerId"])
        if (typeof c[k] !== "string") err(`${f}.${k}`, "must be a string");
    });
  }
}

function unknownKeys(
  o: Obj,
  known: readonly string[],
  prefix: string,
  err: (f: string, m: string) => void,
): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) err(`${prefix}${k}`, `unknown fact; expected one of: ${known.join(", ")}`);
  }
}

/** JSON null means "unknown", the same as an absent key. */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}
