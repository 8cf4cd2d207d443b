/**
 * ManagedDefinitionReader over ARM (issue 13): the definitions in the owner's own estate that ask a managed
 * service to create a private endpoint.
 *
 * - Owners (Front Door profiles, data factories, Synapse workspaces, search services) are found with one
 *   Resource Graph query over the watched subscriptions (LINKGATE_SUBSCRIPTIONS, or the sweep's scope), then
 *   filtered by the policy's `managedBy` globs (core/policy/glob). Only then are definitions read, per owner:
 *   Front Door `originGroups` → `origins` (Microsoft.Cdn 2024-09-01), Data Factory `managedVirtualNetworks`
 *   → `managedPrivateEndpoints` (2018-06-01), AI Search `sharedPrivateLinkResources` (2023-11-01), Synapse's
 *   data plane `https://{workspace}.dev.azuresynapse.net/managedVirtualNetworks/default/managedPrivateEndpoints`
 *   (2020-12-01, token audience https://dev.azuresynapse.net; in emulator mode the emulator's
 *   `/synapse-dev/{workspace}` on the same host).
 * - Bounded: at most `maxOwners` matching owners and `maxDefinitions` definitions per call; past either the
 *   call throws (a terminal ArmError naming the bound), so core decides `pending` with the reason.
 * - A matching owner that cannot be read throws ArmError: an unread definition is an unknown fact, never
 *   "no corroboration". An owner gone since the query (404) has no definitions.
 */
import type { TokenCredential } from "@azure/core-auth";
import { ArmError } from "../../core/errors";
import { firstMatchingGlob } from "../../core/policy/glob";
import { normalizeResourceId, tryParseResourceId } from "../../core/resourceId";
import {
  MANAGED_SERVICES,
  type ManagedDefinitionReader,
  type ManagedEndpointDefinition,
  type ManagedOwnerGlobs,
  type ManagedService,
  type OperationOptions,
  type SweepScope,
} from "../../ports";
import { API_VERSIONS } from "../arm/apiVersions";
import { ARM_ENDPOINT } from "../arm/constants";
import type { ArmContext } from "../arm/context";
import { GenericArmClient, type ArmBody } from "../arm/genericClient";

type Json = Record<string, unknown>;

export const MANAGED_API_VERSIONS = {
  frontDoor: "2024-09-01",
  dataFactory: "2018-06-01",
  search: "2023-11-01",
  synapseDataPlane: "2020-12-01",
} as const;

/** Public cloud Synapse development endpoint suffix and its token audience. */
export const SYNAPSE_DEV_SUFFIX = ".dev.azuresynapse.net";
export const SYNAPSE_DEV_SCOPE = "https://dev.azuresynapse.net/.default";
/** The emulator's stand-in for Synapse's data plane (src/emulator/managed/routes.ts). */
export const EMULATOR_SYNAPSE_PREFIX = "/synapse-dev";

const OWNER_TYPES: Readonly<Record<ManagedService, string>> = {
  frontDoor: "microsoft.cdn/profiles",
  dataFactory: "microsoft.datafactory/factories",
  synapse: "microsoft.synapse/workspaces",
  search: "microsoft.search/searchservices",
};

/**
 * The ARM read actions the reader needs (infra's role derives from them): the owners (Resource Graph returns
 * only what the caller may read) and every level down to the definitions. Synapse's are data-plane reads,
 * granted by a Synapse RBAC role on the workspace, not by ARM actions.
 */
export const MANAGED_DEFINITION_READ_ACTIONS: readonly string[] = [
  "microsoft.cdn/profiles/read",
  "microsoft.cdn/profiles/origingroups/read",
  "microsoft.cdn/profiles/origingroups/origins/read",
  "microsoft.datafactory/factories/read",
  "microsoft.datafactory/factories/managedvirtualnetworks/read",
  "microsoft.datafactory/factories/managedvirtualnetworks/managedprivateendpoints/read",
  "microsoft.search/searchservices/read",
  "microsoft.search/searchservices/sharedprivatelinkresources/read",
  "microsoft.synapse/workspaces/read",
];

const RESOURCE_GRAPH_API_VERSION = API_VERSIONS["microsoft.resourcegraph/resources"] ?? "2022-10-01";
/** Resource Graph takes at most 1,000 subscriptions per query (DESIGN.md). */
const ARG_MAX_SUBSCRIPTIONS = 1_000;

export interface ManagedReaderOptions {
  /** Watched subscriptions; empty = every subscription the identity can read (as LINKGATE_SUBSCRIPTIONS unset). */
  subscriptions: readonly string[];
  /** Most owners matching the globs read per call. Default 50. */
  maxOwners?: number;
  /** Most definitions read per call (all owners together). Default 1,000. */
  maxDefinitions?: number;
  /** Synapse data plane credential; default the ARM context's. */
  credential?: TokenCredential;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function overLimit(what: string, limit: number, targetId: string): ArmError {
  return new ArmError(
    `${targetId}: more than ${limit} ${what} to read for managed private endpoint corroboration; ` +
      "narrow the policy's requester.managedBy globs (or LINKGATE_SUBSCRIPTIONS) so fewer owners match",
    413,
    "ManagedDefinitionsOverLimit",
    targetId,
  );
}

/** The service a definition ID belongs to, from its type chain; undefined for anything else. */
export function serviceOfDefinitionId(id: string): ManagedService | undefined {
  const p = tryParseResourceId(id);
  if (!p) return undefined;
  const type = [p.provider, ...p.types].join("/").toLowerCase();
  switch (type) {
    case "microsoft.cdn/profiles/origingroups/origins":
      return "frontDoor";
    case "microsoft.datafactory/factories/managedvirtualnetworks/managedprivateendpoints":
      return "dataFactory";
    case "microsoft.synapse/workspaces/managedvirtualnetworks/managedprivateendpoints":
      return "synapse";
    case "microsoft.search/searchservices/sharedprivatelinkresources":
      return "search";
    default:
      return undefined;
  }
}

/** The owner of a definition: the first four segments after the provider's resource group. */
function ownerOf(id: string): string {
  return id.split("/").slice(0, 9).join("/");
}

/** A definition body (as the service returns it) as linkgate's fact; undefined when it asks for no private link. */
export function toDefinition(
  service: ManagedService,
  id: string,
  body: Json,
): ManagedEndpointDefinition | undefined {
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const ownerId = ownerOf(id);
  if (service === "frontDoor") {
    const spl = props["sharedPrivateLinkResource"];
    if (!isObject(spl)) return undefined;
    const link = isObject(spl["privateLink"]) ? spl["privateLink"] : {};
    const targetId = str(link["id"]);
    if (!targetId) return undefined;
    return {
      service,
      id,
      ownerId,
      targetId,
      groupId: str(spl["groupId"]),
      location: str(spl["privateLinkLocation"]),
      requestMessage: str(spl["requestMessage"]),
      status: str(spl["status"]),
    };
  }
  const targetId = str(props["privateLinkResourceId"]);
  if (!targetId) return undefined;
  const cs = isObject(props["connectionState"]) ? props["connectionState"] : {};
  return {
    service,
    id,
    ownerId,
    targetId,
    groupId: str(props["groupId"]),
    ...(service === "search"
      ? { requestMessage: str(props["requestMessage"]), status: str(props["status"]) }
      : { status: str(cs["status"]) }),
    // No endpointNameHint: the `<factory|workspace>.<name>` endpoint name the portals show is not a published
    // contract (docs/emulator.md), and a wrong hint would exclude the owner's own definition.
  };
}

export class ArmManagedDefinitionReader implements ManagedDefinitionReader {
  private readonly maxOwners: number;
  private readonly maxDefinitions: number;
  private readonly synapseClients = new Map<string, GenericArmClient>();

  constructor(
    private readonly arm: ArmContext,
    private readonly options: ManagedReaderOptions,
  ) {
    this.maxOwners = options.maxOwners ?? 50;
    this.maxDefinitions = options.maxDefinitions ?? 1_000;
  }

  async listForTarget(
    targetId: string,
    owners: ManagedOwnerGlobs,
    options: OperationOptions = {},
  ): Promise<ManagedEndpointDefinition[]> {
    const want = normalizeResourceId(targetId);
    const all = await this.definitionsUnder(
      targetId,
      owners,
      { subscriptions: this.options.subscriptions },
      options,
    );
    return all.filter((def) => normalizeResourceId(def.targetId) === want);
  }

  async getDefinition(
    id: string,
    options: OperationOptions = {},
  ): Promise<ManagedEndpointDefinition | undefined> {
    const service = serviceOfDefinitionId(id);
    if (!service)
      throw new ArmError(`${id}: not a managed private endpoint definition ID`, 400, "InvalidResourceId", id);
    const p = tryParseResourceId(id);
    const canonical = p?.id ?? id;
    let body: ArmBody | undefined;
    if (service === "synapse") {
      const workspace = canonical.split("/")[8] ?? "";
      const name = canonical.split("/").at(-1) ?? "";
      const { client, prefix } = this.synapse(workspace, canonical);
      body = await client.get(
        `${prefix}/managedVirtualNetworks/default/managedPrivateEndpoints/${encodeURIComponent(name)}`,
        MANAGED_API_VERSIONS.synapseDataPlane,
        { abortSignal: options.abortSignal },
      );
    } else {
      body = await this.arm.generic.get(canonical, MANAGED_API_VERSIONS[service], {
        abortSignal: options.abortSignal,
      });
    }
    return body ? toDefinition(service, canonical, body) : undefined;
  }

  /**
   * Every definition in `scope` under the owners (a policy's managedBy globs), for a sweep's inventory: the
   * sweep filters them per target as a reader would (core/managed/read). Bounded like listForTarget; throws
   * when an owner cannot be read (the inventory then carries none).
   */
  async listEstate(
    scope: SweepScope,
    owners: ManagedOwnerGlobs,
    options: OperationOptions = {},
  ): Promise<ManagedEndpointDefinition[]> {
    const where = scope.managementGroup
      ? `/providers/Microsoft.Management/managementGroups/${scope.managementGroup}`
      : "the sweep scope";
    return this.definitionsUnder(where, owners, scope, options);
  }

  /**
   * Every definition under the owners matching the globs in `scope`, at most maxDefinitions read (`label`
   * names what was being read in the bound's error: a target ID or the sweep's scope).
   */
  private async definitionsUnder(
    label: string,
    owners: ManagedOwnerGlobs,
    scope: SweepScope,
    options: OperationOptions,
  ): Promise<ManagedEndpointDefinition[]> {
    const services = MANAGED_SERVICES.filter((s) => (owners[s]?.length ?? 0) > 0);
    if (services.length === 0) return [];
    const matching = await this.matchingOwners(label, services, owners, scope, options);
    const out: ManagedEndpointDefinition[] = [];
    let read = 0;
    for (const owner of matching) {
      for await (const { id, body } of this.definitionsOf(owner.service, owner.id, owner.name, options)) {
        read += 1;
        if (read > this.maxDefinitions) throw overLimit("definitions", this.maxDefinitions, label);
        const def = toDefinition(owner.service, id, body);
        if (def) out.push(def);
      }
    }
    return out;
  }

  /** One Resource Graph query for every owner type asked, filtered by the globs and bounded. */
  private async matchingOwners(
    targetId: string,
    services: readonly ManagedService[],
    owners: ManagedOwnerGlobs,
    scope: SweepScope,
    options: OperationOptions,
  ): Promise<{ service: ManagedService; id: string; name: string }[]> {
    const subs = scope.subscriptions;
    if (subs.length > ARG_MAX_SUBSCRIPTIONS)
      throw overLimit("subscriptions", ARG_MAX_SUBSCRIPTIONS, targetId);
    const query = `Resources | where type in~ (${services.map((s) => `'${OWNER_TYPES[s]}'`).join(", ")}) | project id, name, type`;
    const out: { service: ManagedService; id: string; name: string }[] = [];
    let skipToken: string | undefined;
    do {
      const body = await this.arm.generic.post(
        "/providers/Microsoft.ResourceGraph/resources",
        RESOURCE_GRAPH_API_VERSION,
        {
          ...(subs.length > 0 ? { subscriptions: [...subs] } : {}),
          ...(scope.managementGroup && subs.length === 0
            ? { managementGroups: [scope.managementGroup] }
            : {}),
          query,
          options: {
            resultFormat: "objectArray",
            $top: 1000,
            ...(skipToken ? { $skipToken: skipToken } : {}),
          },
        },
        { abortSignal: options.abortSignal },
      );
      const rows = Array.isArray(body["data"]) ? (body["data"] as unknown[]) : [];
      for (const row of rows) {
        if (!isObject(row)) continue;
        const id = str(row["id"]);
        const type = str(row["type"])?.toLowerCase();
        const service = services.find((s) => OWNER_TYPES[s] === type);
        if (!id || !service) continue;
        if (!firstMatchingGlob(owners[service] ?? [], id)) continue;
        out.push({ service, id, name: str(row["name"]) ?? id.split("/").at(-1) ?? "" });
        if (out.length > this.maxOwners)
          throw overLimit("owners matching requester.managedBy", this.maxOwners, targetId);
      }
      skipToken = str(body["$skipToken"]);
    } while (skipToken);
    return out;
  }

  /** Every definition under one owner, as `{id, body}` (an owner gone since the query has none). */
  private async *definitionsOf(
    service: ManagedService,
    ownerId: string,
    ownerName: string,
    options: OperationOptions,
  ): AsyncIterable<{ id: string; body: Json }> {
    const opts = { abortSignal: options.abortSignal };
    const list = async function* (
      client: GenericArmClient,
      path: string,
      version: string,
    ): AsyncIterable<Json> {
      try {
        for await (const item of client.list(path, version, opts)) yield item;
      } catch (e) {
        if (e instanceof ArmError && e.notFound) return;
        throw e;
      }
    };
    const g = this.arm.generic;
    switch (service) {
      case "frontDoor":
        for await (const group of list(g, `${ownerId}/originGroups`, MANAGED_API_VERSIONS.frontDoor)) {
          const gid = str(group["id"]);
          if (!gid) continue;
          for await (const o of list(g, `${gid}/origins`, MANAGED_API_VERSIONS.frontDoor)) {
            const id = str(o["id"]);
            if (id) yield { id, body: o };
          }
        }
        return;
      case "dataFactory":
        for await (const vnet of list(
          g,
          `${ownerId}/managedVirtualNetworks`,
          MANAGED_API_VERSIONS.dataFactory,
        )) {
          const vid = str(vnet["id"]);
          if (!vid) continue;
          for await (const m of list(g, `${vid}/managedPrivateEndpoints`, MANAGED_API_VERSIONS.dataFactory)) {
            const id = str(m["id"]);
            if (id) yield { id, body: m };
          }
        }
        return;
      case "search":
        for await (const s of list(g, `${ownerId}/sharedPrivateLinkResources`, MANAGED_API_VERSIONS.search)) {
          const id = str(s["id"]);
          if (id) yield { id, body: s };
        }
        return;
      case "synapse": {
        const { client, prefix } = this.synapse(ownerName, ownerId);
        const path = `${prefix}/managedVirtualNetworks/default/managedPrivateEndpoints`;
        for await (const m of list(client, path, MANAGED_API_VERSIONS.synapseDataPlane)) {
          // The data plane's ID is not relied on: the ARM-shaped ID is built from the owner and the name.
          const name = str(m["name"]);
          if (name)
            yield {
              id: `${ownerId}/managedVirtualNetworks/default/managedPrivateEndpoints/${name}`,
              body: m,
            };
        }
        return;
      }
    }
  }

  /**
   * The client and path prefix for a workspace's data plane. Public cloud only: the sovereign clouds' Synapse
   * suffixes are not modelled, so a workspace there is an unknown fact (pending), not a guess.
   */
  private synapse(workspace: string, forId: string): { client: GenericArmClient; prefix: string } {
    if (!/^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$/i.test(workspace)) {
      throw new ArmError(
        `${forId}: "${workspace.slice(0, 60)}" is not a Synapse workspace name`,
        400,
        "InvalidWorkspaceName",
        forId,
      );
    }
    if (this.arm.emulator)
      return { client: this.arm.generic, prefix: `${EMULATOR_SYNAPSE_PREFIX}/${workspace}` };
    if (new URL(this.arm.endpoint).origin !== new URL(ARM_ENDPOINT).origin) {
      throw new ArmError(
        `${forId}: Synapse managed private endpoints are read on the workspace's data plane, which linkgate reaches in the public cloud only`,
        501,
        "SynapseDataPlaneUnsupportedCloud",
        forId,
      );
    }
    const origin = `https://${workspace.toLowerCase()}${SYNAPSE_DEV_SUFFIX}`;
    let client = this.synapseClients.get(origin);
    if (!client) {
      client = new GenericArmClient(origin, this.options.credential ?? this.arm.credential, {
        retryPolicy: this.arm.retryPolicy,
        scope: SYNAPSE_DEV_SCOPE,
      });
      this.synapseClients.set(origin, client);
    }
    return { client, prefix: "" };
  }
}
