import { SHAPED_TYPES, connectionShapeFor } from "./connectionShapes";

export { connectionShapeFor, connectionStateBody, type ConnectionShape } from "./connectionShapes";

/**
 * Private link targets reached through the generic client: the parent resource is read, and its
 * `privateEndpointConnections` read and written, with this one api-version. Seeded from the Azure CLI's
 * private-endpoint-connection provider list (azure-cli, network/private_link_resource_and_endpoint_connections/
 * custom.py, `register_providers`), keeping its version where it is stable and replacing its preview
 * versions by a stable version whose spec defines the privateEndpointConnections operations (checked in
 * Azure/azure-rest-api-specs: ServiceBus/EventHub 2021-11-01, ContainerRegistry 2023-07-01, DocumentDB
 * 2023-04-15 privateEndpointConnection.json, Sql 2021-11-01 PrivateEndpointConnections.json, Synapse
 * 2021-06-01 privateEndpointConnections.json, EventGrid 2022-06-15, KeyVault managedHSMs 2023-07-01,
 * Databricks 2023-02-01). Issue 13 added the CLI's remaining providers that now publish a stable version
 * (Automation 2024-10-23, HDInsight 2021-06-01, Arc private link scopes 2022-12-27, Web PubSub 2021-10-01)
 * and the targets managed private endpoints (Front Door, Data Factory, Synapse, AI Search) reach: flexible
 * servers, Container Apps environments, static sites, Sql managed instances, Redis Enterprise, ... Left out on
 * purpose: preview-only providers (Azure Monitor and Kubernetes configuration private link scopes), retired
 * ones (single-server MySQL/PostgreSQL/MariaDB, Media Services) and Resource Management Private Links (no
 * connection approval of their own). docs/approval.md's table is checked against this list by a test.
 */
export const PRIVATE_LINK_TARGET_API_VERSIONS: Readonly<Record<string, string>> = {
  "microsoft.apimanagement/service": "2021-08-01",
  "microsoft.app/managedenvironments": "2025-07-01",
  "microsoft.appconfiguration/configurationstores": "2020-06-01",
  "microsoft.attestation/attestationproviders": "2020-10-01",
  "microsoft.automation/automationaccounts": "2024-10-23",
  "microsoft.batch/batchaccounts": "2022-06-01",
  "microsoft.botservice/botservices": "2021-03-01",
  "microsoft.cache/redis": "2021-06-01",
  "microsoft.cache/redisenterprise": "2022-01-01",
  "microsoft.cognitiveservices/accounts": "2022-03-01",
  "microsoft.compute/diskaccesses": "2020-09-30",
  "microsoft.containerregistry/registries": "2023-07-01",
  "microsoft.containerservice/managedclusters": "2024-02-01",
  "microsoft.dashboard/grafana": "2023-09-01",
  "microsoft.databricks/workspaces": "2023-02-01",
  "microsoft.datafactory/factories": "2018-06-01",
  "microsoft.dbformysql/flexibleservers": "2023-06-30",
  "microsoft.dbforpostgresql/flexibleservers": "2024-08-01",
  "microsoft.dbforpostgresql/servergroupsv2": "2022-11-08",
  "microsoft.desktopvirtualization/hostpools": "2024-04-03",
  "microsoft.desktopvirtualization/workspaces": "2024-04-03",
  "microsoft.devices/iothubs": "2020-03-01",
  "microsoft.devices/provisioningservices": "2022-02-05",
  "microsoft.deviceupdate/accounts": "2023-07-01",
  "microsoft.digitaltwins/digitaltwinsinstances": "2020-12-01",
  "microsoft.documentdb/databaseaccounts": "2023-04-15",
  "microsoft.documentdb/mongoclusters": "2024-07-01",
  "microsoft.elasticsan/elasticsans": "2023-01-01",
  "microsoft.eventgrid/domains": "2022-06-15",
  "microsoft.eventgrid/partnernamespaces": "2022-06-15",
  "microsoft.eventgrid/topics": "2022-06-15",
  "microsoft.eventhub/namespaces": "2021-11-01",
  "microsoft.hdinsight/clusters": "2021-06-01",
  "microsoft.healthcareapis/services": "2020-03-30",
  "microsoft.healthcareapis/workspaces": "2022-06-01",
  "microsoft.hybridcompute/privatelinkscopes": "2022-12-27",
  "microsoft.keyvault/managedhsms": "2023-07-01",
  "microsoft.keyvault/vaults": "2019-09-01",
  "microsoft.kusto/clusters": "2021-08-27",
  "microsoft.machinelearningservices/workspaces": "2021-01-01",
  "microsoft.network/applicationgateways": "2024-07-01",
  "microsoft.powerbi/privatelinkservicesforpowerbi": "2020-06-01",
  "microsoft.purview/accounts": "2021-07-01",
  "microsoft.recoveryservices/vaults": "2021-07-01",
  "microsoft.relay/namespaces": "2021-11-01",
  "microsoft.search/searchservices": "2020-08-01",
  "microsoft.servicebus/namespaces": "2021-11-01",
  "microsoft.signalrservice/signalr": "2020-05-01",
  "microsoft.signalrservice/webpubsub": "2021-10-01",
  "microsoft.sql/managedinstances": "2021-11-01",
  "microsoft.sql/servers": "2021-11-01",
  "microsoft.storage/storageaccounts": "2019-06-01",
  "microsoft.storagesync/storagesyncservices": "2020-03-01",
  "microsoft.synapse/workspaces": "2021-06-01",
  "microsoft.web/hostingenvironments": "2020-10-01",
  "microsoft.web/sites": "2019-08-01",
  "microsoft.web/staticsites": "2021-02-01",
};

/**
 * api-version per resource type for calls that do not go through @azure/arm-network (which hard-codes its
 * own). Keys are lower-case `Namespace/type` of the *parent* resource (the private link target) or of the
 * resource read. Values are versions that the provider publishes as stable and that serve
 * `privateEndpointConnections`.
 */
export const API_VERSIONS: Readonly<Record<string, string>> = {
  // Microsoft.Network resources read generically (e.g. by ID from the sweep); arm-network sends its own.
  "microsoft.network/privatelinkservices": "2024-07-01",
  "microsoft.network/privateendpoints": "2024-07-01",
  "microsoft.network/loadbalancers": "2024-07-01",
  "microsoft.network/virtualnetworks": "2024-07-01",
  "microsoft.network/networksecuritygroups": "2024-07-01",
  "microsoft.network/networkinterfaces": "2024-07-01",
  "microsoft.network/privatednszones": "2024-06-01",
  "microsoft.network/applicationgateways": "2024-07-01",
  "microsoft.insights/metrics": "2023-10-01",
  "microsoft.resourcegraph/resources": "2022-10-01",
  subscriptions: "2022-12-01",
  // Every private link target type, so one table answers for all generic calls (the emulator reads it too).
  ...PRIVATE_LINK_TARGET_API_VERSIONS,
};

/**
 * Targets whose provider has no "list private endpoint connections" operation at the api-version above
 * (checked against each spec; see connectionShapes.ts): their connections are read from the parent's
 * `properties.privateEndpointConnections`.
 */
export const EMBEDDED_CONNECTIONS_ONLY: ReadonlySet<string> = new Set(
  SHAPED_TYPES.filter((t) => connectionShapeFor(t).listing === "embedded-only"),
);

/** The private link target type handled through @azure/arm-network rather than the generic client. */
export const PRIVATE_LINK_SERVICE_TYPE = "Microsoft.Network/privateLinkServices";

/** True for a type whose private endpoint connections linkgate can read and decide (PLS or PaaS). */
export function isPrivateLinkTargetType(resourceType: string): boolean {
  const t = resourceType.toLowerCase();
  return t === PRIVATE_LINK_SERVICE_TYPE.toLowerCase() || PRIVATE_LINK_TARGET_API_VERSIONS[t] !== undefined;
}

export class UnsupportedResourceTypeError extends Error {
  constructor(readonly resourceType: string) {
    super(
      `no api-version known for resource type "${resourceType}": add it to src/adapters/arm/apiVersions.ts ` +
        `(a stable version of the provider that serves privateEndpointConnections)`,
    );
    this.name = "UnsupportedResourceTypeError";
  }
}

/** The api-version for a type such as `Microsoft.Relay/namespaces` (case-insensitive). */
export function apiVersionFor(resourceType: string): string {
  const t = resourceType.toLowerCase();
  const v = API_VERSIONS[t];
  if (!v) throw new UnsupportedResourceTypeError(resourceType);
  return v;
}
