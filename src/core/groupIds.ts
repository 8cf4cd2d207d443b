/**
 * Where each private link target type exposes the group ids a connection asks for. Providers differ: some
 * put `groupIds` on the connection, some have exactly one private link resource (so every connection asks
 * for it) and put nothing on the connection, a Private Link Service has no group ids at all. This table is
 * the one place that knowledge lives; the facts builder fills `target.groupIds` from it and `policy
 * validate` warns from it. Each entry names the spec it was read from (paths below Azure/azure-rest-api-specs'
 * `specification/`; copies under ../shared/reference). A type not listed is unknown: its connections'
 * `groupIds` are used when present and the fact is unknown otherwise.
 */
import { sameType } from "./resourceId";

export type GroupIdSource =
  /** The connection carries the group ids (`field` names the property). */
  | { readonly kind: "connection"; readonly field: string; readonly spec: string }
  /** The connection carries none, and the type has exactly one private link resource: this one. */
  | { readonly kind: "single"; readonly groupId: string; readonly spec: string }
  /** The connection carries none and the type's group ids are not established: always unknown. */
  | { readonly kind: "absent"; readonly spec: string }
  /** The type has no group ids at all. */
  | { readonly kind: "none"; readonly spec: string };

const SOURCES: Readonly<Record<string, GroupIdSource>> = {
  // A private endpoint reaches a PLS by ID or alias with no group id; the PLS connection's properties are
  // privateEndpoint, privateLinkServiceConnectionState, provisioningState, linkIdentifier,
  // privateEndpointLocation.
  "microsoft.network/privatelinkservices": {
    kind: "none",
    spec: "network/resource-manager/Microsoft.Network/stable/2026-01-01/privateLinkService.json#/definitions/PrivateEndpointConnectionProperties",
  },
  // Relay connections carry no groupIds; the namespace's one private link resource is `namespace`.
  "microsoft.relay/namespaces": {
    kind: "single",
    groupId: "namespace",
    spec: "relay/resource-manager/Microsoft.Relay/Relay/stable/2021-11-01/examples/PrivateEndpointConnections/PrivateLinkResourcesList.json (groupId, requiredMembers: namespace)",
  },
  "microsoft.sql/servers": {
    kind: "connection",
    field: "groupIds",
    spec: "sql/resource-manager/Microsoft.Sql/stable/2021-11-01/PrivateEndpointConnections.json#/definitions/PrivateEndpointConnectionProperties",
  },
  // Singular `groupId` on the connection.
  "microsoft.documentdb/databaseaccounts": {
    kind: "connection",
    field: "groupId",
    spec: "cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2023-04-15/privateEndpointConnection.json#/definitions/PrivateEndpointConnectionProperties",
  },
  // The write example's answer carries `groupIds: ["postgresqlServer"]` (common-types v5 connection).
  "microsoft.dbforpostgresql/flexibleservers": {
    kind: "connection",
    field: "groupIds",
    spec: "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2024-08-01/examples/PrivateEndpointConnectionUpdate.json",
  },
  "microsoft.servicebus/namespaces": {
    kind: "absent",
    spec: "servicebus/resource-manager/Microsoft.ServiceBus/stable/2021-11-01/namespace-preview.json#/definitions/PrivateEndpointConnectionProperties",
  },
  "microsoft.eventhub/namespaces": {
    kind: "absent",
    spec: "eventhub/resource-manager/Microsoft.EventHub/stable/2021-11-01/namespaces-preview.json#/definitions/PrivateEndpointConnectionProperties",
  },
  "microsoft.keyvault/vaults": {
    kind: "absent",
    spec: "keyvault/resource-manager/Microsoft.KeyVault/stable/2019-09-01/keyvault.json#/definitions/PrivateEndpointConnectionProperties",
  },
};

/** Every type the table knows, in its canonical casing (for matching type globs). */
export const GROUP_ID_TYPES: readonly string[] = [
  "Microsoft.Network/privateLinkServices",
  "Microsoft.Relay/namespaces",
  "Microsoft.Sql/servers",
  "Microsoft.DocumentDB/databaseAccounts",
  "Microsoft.DBforPostgreSQL/flexibleServers",
  "Microsoft.ServiceBus/namespaces",
  "Microsoft.EventHub/namespaces",
  "Microsoft.KeyVault/vaults",
];

/** Where `type` exposes group ids; undefined for a type the table does not know. */
export function groupIdSource(type: string | undefined): GroupIdSource | undefined {
  if (!type) return undefined;
  const hit = GROUP_ID_TYPES.find((t) => sameType(t, type));
  return hit ? SOURCES[hit.toLowerCase()] : undefined;
}

/**
 * The group ids a connection to a target of `type` asks for: the connection's own when it carries any, the
 * type's single group id when the type has exactly one, otherwise `fallback` when it names exactly one
 * group (a target exposing one group id can only be asked for that one), otherwise unknown.
 */
export function resolveGroupIds(
  type: string | undefined,
  fromConnection: readonly string[] | undefined,
  fallback?: readonly string[],
): readonly string[] | undefined {
  if (fromConnection && fromConnection.length > 0) return fromConnection;
  const source = groupIdSource(type);
  if (source?.kind === "single") return [source.groupId];
  if (source?.kind === "none") return undefined;
  if (fallback && fallback.length === 1) return fallback;
  return undefined;
}
