/**
 * ARM access for approval: implements the ArmReader and ConnectionWriter ports
 * (tenant discovery lives in tenantResolver.ts).
 * Every private link target, Private Link Services included, goes through the generic client (the SDK
 * pipeline, linkgate's retry policy, If-Match, writes followed to their end with @azure/core-lro): PaaS
 * targets with the api-version from apiVersions.ts, a PLS with Network's PLS_API_VERSION. `@azure/arm-network`
 * is not loaded on the approval path (cold start: docs/performance.md); it offered nothing more for these
 * four calls than the PLS spec's paths and shapes, which the generic client sends as they are.
 * Errors become ArmError, so core can tell transient from terminal failures.
 */
import { ArmError } from "../../core/errors";
import {
  toConnectionStatus,
  type ConnectionStatus,
  type PrivateEndpointConnection,
  type TargetResource,
} from "../../core/model";
import {
  connectionIdOf,
  parseResourceId,
  resourceName,
  resourceType,
  splitConnectionId,
  type ParsedResourceId,
} from "../../core/resourceId";
import type { ArmReader, ConnectionWriter, OperationOptions, SetConnectionStateOptions } from "../../ports";
import {
  PRIVATE_LINK_SERVICE_TYPE,
  PRIVATE_LINK_TARGET_API_VERSIONS,
  UnsupportedResourceTypeError,
  apiVersionFor,
} from "./apiVersions";
import { connectionShapeFor, connectionStateBody } from "./connectionShapes";
import type { ArmContext } from "./context";
import { toArmError, type ArmBody } from "./genericClient";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function tagsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/**
 * Network's api-version for Private Link Services and their connections: the one @azure/arm-network 39
 * hard-codes (its 2026-01-01 spec carries `accessMode`, which checks read), so the target and connection
 * bodies keep the shape they had when that client read them. The connection PUT is synchronous (200 with
 * the connection, etag-guarded by If-Match).
 */
export const PLS_API_VERSION = "2026-01-01";

/** The api-version of a private link target type (a PLS: Network's; any other: apiVersions.ts). */
function targetVersion(type: string): string {
  if (type.toLowerCase() === PRIVATE_LINK_SERVICE_TYPE.toLowerCase()) return PLS_API_VERSION;
  const version = PRIVATE_LINK_TARGET_API_VERSIONS[type.toLowerCase()];
  if (!version) throw new UnsupportedResourceTypeError(type);
  return version;
}

function isPls(p: ParsedResourceId): boolean {
  return (
    p.types.length >= 1 &&
    `${p.provider}/${p.types[0]}`.toLowerCase() === PRIVATE_LINK_SERVICE_TYPE.toLowerCase()
  );
}

/** Top-level type of an ID (`Microsoft.Relay/namespaces` for a namespace or anything below it). */
function topType(p: ParsedResourceId): string {
  return p.provider && p.types[0] ? `${p.provider}/${p.types[0]}` : "";
}

/** The group ids a connection carries: `groupIds` (array), or Cosmos DB's and Kusto's singular `groupId`. */
function groupIdsOf(props: Json): string[] | undefined {
  if (Array.isArray(props["groupIds"]))
    return props["groupIds"].filter((g): g is string => typeof g === "string");
  const one = str(props["groupId"]);
  return one ? [one] : undefined;
}

/**
 * Maps a private endpoint connection as ARM JSON (nested `properties`) or as the SDK's flattened model. The
 * "actions required" field is read under either spelling (Storage, Key Vault 2019-09-01 and Recovery
 * Services say `actionRequired`).
 */
export function connectionFromArm(raw: Json, targetId: string): PrivateEndpointConnection {
  const props = isRecord(raw["properties"]) ? raw["properties"] : raw;
  const state = isRecord(props["privateLinkServiceConnectionState"])
    ? props["privateLinkServiceConnectionState"]
    : {};
  const pe = isRecord(props["privateEndpoint"]) ? props["privateEndpoint"] : {};
  const rawStatus = str(state["status"]);
  const id = str(raw["id"]) ?? connectionIdOf(targetId, str(raw["name"]) ?? "");
  const groupIds = groupIdsOf(props);
  return {
    id,
    name: str(raw["name"]) ?? resourceName(parseResourceId(id)),
    targetId,
    privateEndpointId: str(pe["id"]),
    status: toConnectionStatus(rawStatus),
    rawStatus,
    description: str(state["description"]),
    actionsRequired: str(state["actionsRequired"]) ?? str(state["actionRequired"]),
    provisioningState: str(props["provisioningState"]),
    privateEndpointLocation: str(props["privateEndpointLocation"]),
    linkIdentifier: str(props["linkIdentifier"]),
    groupIds,
    etag: str(raw["etag"]),
  };
}

function targetFromArm(raw: Json, id: string, type: string): TargetResource {
  const p = parseResourceId(str(raw["id"]) ?? id);
  const props = isRecord(raw["properties"]) ? raw["properties"] : raw;
  return {
    id: p.id,
    type: str(raw["type"]) ?? type,
    name: str(raw["name"]) ?? resourceName(p),
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    location: str(raw["location"]),
    tags: tagsOf(raw["tags"]),
    alias: str(props["alias"]),
    raw,
  };
}

/** The api-version of a connection's calls: Network's for a PLS, the provider's (apiVersions.ts) otherwise. */
function connectionVersion(parent: ParsedResourceId): string {
  return isPls(parent) ? PLS_API_VERSION : apiVersionFor(resourceType(parent));
}

/**
 * The connections a parent's body embeds (`properties.privateEndpointConnections`), for types whose spec has
 * no list: an absent array is none; anything that is not an array, or an item without id or name, is an error.
 */
function* embeddedConnections(parent: Json, parentId: string): Iterable<PrivateEndpointConnection> {
  const props = isRecord(parent["properties"]) ? parent["properties"] : {};
  const list = props["privateEndpointConnections"];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list))
    throw new ArmError(
      `${parentId}: properties.privateEndpointConnections is not an array; cannot read its connections`,
      502,
      "UnexpectedResponseShape",
      parentId,
    );
  for (const [i, c] of list.entries()) {
    if (!isRecord(c) || (!str(c["id"]) && !str(c["name"])))
      throw new ArmError(
        `${parentId}: properties.privateEndpointConnections[${i}] has no id or name; cannot address it`,
        502,
        "UnexpectedResponseShape",
        parentId,
      );
    yield connectionFromArm(c, parentId);
  }
}

/** A list that 404s under a target that exists: never "no connections", always an error saying what to check. */
function listNotFound(err: ArmError, targetId: string): ArmError {
  return new ArmError(
    `${targetId}: listing its private endpoint connections answered 404 although the resource exists ` +
      `(${err.message}). The provider may have no list operation at this api-version: check ` +
      `src/adapters/arm/connectionShapes.ts against its spec.`,
    404,
    err.code ?? "NotFound",
    targetId,
  );
}

/** The ports approval needs, over one ArmContext (Azure or the emulator). */
export class ArmApprovalAdapter implements ArmReader, ConnectionWriter {
  constructor(private readonly ctx: ArmContext) {}

  async getResource(
    id: string,
    options: OperationOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    const p = parseResourceId(id);
    return this.ctx.generic.get(p.id, apiVersionFor(topType(p) || "subscriptions"), options);
  }

  async getTarget(id: string, options: OperationOptions = {}): Promise<TargetResource | undefined> {
    return (await this.readTarget(id, options))?.target;
  }

  /**
   * The target, and its connections when its body embeds every one of them completely (each with an id, a
   * known status and the private endpoint's ID, and the group ids where the type's connections carry them):
   * reconcile then needs no list to choose what to decide (it still lists right before each approval). A
   * body without the array, or with an item short of any of those, answers `connections: undefined`.
   */
  async getTargetWithConnections(
    id: string,
    options: OperationOptions = {},
  ): Promise<{ target: TargetResource; connections?: PrivateEndpointConnection[] } | undefined> {
    const read = await this.readTarget(id, options);
    if (!read) return undefined;
    const { target, body, type } = read;
    const shape = connectionShapeFor(type);
    if (shape.listing === "embedded-only") {
      return { target, connections: [...embeddedConnections(body, target.id)] };
    }
    const props = isRecord(body["properties"]) ? body["properties"] : {};
    const list = props["privateEndpointConnections"];
    if (!Array.isArray(list)) return { target };
    const connections: PrivateEndpointConnection[] = [];
    for (const item of list) {
      if (!isRecord(item) || !str(item["id"])) return { target };
      const c = connectionFromArm(item, target.id);
      if (!c.status || !c.privateEndpointId) return { target };
      if (shape.groupIdField && !c.groupIds) return { target };
      connections.push(c);
    }
    return { target, connections };
  }

  private async readTarget(
    id: string,
    options: OperationOptions,
  ): Promise<{ target: TargetResource; body: Json; type: string } | undefined> {
    const p = parseResourceId(id);
    const type = isPls(p) && p.types.length === 1 ? PRIVATE_LINK_SERVICE_TYPE : resourceType(p);
    const body = await this.ctx.generic.get(p.id, targetVersion(type), options);
    return body ? { target: targetFromArm(body, p.id, type), body, type } : undefined;
  }

  /**
   * Every connection of a target, read where its provider exposes them: the list operation (`{value}` pages,
   * or IoT Hub's bare array), or — for types whose spec has no list at our api-version — the parent's
   * embedded `properties.privateEndpointConnections` (the list is never called for those). A 404 from a
   * list is only "nothing to list" when the target itself is gone; if the target exists, the 404 is raised
   * (a provider without the list would otherwise hide its connections forever).
   */
  async *listConnections(
    targetId: string,
    options: OperationOptions = {},
  ): AsyncIterable<PrivateEndpointConnection> {
    const p = parseResourceId(targetId);
    const type = isPls(p) ? PRIVATE_LINK_SERVICE_TYPE : resourceType(p);
    const version = targetVersion(type);
    const shape = connectionShapeFor(type);
    if (shape.listing === "embedded-only") {
      const parent = await this.ctx.generic.get(p.id, version, options);
      if (!parent) return;
      yield* embeddedConnections(parent, p.id);
      return;
    }
    const collection = `${p.id}/privateEndpointConnections`;
    try {
      if (shape.listing === "array") {
        // IoT Hub answers the list as a bare JSON array, unpaged.
        const body: unknown = await this.ctx.generic.get(collection, version, options);
        if (body === undefined) throw new ArmError(`${collection}: 404`, 404, "NotFound", collection);
        const items: unknown[] = Array.isArray(body)
          ? body
          : isRecord(body) && Array.isArray(body["value"])
            ? body["value"]
            : [];
        for (const c of items) if (isRecord(c)) yield connectionFromArm(c, p.id);
        return;
      }
      for await (const c of this.ctx.generic.list(collection, version, options)) {
        yield connectionFromArm(c, p.id);
      }
    } catch (e) {
      const err = e instanceof ArmError ? e : toArmError(e, collection);
      if (err.notFound && !(await this.ctx.generic.get(p.id, version, options))) return;
      throw err.notFound ? listNotFound(err, p.id) : err;
    }
  }

  async getConnection(
    connectionId: string,
    options: OperationOptions = {},
  ): Promise<PrivateEndpointConnection | undefined> {
    const split = splitConnectionId(connectionId);
    if (!split)
      throw new ArmError(
        `"${connectionId}" is not a private endpoint connection ID`,
        400,
        "InvalidResourceId",
        connectionId,
      );
    const parent = parseResourceId(split.parentId);
    const body = await this.ctx.generic.get(connectionId, connectionVersion(parent), options);
    return body ? connectionFromArm(body, parent.id) : undefined;
  }

  connectionEtagExposed(targetType: string): boolean {
    return connectionShapeFor(targetType).etag !== false;
  }

  async setConnectionState(
    connection: PrivateEndpointConnection,
    status: Extract<ConnectionStatus, "Approved" | "Rejected">,
    description: string,
    options: SetConnectionStateOptions = {},
  ): Promise<PrivateEndpointConnection> {
    const split = splitConnectionId(connection.id);
    if (!split)
      throw new ArmError(
        `"${connection.id}" is not a private endpoint connection ID`,
        400,
        "InvalidResourceId",
        connection.id,
      );
    const parent = parseResourceId(split.parentId);
    // The generic client follows the provider's write contract to its end and re-reads the connection (a
    // PLS answers its synchronous PUT with the connection, which is then taken as ARM's state). Method and
    // body per the provider's spec (connectionShapes.ts): Batch PATCHes, read-only fields unsent.
    const type = isPls(parent) ? PRIVATE_LINK_SERVICE_TYPE : resourceType(parent);
    const write = connectionShapeFor(type).writeMethod === "PATCH" ? "patch" : "put";
    const updated: ArmBody = await this.ctx.generic[write](
      connection.id,
      connectionVersion(parent),
      connectionStateBody(type, status, description),
      { abortSignal: options.abortSignal, etag: options.etag },
    );
    // Returned as ARM shows it: reconcile counts the write only when the status is the one it wrote, and
    // restarts from a fresh read otherwise (someone else's write landed), never writing on top of it.
    return connectionFromArm(updated, parent.id);
  }
}
