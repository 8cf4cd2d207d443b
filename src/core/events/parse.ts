/**
 * Event Grid input → hints naming what to reconcile. Accepts the Event Grid schema (`eventType`,
 * `topic`, `dataVersion`) and the CloudEvents 1.0 schema (`type`, `source`, `specversion`), one event or
 * an array. Parsing never throws: every element comes back as accepted (with a hint), ignored (a
 * well-formed event we do not act on) or malformed, so the caller can log and acknowledge it.
 *
 * The event is only a hint: nothing in it is trusted as a fact for the decision. It only tells us which
 * resource to re-read. Everything in it is bounded (limits.ts): resource IDs by length and content, the
 * targets a private endpoint body names by count, and every text echoed into a reason by `shown`.
 */
import {
  normalizeResourceId,
  parentResourceId,
  resourceType,
  splitConnectionId,
  tryParseResourceId,
} from "../resourceId";
import { ACCEPTED_EVENT_TYPES, isAcceptedOperation } from "./accepted";
import { EVENT_LIMITS, resourceIdProblem, shown } from "./limits";

export const RESOURCE_WRITE_SUCCESS = "Microsoft.Resources.ResourceWriteSuccess";
export const RESOURCE_CREATED_OR_UPDATED = "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated";

const PRIVATE_LINK_SERVICE = "microsoft.network/privatelinkservices";
const PRIVATE_ENDPOINT = "microsoft.network/privateendpoints";

/** Managed private endpoint definition types (issue 13), lower case: their write names a target to re-read. */
export const MANAGED_DEFINITION_TYPES: readonly string[] = [
  "microsoft.cdn/profiles/origingroups/origins",
  "microsoft.datafactory/factories/managedvirtualnetworks/managedprivateendpoints",
  "microsoft.synapse/workspaces/managedvirtualnetworks/managedprivateendpoints",
  "microsoft.search/searchservices/sharedprivatelinkresources",
];

export type EventSchema = "EventGrid" | "CloudEvents";

/** The schema-independent envelope. */
export interface NormalizedEvent {
  readonly id: string;
  readonly type: string;
  readonly schema: EventSchema;
  readonly subject?: string;
  /** Event Grid `topic` or CloudEvents `source`. */
  readonly source?: string;
  readonly time?: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What an accepted event asks us to look at. */
export type EventHint =
  /** A connection was written: reconcile its parent. */
  | { readonly kind: "connection"; readonly connectionId: string; readonly targetId: string }
  /** A private link target itself (a PLS write, or a resource notification carrying the resource). */
  | { readonly kind: "target"; readonly targetId: string; readonly targetType: string }
  /**
   * A private endpoint was written: the targets it asks for are named in its connections. `properties` is
   * the endpoint body when the event carried it (Resource Notifications); otherwise it must be read.
   */
  | {
      readonly kind: "privateEndpoint";
      readonly endpointId: string;
      readonly properties?: Readonly<Record<string, unknown>>;
    }
  /**
   * A managed private endpoint definition was written (a Front Door origin, a Data Factory managed private
   * endpoint, an AI Search shared private link): re-read it and reconcile the target it names.
   */
  | { readonly kind: "definition"; readonly definitionId: string };

export type ParsedEvent =
  | { readonly status: "accepted"; readonly event: NormalizedEvent; readonly hint: EventHint }
  | { readonly status: "ignored"; readonly event: NormalizedEvent; readonly reason: string }
  | { readonly status: "malformed"; readonly index: number; readonly reason: string; readonly id?: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** One event or an array of them, as the trigger or a file gives them (already-parsed JSON). */
export function parseEvents(input: unknown): ParsedEvent[] {
  const items = Array.isArray(input) ? input : [input];
  if (Array.isArray(input) && input.length === 0) {
    return [{ status: "malformed", index: 0, reason: "empty array: no event to handle" }];
  }
  return items.map((item, index) => parseEvent(item, index));
}

export function normalizeEvent(raw: unknown): { event: NormalizedEvent } | { error: string; id?: string } {
  if (!isRecord(raw)) return { error: `expected a JSON object, got ${raw === null ? "null" : typeof raw}` };
  const id = str(raw["id"]);
  const isCloud = raw["specversion"] !== undefined;
  const type = str(isCloud ? raw["type"] : raw["eventType"]);
  const field = isCloud ? "type" : "eventType";
  if (!isCloud && raw["eventType"] === undefined) {
    return {
      error: 'neither Event Grid schema ("eventType") nor CloudEvents schema ("specversion") fields present',
      id,
    };
  }
  if (!id) return { error: 'field "id": missing or not a string', id };
  if (id.length > EVENT_LIMITS.maxEventIdLength) {
    return {
      error: `field "id": ${id.length} characters, over the ${EVENT_LIMITS.maxEventIdLength} accepted`,
      id: shown(id),
    };
  }
  if (!type) return { error: `field "${field}": missing or not a string`, id };
  if (isCloud && raw["specversion"] !== "1.0") {
    // Never String() a value from the body: JSON can shadow toString/valueOf, and then String() throws.
    const v = raw["specversion"];
    const what = typeof v === "string" ? shown(v, true) : `a ${v === null ? "null" : typeof v}`;
    return { error: `field "specversion": ${what} is not 1.0`, id };
  }
  const data = raw["data"];
  if (!isRecord(data)) return { error: 'field "data": missing or not an object', id };
  return {
    event: {
      id,
      type,
      schema: isCloud ? "CloudEvents" : "EventGrid",
      subject: str(raw["subject"]),
      source: str(isCloud ? raw["source"] : raw["topic"]),
      time: str(isCloud ? raw["time"] : raw["eventTime"]),
      data,
    },
  };
}

export function parseEvent(raw: unknown, index = 0): ParsedEvent {
  const n = normalizeEvent(raw);
  if ("error" in n) return { status: "malformed", index, reason: `event[${index}]: ${n.error}`, id: n.id };
  const event = n.event;
  const accepted = ACCEPTED_EVENT_TYPES.find((t) => t.toLowerCase() === event.type.toLowerCase());
  if (!accepted)
    return { status: "ignored", event, reason: `event type ${shown(event.type)} is not handled` };

  if (accepted === RESOURCE_WRITE_SUCCESS) {
    const operationName = str(event.data["operationName"]);
    if (!isAcceptedOperation(operationName)) {
      return {
        status: "ignored",
        event,
        reason: `operation ${operationName ? shown(operationName) : "(none)"} does not concern a private endpoint connection`,
      };
    }
    const resourceId = str(event.data["resourceUri"]) ?? event.subject;
    return withHint(event, index, hintFor(resourceId, undefined));
  }

  // Resource Notifications carry the resource itself.
  const info = event.data["resourceInfo"];
  if (!isRecord(info)) {
    return {
      status: "malformed",
      index,
      reason: `event[${index}]: field "data.resourceInfo": missing`,
      id: event.id,
    };
  }
  const resourceId = str(info["id"]) ?? event.subject;
  const properties = isRecord(info["properties"]) ? info["properties"] : undefined;
  return withHint(event, index, hintFor(resourceId, properties));
}

function withHint(event: NormalizedEvent, index: number, hint: EventHint | string): ParsedEvent {
  if (typeof hint === "string") {
    return { status: "malformed", index, reason: `event[${index}] ${event.id}: ${hint}`, id: event.id };
  }
  return { status: "accepted", event, hint };
}

/** Which resource(s) a written resource ID points us at. Returns an error text when it is not an ARM ID. */
export function hintFor(
  resourceId: string | undefined,
  properties: Readonly<Record<string, unknown>> | undefined,
): EventHint | string {
  if (!resourceId) return 'no resource ID in "data.resourceUri", "data.resourceInfo.id" or "subject"';
  const problem = resourceIdProblem(resourceId);
  if (problem) return problem;
  const p = tryParseResourceId(resourceId);
  if (!p || !p.provider) return `${shown(resourceId, true)} is not an ARM resource ID`;
  const conn = splitConnectionId(p.id);
  if (conn) return { kind: "connection", connectionId: p.id, targetId: conn.parentId };
  const type = resourceType(p);
  const lower = type.toLowerCase();
  if (lower === PRIVATE_ENDPOINT) return { kind: "privateEndpoint", endpointId: p.id, properties };
  const full = [p.provider, ...p.types].join("/").toLowerCase();
  if (MANAGED_DEFINITION_TYPES.includes(full)) return { kind: "definition", definitionId: p.id };
  if (p.types.length > 1 && lower.startsWith(PRIVATE_LINK_SERVICE + "/")) {
    // A PLS child other than a connection (none is accepted today): the PLS is what to look at.
    const parent = parentResourceId(p.id);
    if (parent)
      return { kind: "target", targetId: parent, targetType: "Microsoft.Network/privateLinkServices" };
  }
  return { kind: "target", targetId: p.id, targetType: type };
}

/** What a private endpoint's body names, bounded. */
export interface NamedTargets {
  /** Distinct target IDs, in body order, at most `max`. */
  readonly targets: string[];
  /** Further distinct targets the body named beyond `max` (not returned). */
  readonly dropped: number;
}

/**
 * The targets a private endpoint's body names: `privateLinkServiceId` of every (manual) private link
 * service connection, distinct (case-insensitive), at most `max`. Unusable entries (not an ARM ID, too
 * long, control characters) are skipped; they cannot name anything we could act on.
 */
export function targetsOfPrivateEndpoint(
  body: Readonly<Record<string, unknown>>,
  max: number = EVENT_LIMITS.maxTargetsPerEvent,
): NamedTargets {
  const props = isRecord(body["properties"]) ? body["properties"] : body;
  const seen = new Set<string>();
  const targets: string[] = [];
  for (const key of ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]) {
    const list = props[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isRecord(c)) continue;
      const cp = isRecord(c["properties"]) ? c["properties"] : c;
      const id = str(cp["privateLinkServiceId"]);
      if (id === undefined || resourceIdProblem(id)) continue;
      const parsed = tryParseResourceId(id);
      if (!parsed || !parsed.provider) continue;
      const k = normalizeResourceId(parsed.id);
      if (seen.has(k)) continue;
      seen.add(k);
      if (targets.length < max) targets.push(parsed.id);
    }
  }
  return { targets, dropped: seen.size - targets.length };
}
