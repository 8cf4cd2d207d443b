/**
 * How each private link target type's provider lists, spells and accepts its private endpoint connections,
 * at the api-version in apiVersions.ts (read from the same specs as the emulator's profiles; a test keeps the
 * two in agreement, but neither imports the other). Readers use `listing` and the field names; writers use
 * `connectionStateBody` and `writeMethod`, so that nothing is sent that the provider's schema does not accept
 * (Sql servers and managed instances, Cosmos DB, Batch, App Configuration, Kusto, Synapse, Automation and Arc
 * private link scopes mark the actions field read-only; Service Bus, Event Hubs, Relay and AKS have none;
 * Storage, Key Vault 2019-09-01 and Recovery Services spell it `actionRequired`).
 */

export type ConnectionListing =
  /** `GET {parent}/privateEndpointConnections` answers `{"value":[...],"nextLink"?}`. */
  | "pageable"
  /** The list answers a bare JSON array (IoT Hub 2020-03-01). */
  | "array"
  /** No list operation at this api-version: connections are read from the parent's embedded array. */
  | "embedded-only";

export interface ConnectionShape {
  readonly listing: ConnectionListing;
  /** The method of the owner's approve/reject (Batch: PATCH). */
  readonly writeMethod: "PUT" | "PATCH";
  /** The "actions required" field of `privateLinkServiceConnectionState`; undefined when the schema has none. */
  readonly actionsField?: "actionsRequired" | "actionRequired";
  /** The spec marks the actions field read-only: a writer must not send it. */
  readonly actionsReadOnly: boolean;
  /** Where the type's connections carry their group ids; undefined when they carry none. */
  readonly groupIdField?: "groupIds" | "groupId";
  /**
   * False when the connection schema at this api-version has no `etag` (it derives from a ProxyResource of
   * id, name, type and at most location and systemData): neither a list item nor a GET carries one.
   * Undefined: the spec gives one, or it was not checked; readers then treat an etag as possible.
   */
  readonly etag?: false;
}

const standard: ConnectionShape = {
  listing: "pageable",
  writeMethod: "PUT",
  actionsField: "actionsRequired",
  actionsReadOnly: false,
};
const readOnlyActions: ConnectionShape = { ...standard, actionsReadOnly: true };
const noActions: ConnectionShape = { ...standard, actionsField: undefined };
const groupIds = (s: ConnectionShape): ConnectionShape => ({ ...s, groupIdField: "groupIds" });
const embedded = (s: ConnectionShape): ConnectionShape => ({ ...s, listing: "embedded-only" });
const noEtag = (s: ConnectionShape): ConnectionShape => ({ ...s, etag: false });

/** Lower-case `Namespace/type` → shape. Every type in PRIVATE_LINK_TARGET_API_VERSIONS, and the PLS. */
const SHAPES: Readonly<Record<string, ConnectionShape>> = {
  "microsoft.network/privatelinkservices": standard,
  "microsoft.apimanagement/service": standard,
  "microsoft.app/managedenvironments": groupIds(standard),
  "microsoft.appconfiguration/configurationstores": readOnlyActions,
  "microsoft.attestation/attestationproviders": standard,
  "microsoft.automation/automationaccounts": readOnlyActions,
  "microsoft.batch/batchaccounts": { ...groupIds(readOnlyActions), writeMethod: "PATCH" },
  "microsoft.botservice/botservices": groupIds(standard),
  "microsoft.cache/redis": standard,
  "microsoft.cache/redisenterprise": standard,
  "microsoft.cognitiveservices/accounts": groupIds(standard),
  "microsoft.compute/diskaccesses": standard,
  "microsoft.containerregistry/registries": standard,
  "microsoft.containerservice/managedclusters": noActions,
  "microsoft.dashboard/grafana": groupIds(standard),
  "microsoft.databricks/workspaces": groupIds(standard),
  "microsoft.datafactory/factories": standard,
  "microsoft.dbformysql/flexibleservers": standard,
  "microsoft.dbforpostgresql/flexibleservers": groupIds(standard),
  "microsoft.dbforpostgresql/servergroupsv2": groupIds(standard),
  "microsoft.desktopvirtualization/hostpools": standard,
  "microsoft.desktopvirtualization/workspaces": standard,
  "microsoft.devices/iothubs": { ...standard, listing: "array" },
  "microsoft.devices/provisioningservices": { ...standard, listing: "array" },
  "microsoft.deviceupdate/accounts": groupIds(standard),
  "microsoft.digitaltwins/digitaltwinsinstances": groupIds(standard),
  "microsoft.documentdb/databaseaccounts": noEtag({ ...readOnlyActions, groupIdField: "groupId" }),
  "microsoft.documentdb/mongoclusters": groupIds(standard),
  "microsoft.elasticsan/elasticsans": groupIds(standard),
  "microsoft.eventgrid/domains": groupIds(standard),
  "microsoft.eventgrid/partnernamespaces": groupIds(standard),
  "microsoft.eventgrid/topics": groupIds(standard),
  "microsoft.eventhub/namespaces": noEtag(noActions),
  "microsoft.hdinsight/clusters": standard,
  "microsoft.healthcareapis/services": standard,
  "microsoft.healthcareapis/workspaces": standard,
  "microsoft.hybridcompute/privatelinkscopes": groupIds(readOnlyActions),
  "microsoft.keyvault/managedhsms": standard,
  "microsoft.keyvault/vaults": noEtag(embedded({ ...standard, actionsField: "actionRequired" })),
  "microsoft.kusto/clusters": { ...readOnlyActions, groupIdField: "groupId" },
  "microsoft.machinelearningservices/workspaces": embedded(standard),
  "microsoft.network/applicationgateways": standard,
  "microsoft.powerbi/privatelinkservicesforpowerbi": embedded(standard),
  "microsoft.purview/accounts": standard,
  "microsoft.recoveryservices/vaults": embedded({ ...standard, actionsField: "actionRequired" }),
  "microsoft.relay/namespaces": noEtag(noActions),
  "microsoft.search/searchservices": standard,
  "microsoft.servicebus/namespaces": noEtag(noActions),
  "microsoft.signalrservice/signalr": embedded(standard),
  "microsoft.signalrservice/webpubsub": groupIds(standard),
  "microsoft.sql/managedinstances": readOnlyActions,
  "microsoft.sql/servers": noEtag(groupIds(readOnlyActions)),
  "microsoft.storage/storageaccounts": { ...standard, actionsField: "actionRequired" },
  "microsoft.storagesync/storagesyncservices": standard,
  "microsoft.synapse/workspaces": readOnlyActions,
  "microsoft.web/hostingenvironments": standard,
  "microsoft.web/sites": embedded(standard),
  "microsoft.web/staticsites": standard,
};

/** Every type with a known shape (lower case). */
export const SHAPED_TYPES: readonly string[] = Object.keys(SHAPES);

/** The shape of a type (any casing); an unknown type gets the common shape (list, PUT, writable actionsRequired). */
export function connectionShapeFor(resourceType: string): ConnectionShape {
  return SHAPES[resourceType.toLowerCase()] ?? standard;
}

/**
 * The body of the owner's approve/reject for a type: only fields its schema accepts. The actions field is
 * sent as "None" where it exists and is writable, under the provider's spelling.
 */
export function connectionStateBody(
  resourceType: string,
  status: "Approved" | "Rejected",
  description: string,
): { properties: { privateLinkServiceConnectionState: Record<string, string> } } {
  const shape = connectionShapeFor(resourceType);
  const state: Record<string, string> = { status, description };
  if (shape.actionsField && !shape.actionsReadOnly) state[shape.actionsField] = "None";
  return { properties: { privateLinkServiceConnectionState: state } };
}
