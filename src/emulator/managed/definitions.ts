/**
 * Managed private endpoint definitions in the emulator (issue 13): Front Door origins with a
 * `sharedPrivateLinkResource`, Data Factory and Synapse managed private endpoints, AI Search shared private
 * link resources. Creating one that names a target the emulator holds makes the Pending connection Azure
 * would make on that target: its private endpoint lives in a Microsoft-managed subscription (never the
 * owner's), the definition's request message is the connection's description, the group id is the one
 * asked for and (Private Link Service) the endpoint's location is the one asked for.
 *
 * The managed endpoint's ID is derived from the definition, so the link between a definition and its
 * connection is never stored: a definition's connection is the one on its target whose private endpoint ID
 * is the one derived (and a seeded estate can carry either side already).
 */
import { createHash, randomUUID } from "node:crypto";
import { profileFor } from "../providers/catalog";
import { keyOf, normalizePath, parseArmPath } from "../paths";
import { type Doc, type EmulatorState, isObject } from "../state";
import { kindByService, MANAGED_KINDS, type ManagedKind, type ManagedKindName } from "./kinds";

const PLS_TYPE = "microsoft.network/privatelinkservices";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function shortHash(text: string, n = 12): string {
  return createHash("sha256").update(text.toLowerCase()).digest("hex").slice(0, n);
}

/** What a definition asks its service to connect to. */
export interface ManagedRequest {
  targetId: string;
  groupId?: string;
  location?: string;
  requestMessage?: string;
}

/** The request a definition body carries; undefined when it asks for no private link (a public origin). */
export function requestOf(kind: ManagedKind, doc: Doc): ManagedRequest | undefined {
  const props = isObject(doc["properties"]) ? doc["properties"] : {};
  if (kind.service === "frontDoor") {
    const spl = props["sharedPrivateLinkResource"];
    if (!isObject(spl)) return undefined;
    const link = isObject(spl["privateLink"]) ? spl["privateLink"] : {};
    const targetId = str(link["id"]);
    if (!targetId) return undefined;
    return {
      targetId,
      groupId: str(spl["groupId"]),
      location: str(spl["privateLinkLocation"]),
      requestMessage: str(spl["requestMessage"]),
    };
  }
  const targetId = str(props["privateLinkResourceId"]);
  if (!targetId) return undefined;
  return {
    targetId,
    groupId: str(props["groupId"]),
    location: kind.service === "search" ? str(props["resourceRegion"]) : undefined,
    // Data Factory and Synapse record no request message; Search and Front Door do.
    requestMessage: kind.service === "search" ? str(props["requestMessage"]) : undefined,
  };
}

/**
 * The managed private endpoint the service creates for a definition. Data Factory and Synapse name it
 * `<factory|workspace>.<managed private endpoint>` as their portals show it on the target; Front Door shares
 * one endpoint between origins of one profile that ask for the same resource, group id and region (its
 * "association of a private endpoint with a profile"), so its name is derived from those four; Search
 * documents no name, so one is derived from the definition.
 */
export function managedEndpointId(kind: ManagedKind, definitionId: string, req: ManagedRequest): string {
  const p = parseArmPath(definitionId);
  const owner = p.names[0] ?? "owner";
  let name: string;
  switch (kind.service) {
    case "dataFactory":
    case "synapse":
      name = `${owner}.${p.names.at(-1) ?? ""}`;
      break;
    case "frontDoor": {
      const profileId = normalizePath(definitionId).split("/").slice(0, 9).join("/");
      name = `afd-pe-${shortHash(`${profileId}|${req.targetId}|${req.groupId ?? ""}|${req.location ?? ""}`)}`;
      break;
    }
    case "search":
      name = `${owner}-spl-${shortHash(definitionId)}`;
      break;
  }
  return `/subscriptions/${kind.managedSubscription}/resourceGroups/${kind.managedResourceGroup}/providers/Microsoft.Network/privateEndpoints/${name}`;
}

function connectionsOf(state: EmulatorState, targetId: string): Doc[] {
  return state.listCollection(`${normalizePath(targetId)}/privateEndpointConnections`);
}

function endpointOf(conn: Doc): string | undefined {
  const props = isObject(conn["properties"]) ? conn["properties"] : {};
  const pe = isObject(props["privateEndpoint"]) ? props["privateEndpoint"] : {};
  return str(pe["id"]);
}

/** The connection on the target whose private endpoint is `endpointId`, if the emulator holds one. */
export function findConnection(state: EmulatorState, targetId: string, endpointId: string): Doc | undefined {
  const want = keyOf(endpointId);
  return connectionsOf(state, targetId).find((c) => {
    const pe = endpointOf(c);
    return pe !== undefined && keyOf(pe) === want;
  });
}

/** The connection's status, or undefined. */
export function statusOf(conn: Doc | undefined): string | undefined {
  if (!conn) return undefined;
  const props = isObject(conn["properties"]) ? conn["properties"] : {};
  const cs = isObject(props["privateLinkServiceConnectionState"])
    ? props["privateLinkServiceConnectionState"]
    : {};
  return str(cs["status"]);
}

/**
 * Creates the Pending connection a managed private endpoint makes on `req.targetId`, shaped as the target's
 * provider spells its connections (catalog profile: actions field, where group ids live; PLS: the
 * endpoint's location). Returns its ID, or undefined when the emulator holds no such target.
 */
export function createManagedConnection(
  state: EmulatorState,
  endpointId: string,
  req: ManagedRequest,
): string | undefined {
  const target = state.get(req.targetId);
  if (!target) return undefined;
  const existing = findConnection(state, req.targetId, endpointId);
  if (existing && typeof existing["id"] === "string") return existing["id"];
  const tp = parseArmPath(req.targetId);
  const targetType = `${tp.provider}/${tp.types[0] ?? ""}`;
  const lower = targetType.toLowerCase();
  const targetPath =
    typeof target["id"] === "string" ? normalizePath(target["id"]) : normalizePath(req.targetId);
  const endpointName = endpointId.split("/").at(-1) ?? "pe";
  // Azure names it `<endpoint>.<guid>`; a GUID derived from the endpoint and target keeps seeded estates stable.
  const h = shortHash(`${endpointId}|${targetPath}`, 32);
  const name = `${endpointName}.${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  const id = `${targetPath}/privateEndpointConnections/${name}`;
  const profile = profileFor(lower);
  const state_: Doc = { status: "Pending", description: req.requestMessage ?? "" };
  const actionsField = lower === PLS_TYPE ? "actionsRequired" : (profile?.actionsField ?? "actionsRequired");
  if (actionsField !== "none") state_[actionsField] = "None";
  const properties: Doc = {
    privateEndpoint: { id: endpointId },
    privateLinkServiceConnectionState: state_,
    provisioningState: "Succeeded",
  };
  if (lower === PLS_TYPE) {
    if (req.location) properties["privateEndpointLocation"] = req.location;
    properties["linkIdentifier"] = String(parseInt(shortHash(id, 8), 16));
  } else if (req.groupId && profile?.groupIds.on === "connection") {
    if (profile.groupIds.field === "groupId") properties["groupId"] = req.groupId;
    else properties["groupIds"] = [req.groupId];
  } else if (req.groupId && !profile) {
    properties["groupIds"] = [req.groupId];
  }
  const doc: Doc = { id, name, type: `${targetType}/privateEndpointConnections`, properties };
  if (lower === PLS_TYPE) doc["etag"] = `W/"${randomUUID()}"`;
  state.add(doc);
  return id;
}

/** Removes a definition's connection unless another definition still uses the same (shared) endpoint. */
export function removeManagedConnection(
  state: EmulatorState,
  kind: ManagedKind,
  definitionId: string,
  doc: Doc,
): void {
  const req = requestOf(kind, doc);
  if (!req) return;
  const endpointId = managedEndpointId(kind, definitionId, req);
  for (const other of definitionsOf(state, kind)) {
    if (keyOf(other.id) === keyOf(definitionId)) continue;
    const r = requestOf(kind, other.doc);
    if (r && keyOf(managedEndpointId(kind, other.id, r)) === keyOf(endpointId)) return;
  }
  const conn = findConnection(state, req.targetId, endpointId);
  if (conn && typeof conn["id"] === "string") state.remove(conn["id"]);
}

/** Every stored definition of a kind, walking owners (top-level resources) down the chain. */
export function definitionsOf(state: EmulatorState, kind: ManagedKind): { id: string; doc: Doc }[] {
  const out: { id: string; doc: Doc }[] = [];
  const walk = (path: string, depth: number): void => {
    const seg = kind.chain[depth];
    if (!seg) return;
    for (const child of state.listCollection(`${path}/${seg}`)) {
      const id = typeof child["id"] === "string" ? normalizePath(child["id"]) : undefined;
      if (!id) continue;
      if (depth === kind.chain.length - 1) out.push({ id, doc: child });
      else walk(id, depth + 1);
    }
  };
  for (const owner of state.topLevel()) {
    const p = parseArmPath(owner.path);
    if (`${p.provider}/${p.types[0] ?? ""}`.toLowerCase() === kind.ownerType) walk(owner.path, 0);
  }
  return out;
}

/**
 * Makes the connection of every stored definition that has none yet (seeded estates: definitions and
 * targets may come in any file order). A seeded connection with the derived endpoint is kept as it is.
 */
export function materializeManagedConnections(state: EmulatorState): number {
  let made = 0;
  for (const kind of MANAGED_KINDS) {
    for (const def of definitionsOf(state, kind)) {
      const req = requestOf(kind, def.doc);
      if (!req || !state.get(req.targetId)) continue;
      const endpointId = managedEndpointId(kind, def.id, req);
      if (findConnection(state, req.targetId, endpointId)) continue;
      if (createManagedConnection(state, endpointId, req)) made++;
    }
  }
  return made;
}

export interface LookalikeRequest extends ManagedRequest {
  /** Whose managed subscription the endpoint appears in (default frontDoor). */
  service?: ManagedKindName;
  /** Name of the look-alike endpoint (default: a random one); the same name twice is one connection. */
  endpointName?: string;
}

/**
 * A managed-looking connection with no definition behind it: same request message, group id and location
 * a real one would carry, its endpoint in the service's managed subscription, but no origin / managed
 * private endpoint / shared private link in anyone's estate asks for it. For tests and the demo.
 */
export function createLookalikeConnection(state: EmulatorState, req: LookalikeRequest): string {
  const kind = kindByService(req.service ?? "frontDoor");
  const endpointId = `/subscriptions/${kind.managedSubscription}/resourceGroups/${kind.managedResourceGroup}/providers/Microsoft.Network/privateEndpoints/${req.endpointName ?? `lookalike-${randomUUID().slice(0, 8)}`}`;
  const id = createManagedConnection(state, endpointId, req);
  if (!id) throw new Error(`createLookalikeConnection: the emulator holds no target ${req.targetId}`);
  return id;
}
