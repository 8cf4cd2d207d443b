/**
 * ARM access for approval: implements the ArmReader and ConnectionWriter ports
 * (tenant discovery lives in tenantResolver.ts).
 * - Private Link Services go through the real `@azure/arm-network` client (`privateLinkServices.*`).
 * - Every other private link target goes through the generic client with the api-version from
 *   apiVersions.ts, since arm-network has no "any provider's connection" call.
 * SDK errors become ArmError, so core can tell transient from terminal failures.
 */
import type { PrivateEndpointConnection as SdkConnection } from "@azure/arm-network";
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
    const p = parseResourceId(id);
    if (isPls(p) && p.types.length === 1) {
      const pls = await this.pls(p, async (c) =>
        c.privateLinkServices.get(p.resourceGroup, resourceName(p), options),
      );
      return pls ? targetFromArm(pls as unknown as Json, p.id, PRIVATE_LINK_SERVICE_TYPE) : undefined;
    }
    const type = resourceType(p);
    const version = PRIVATE_LINK_TARGET_API_VERSIONS[type.toLowerCase()];
    if (!version) throw new UnsupportedResourceTypeError(type);
    const body = await this.ctx.generic.get(p.id, version, options);
    return body ? targetFromArm(body, p.id, type) : undefined;
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
    if (isPls(p)) {
      const client = this.ctx.network(p.subscriptionId);
      try {
        for await (const c of client.privateLinkServices.listPrivateEndpointConnections(
          p.resourceGroup,
          resourceName(p),
          options,
        )) {
          yield connectionFromArm(c as unknown as Json, p.id);
        }
      } catch (e) {
        const err = toArmError(e, p.id);
        if (err.notFound && !(await this.getTarget(p.id, options))) return;
        throw err.notFound ? listNotFound(err, p.id) : err;
      }
      return;
    }
    const type = resourceType(p);
    const version = PRIVATE_LINK_TARGET_API_VERSIONS[type.toLowerCase()];
    if (!version) throw new UnsupportedResourceTypeError(type);
    const shape = connectionShapeFor(type);
    if (shape.listing === "embedded-only") {
      const parent = await this.ctx.generic.get(p.id, version, options);
      if (!parent) return;
      const props = isRecord(parent["properties"]) ? parent["properties"] : {};
      const list = props["privateEndpointConnections"];
      if (list === undefined || list === null) return;
      if (!Array.isArray(list))
        throw new ArmError(
          `${p.id}: properties.privateEndpointConnections is not an array; cannot read its connections`,
          502,
          "UnexpectedResponseShape",
          p.id,
        );
      for (const [i, c] of list.entries()) {
        if (!isRecord(c) || (!str(c["id"]) && !str(c["name"])))
          throw new ArmError(
            `${p.id}: properties.privateEndpointConnections[${i}] has no id or name; cannot address it`,
            502,
            "UnexpectedResponseShape",
            p.id,
          );
        yield connectionFromArm(c, p.id);
      }
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
    if (isPls(parent)) {
      const c = await this.pls(parent, async (client) =>
        client.privateLinkServices.getPrivateEndpointConnection(
          parent.resourceGroup,
          resourceName(parent),
          split.name,
          options,
        ),
      );
      return c ? connectionFromArm(c as unknown as Json, parent.id) : undefined;
    }
    const body = await this.ctx.generic.get(connectionId, apiVersionFor(resourceType(parent)), options);
    return body ? connectionFromArm(body, parent.id) : undefined;
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
    const state = { status, description, actionsRequired: "None" };
    if (isPls(parent)) {
      const client = this.ctx.network(parent.subscriptionId);
      const body: SdkConnection = { name: split.name, privateLinkServiceConnectionState: state };
      try {
        const updated = await client.privateLinkServices.updatePrivateEndpointConnection(
          parent.resourceGroup,
          resourceName(parent),
          split.name,
          body,
          {
            abortSignal: options.abortSignal,
            requestOptions: options.etag ? { headers: { "If-Match": options.etag } } : undefined,
          },
        );
        // Network's connection PUT is synchronous (DESIGN.md): its answer is the state ARM shows.
        return connectionFromArm(updated as unknown as Json, parent.id);
      } catch (e) {
        throw toArmError(e, connection.id);
      }
    }
    // The generic client follows the provider's write contract to its end and re-reads the connection.
    // Method and body per the provider's spec (connectionShapes.ts): Batch PATCHes, read-only fields unsent.
    const type = resourceType(parent);
    const write = connectionShapeFor(type).writeMethod === "PATCH" ? "patch" : "put";
    const updated: ArmBody = await this.ctx.generic[write](
      connection.id,
      apiVersionFor(type),
      connectionStateBody(type, status, description),
      { abortSignal: options.abortSignal, etag: options.etag },
    );
    // Returned as ARM shows it: reconcile counts the write only when the status is the one it wrote, and
    // restarts from a fresh read otherwise (someone else's write landed), never writing on top of it.
    return connectionFromArm(updated, parent.id);
  }

  /** Runs an arm-network call; a 404 becomes undefined, every other failure an ArmError. */
  private async pls<T>(
    p: ParsedResourceId,
    call: (client: ReturnType<ArmContext["network"]>) => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call(this.ctx.network(p.subscriptionId));
    } catch (e) {
      const err = toArmError(e, p.id);
      if (err.notFound) return undefined;
      throw err;
    }
  }
}
