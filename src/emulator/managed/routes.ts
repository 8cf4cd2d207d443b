/**
 * HTTP for managed private endpoint definitions (docs/emulator.md "Managed private endpoints"):
 *
 * - ARM: Front Door `Microsoft.Cdn/profiles[/{p}/originGroups[/{g}/origins[/{o}]]]`, Data Factory
 *   `factories/{f}/managedVirtualNetworks[/{v}/managedPrivateEndpoints[/{m}]]`, Search
 *   `searchServices/{s}/sharedPrivateLinkResources[/{n}]`: GET, list, PUT, DELETE.
 * - Synapse's data plane, which in Azure is `https://{workspace}.dev.azuresynapse.net/managedVirtualNetworks/
 *   default/managedPrivateEndpoints[/{name}]`, is served at `/synapse-dev/{workspace}/...` (the emulator has
 *   one host name; the adapter maps a workspace to this prefix in emulator mode only).
 *
 * Each path checks its service's api-versions and PUT bodies against the published properties; anything
 * else is refused with a message saying what was expected. Writes answer synchronously (200/201 with the
 * body): linkgate only reads definitions, the tests and the demo create them.
 */
import { requireApiVersion } from "../apiVersions";
import { badRequest, methodNotAllowed, notFound, parseJson } from "../errors";
import { pageOf } from "../paging";
import { fullType, keyOf, normalizePath, parentPath, parseArmPath, type ArmPath } from "../paths";
import { type Doc, type EmulatorState, isObject } from "../state";
import {
  createManagedConnection,
  findConnection,
  managedEndpointId,
  removeManagedConnection,
  requestOf,
  statusOf,
} from "./definitions";
import { kindByService, kindForTypes, type ManagedKind } from "./kinds";

export interface ManagedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Prefix of the emulated Synapse data plane (`/synapse-dev/{workspace}/managedVirtualNetworks/...`). */
export const SYNAPSE_DATA_PLANE_PREFIX = "/synapse-dev";

const CDN_PROFILES = "microsoft.cdn/profiles";

/** What a 405 from these routes says is served. */
const MANAGED_METHODS =
  "managed private endpoint definitions, origin groups and managed virtual networks take GET, PUT and DELETE; Front Door profiles and lists take GET";

export interface ManagedRouteContext {
  state: EmulatorState;
  method: string;
  pathname: string;
  url: URL;
  rawBody: string;
  baseUrl: string;
  pageSize: number;
}

function checkVersion(kind: ManagedKind, asked: string | null, what: string): void {
  const version = requireApiVersion(asked);
  if (!kind.apiVersions.includes(version)) {
    throw badRequest(
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid for ${what}. The supported versions are '${kind.apiVersions.join(",")}'.`,
    );
  }
}

/** Handles the request when it is about a managed definition (or its parents); undefined otherwise. */
export function routeManaged(ctx: ManagedRouteContext): ManagedReply | undefined {
  if (ctx.pathname.toLowerCase().startsWith(`${SYNAPSE_DATA_PLANE_PREFIX}/`)) return synapseDataPlane(ctx);
  const p = parseArmPath(ctx.pathname);
  if (!p.subscriptionId || !p.resourceGroup || !p.provider || p.types.length === 0) return undefined;
  const isCdnProfile = `${p.provider}/${p.types[0] ?? ""}`.toLowerCase() === CDN_PROFILES;
  if (!isCdnProfile && !kindForTypes(p.provider, p.types)) return undefined;
  if (!ctx.state.subscription(p.subscriptionId))
    throw notFound("SubscriptionNotFound", `The subscription '${p.subscriptionId}' could not be found.`);
  if (!ctx.state.resourceGroupExists(p.subscriptionId, p.resourceGroup))
    throw notFound("ResourceGroupNotFound", `Resource group '${p.resourceGroup}' could not be found.`);
  const version = ctx.url.searchParams.get("api-version");
  if (isCdnProfile && p.types.length === 1) {
    // The profile itself (the owner): not a private link target, so not in the catalog.
    const kind = kindByService("frontDoor");
    checkVersion(kind, version, "Microsoft.Cdn/profiles");
    if (p.names.length === 0) return list(ctx, p, kind, undefined);
    if (ctx.method !== "GET") throw methodNotAllowed(ctx.method, p.path, MANAGED_METHODS);
    return { status: 200, body: requireDoc(ctx.state, p) };
  }
  const found = kindForTypes(p.provider, p.types);
  if (!found) return undefined;
  const { kind, depth } = found;
  if (kind.service === "synapse") {
    throw badRequest(
      "InvalidResourceType",
      `Synapse managed private endpoints are not ARM resources: they are served on the workspace's data plane ` +
        `(https://{workspace}.dev.azuresynapse.net/managedVirtualNetworks/default/managedPrivateEndpoints; here ${SYNAPSE_DATA_PLANE_PREFIX}/{workspace}/...).`,
    );
  }
  checkVersion(kind, version, kind.definitionType);
  requireDoc(ctx.state, parseArmPath(normalizePath(ctx.pathname).split("/").slice(0, 9).join("/")));
  const isLeaf = depth === kind.chain.length;
  if (p.names.length < p.types.length) return list(ctx, p, kind, isLeaf ? kind : undefined);
  // An intermediate resource (origin group, managed virtual network): stored as given.
  if (!isLeaf) return plainResource(ctx, p);
  return definition(ctx, kind, p.path);
}

function requireDoc(state: EmulatorState, p: ArmPath): Doc {
  const doc = state.get(p.path);
  if (doc) return doc;
  throw notFound(
    "ResourceNotFound",
    `The Resource '${fullType(p)}/${p.names.join("/")}' under resource group '${p.resourceGroup ?? ""}' was not found.`,
  );
}

function requireParent(state: EmulatorState, path: string): void {
  const parent = parentPath(path);
  if (!state.has(parent)) {
    throw notFound(
      "ParentResourceNotFound",
      `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`,
    );
  }
}

function parseBody(rawBody: string): Doc {
  const v = parseJson(rawBody);
  if (!isObject(v)) throw badRequest("InvalidRequestContent", "The request body must be a JSON object.");
  return v;
}

function list(
  ctx: ManagedRouteContext,
  p: ArmPath,
  kind: ManagedKind,
  leaf: ManagedKind | undefined,
): ManagedReply {
  if (ctx.method !== "GET") throw methodNotAllowed(ctx.method, p.path, MANAGED_METHODS);
  let items: Doc[];
  if (p.types.length === 1)
    items = ctx.state
      .listBySubscription(p.subscriptionId ?? "", CDN_PROFILES)
      .filter(
        (d) =>
          typeof d["id"] === "string" &&
          parseArmPath(d["id"]).resourceGroup?.toLowerCase() === p.resourceGroup?.toLowerCase(),
      );
  else {
    const segs = normalizePath(p.path).split("/");
    if (!ctx.state.has(segs.slice(0, -1).join("/")))
      requireDoc(ctx.state, parseArmPath(segs.slice(0, -1).join("/")));
    items = ctx.state.listCollection(p.path);
  }
  if (leaf) items = items.map((d) => decorate(ctx.state, leaf, d));
  void kind;
  return page(ctx, p.path, items);
}

function page(ctx: ManagedRouteContext, path: string, items: Doc[]): ManagedReply {
  return { status: 200, body: pageOf(items, { ...ctx, path }) };
}

function plainResource(ctx: ManagedRouteContext, p: ArmPath): ManagedReply {
  switch (ctx.method) {
    case "GET":
      return { status: 200, body: requireDoc(ctx.state, p) };
    case "PUT": {
      requireParent(ctx.state, p.path);
      const body = parseBody(ctx.rawBody);
      const existed = ctx.state.has(p.path);
      const doc: Doc = {
        id: p.path,
        name: p.names.at(-1) ?? "",
        type: fullType(p),
        properties: {
          ...(isObject(body["properties"]) ? body["properties"] : {}),
          provisioningState: "Succeeded",
        },
      };
      ctx.state.add(doc);
      return { status: existed ? 200 : 201, body: doc };
    }
    case "DELETE":
      if (!ctx.state.remove(p.path)) return { status: 204 };
      return { status: 200 };
    default:
      throw methodNotAllowed(ctx.method, p.path, MANAGED_METHODS);
  }
}

/** The definition as its service shows it: its connection's state mirrored into the service's status field. */
export function decorate(state: EmulatorState, kind: ManagedKind, doc: Doc): Doc {
  const id = typeof doc["id"] === "string" ? doc["id"] : "";
  const req = requestOf(kind, doc);
  const props = isObject(doc["properties"]) ? { ...doc["properties"] } : {};
  const conn = req ? findConnection(state, req.targetId, managedEndpointId(kind, id, req)) : undefined;
  // No connection yet (target unknown to the emulator): the service reports the request as pending.
  const status = req ? (statusOf(conn) ?? "Pending") : undefined;
  if (status) {
    if (kind.service === "frontDoor" && isObject(props["sharedPrivateLinkResource"]))
      props["sharedPrivateLinkResource"] = { ...props["sharedPrivateLinkResource"], status };
    else if (kind.service === "search") props["status"] = status;
    else if (kind.service === "dataFactory" || kind.service === "synapse")
      props["connectionState"] = { status, description: "", actionsRequired: "None" };
  }
  return { ...doc, properties: props };
}

function validate(kind: ManagedKind, props: Doc, where: string): void {
  const unknown = Object.keys(props).filter((k) => !kind.writable.includes(k) && k !== "provisioningState");
  if (unknown.length > 0) {
    throw badRequest(
      "InvalidRequestContent",
      `${where}: properties ${unknown.map((k) => `'${k}'`).join(", ")} are not in the published shape of ${kind.definitionType} ` +
        `(writable: ${kind.writable.join(", ")}).`,
    );
  }
  const need = (ok: boolean, field: string): void => {
    if (!ok)
      throw badRequest("InvalidRequestContent", `${where}: properties.${field} is required (a string).`);
  };
  const s = (v: unknown): boolean => typeof v === "string" && v.trim() !== "";
  if (kind.service === "frontDoor") {
    need(s(props["hostName"]), "hostName");
    const spl = props["sharedPrivateLinkResource"];
    if (spl !== undefined && spl !== null) {
      if (!isObject(spl))
        throw badRequest(
          "InvalidRequestContent",
          `${where}: properties.sharedPrivateLinkResource must be an object.`,
        );
      const link = spl["privateLink"];
      need(isObject(link) && s(link["id"]), "sharedPrivateLinkResource.privateLink.id");
      need(s(spl["privateLinkLocation"]), "sharedPrivateLinkResource.privateLinkLocation");
      const extra = Object.keys(spl).filter(
        (k) => !["privateLink", "privateLinkLocation", "groupId", "requestMessage", "status"].includes(k),
      );
      if (extra.length > 0)
        throw badRequest(
          "InvalidRequestContent",
          `${where}: sharedPrivateLinkResource has unknown properties ${extra.join(", ")}.`,
        );
    }
    return;
  }
  need(s(props["privateLinkResourceId"]), "privateLinkResourceId");
  need(s(props["groupId"]), "groupId");
  if (
    props["fqdns"] !== undefined &&
    !(Array.isArray(props["fqdns"]) && props["fqdns"].every((f) => typeof f === "string"))
  )
    throw badRequest("InvalidRequestContent", `${where}: properties.fqdns must be an array of strings.`);
}

/** GET/PUT/DELETE of one definition stored at `id` (ARM ID; Synapse's is its ARM-shaped ID too). */
function definition(
  ctx: ManagedRouteContext,
  kind: ManagedKind,
  id: string,
  dataPlaneName?: string,
): ManagedReply {
  const state = ctx.state;
  const p = parseArmPath(id);
  switch (ctx.method) {
    case "GET": {
      const doc = state.get(id);
      if (!doc) {
        if (dataPlaneName !== undefined)
          throw notFound("NotFound", `Managed private endpoint '${dataPlaneName}' was not found.`);
        requireParent(state, id);
        requireDoc(state, p);
      }
      return { status: 200, body: decorate(state, kind, doc ?? {}) };
    }
    case "PUT": {
      requireParent(state, id);
      const body = parseBody(ctx.rawBody);
      const props = body["properties"];
      if (!isObject(props))
        throw badRequest("InvalidRequestContent", `${id}: the body must carry "properties".`);
      validate(kind, props, id);
      const before = state.get(id);
      const stored: Doc = {
        id,
        name: p.names.at(-1) ?? "",
        type: kind.definitionType,
        properties: { ...props, provisioningState: "Succeeded" },
      };
      if (kind.service !== "synapse") stored["etag"] = `"${Date.now().toString(16)}"`;
      if (before) {
        const oldReq = requestOf(kind, before);
        const newReq = requestOf(kind, stored);
        const oldPe = oldReq ? managedEndpointId(kind, id, oldReq) : undefined;
        const newPe = newReq ? managedEndpointId(kind, id, newReq) : undefined;
        if (oldPe && (!newPe || keyOf(oldPe) !== keyOf(newPe)))
          removeManagedConnection(state, kind, id, before);
      }
      state.add(stored);
      const req = requestOf(kind, stored);
      if (req) createManagedConnection(state, managedEndpointId(kind, id, req), req);
      return { status: before ? 200 : 201, body: decorate(state, kind, stored) };
    }
    case "DELETE": {
      const doc = state.get(id);
      if (!doc) return { status: 204 };
      removeManagedConnection(state, kind, id, doc);
      state.remove(id);
      return { status: 200 };
    }
    default:
      throw methodNotAllowed(ctx.method, id, MANAGED_METHODS);
  }
}

function synapseDataPlane(ctx: ManagedRouteContext): ManagedReply {
  const kind = kindByService("synapse");
  // /synapse-dev/{workspace}/managedVirtualNetworks/{vnet}/managedPrivateEndpoints[/{name}]
  const segs = normalizePath(ctx.pathname).split("/").slice(2);
  const [workspace, mvn, vnet, mpes, name, ...rest] = segs;
  if (
    !workspace ||
    (mvn ?? "").toLowerCase() !== "managedvirtualnetworks" ||
    !vnet ||
    (mpes ?? "").toLowerCase() !== "managedprivateendpoints" ||
    rest.length > 0
  ) {
    throw notFound(
      "NotFound",
      `The emulated Synapse data plane serves ${SYNAPSE_DATA_PLANE_PREFIX}/{workspace}/managedVirtualNetworks/default/managedPrivateEndpoints[/{name}] only, not '${ctx.pathname}'.`,
    );
  }
  checkVersion(
    kind,
    ctx.url.searchParams.get("api-version"),
    "Synapse managed private endpoints (data plane)",
  );
  const ws = ctx.state.topLevel().find((r) => {
    const p = parseArmPath(r.path);
    return (
      `${p.provider}/${p.types[0] ?? ""}`.toLowerCase() === kind.ownerType &&
      (p.names[0] ?? "").toLowerCase() === workspace.toLowerCase()
    );
  });
  if (!ws) throw notFound("WorkspaceNotFound", `Synapse workspace '${workspace}' was not found.`);
  if (vnet.toLowerCase() !== "default")
    throw notFound(
      "NotFound",
      `Managed virtual network '${vnet}' was not found: a Synapse workspace has one, 'default'.`,
    );
  const vnetId = `${normalizePath(typeof ws.doc["id"] === "string" ? ws.doc["id"] : ws.path)}/managedVirtualNetworks/default`;
  if (!ctx.state.has(vnetId))
    ctx.state.add({
      id: vnetId,
      name: "default",
      type: "Microsoft.Synapse/workspaces/managedVirtualNetworks",
      properties: {},
    });
  const collection = `${vnetId}/managedPrivateEndpoints`;
  if (!name) {
    if (ctx.method !== "GET") throw methodNotAllowed(ctx.method, ctx.pathname, MANAGED_METHODS);
    const items = ctx.state.listCollection(collection).map((d) => decorate(ctx.state, kind, d));
    return page(ctx, ctx.pathname, items);
  }
  return definition(ctx, kind, `${collection}/${name}`, name);
}
