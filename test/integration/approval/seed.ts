/**
 * Seed documents for the approval integration suites: ARM-shaped bodies (as GET returns them) of a PLS,
 * a Relay namespace and one parent per supported PaaS type, each with connections in given states.
 */
import { PRIVATE_LINK_TARGET_API_VERSIONS } from "../../../src/adapters/arm/apiVersions";
import { connectionShapeFor } from "../../../src/adapters/arm/connectionShapes";
import type { RunningEmulator } from "../../../src/emulator";

export const PROVIDER_SUB = "11111111-1111-1111-1111-111111111111";
export const CONSUMER_SUB = "22222222-2222-2222-2222-222222222222";
export const PROVIDER_TENANT = "aaaaaaaa-0000-0000-0000-000000000001";
export const CONSUMER_TENANT = "bbbbbbbb-0000-0000-0000-000000000002";

export const PLS_ID = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls1`;
export const RELAY_ID = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/Microsoft.Relay/namespaces/relay1`;

export function endpointId(name: string): string {
  return `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-app-1/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export type Status = "Pending" | "Approved" | "Rejected";

function actionsOf(type: string): Record<string, string> {
  const field = connectionShapeFor(type).actionsField;
  return field ? { [field]: "None" } : {};
}

/** A connection as embedded in its parent (`properties.privateEndpointConnections[]`). */
export function connection(
  parentId: string,
  type: string,
  name: string,
  status: Status,
  message = "CHG0000001 please",
): Record<string, unknown> {
  return {
    id: `${parentId}/privateEndpointConnections/${name}`,
    name,
    type: `${type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: { id: endpointId(`pe-${name}`) },
      // The actions field as the provider spells it, and only where its schema has one (none for Relay).
      privateLinkServiceConnectionState: { status, description: message, ...actionsOf(type) },
      provisioningState: "Succeeded",
    },
  };
}

export function subscriptions(): Record<string, unknown>[] {
  return [
    {
      id: `/subscriptions/${PROVIDER_SUB}`,
      subscriptionId: PROVIDER_SUB,
      tenantId: PROVIDER_TENANT,
      displayName: "provider",
      state: "Enabled",
    },
    {
      id: `/subscriptions/${CONSUMER_SUB}`,
      subscriptionId: CONSUMER_SUB,
      tenantId: CONSUMER_TENANT,
      displayName: "consumer",
      state: "Enabled",
    },
  ];
}

export function plsDoc(connections: [string, Status][]): Record<string, unknown> {
  return {
    id: PLS_ID,
    name: "pls1",
    type: "Microsoft.Network/privateLinkServices",
    location: "westeurope",
    tags: { env: "prod" },
    etag: 'W/"pls-1"',
    properties: {
      alias: "pls1.00000000-0000-0000-0000-000000000000.westeurope.azure.privatelinkservice",
      provisioningState: "Succeeded",
      visibility: { subscriptions: [CONSUMER_SUB] },
      autoApproval: { subscriptions: [] },
      privateEndpointConnections: connections.map(([n, s]) =>
        connection(PLS_ID, "Microsoft.Network/privateLinkServices", n, s),
      ),
    },
  };
}

/** `Microsoft.Relay/namespaces` → a parent ID of that type in the provider subscription. */
export function parentIdFor(type: string, name: string): string {
  const [ns, ...rest] = type.split("/");
  return `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${ns}/${rest.join("/")}/${name}`;
}

export function paasDoc(
  type: string,
  name: string,
  connections: [string, Status][],
): Record<string, unknown> {
  const id = parentIdFor(type, name);
  const embedded = connections.map(([n, s]) => connection(id, type, n, s));
  // Key Vault 2019-09-01: VaultProperties requires tenantId and sku, has no provisioningState, and embeds
  // connections as {id, properties} items. Managed HSMs (managedHsm.json 2023-07-01) and Sql servers
  // (Servers.json 2021-11-01, which report `state`, not provisioningState) embed them the same way.
  const items = embedded.map((c) => ({ id: c["id"], properties: c["properties"] }));
  const properties = /^microsoft\.keyvault\/vaults$/i.test(type)
    ? {
        tenantId: PROVIDER_TENANT,
        sku: { family: "A", name: "standard" },
        accessPolicies: [],
        privateEndpointConnections: items,
      }
    : /^microsoft\.keyvault\/managedhsms$/i.test(type)
      ? { provisioningState: "Succeeded", privateEndpointConnections: items }
      : /^microsoft\.sql\/servers$/i.test(type)
        ? { state: "Ready", privateEndpointConnections: items }
        : { provisioningState: "Succeeded", privateEndpointConnections: embedded };
  return {
    id,
    name,
    type,
    location: "westeurope",
    tags: { "linkgate-auto-approve": "true" },
    properties,
  };
}

/** Every supported PaaS type as ARM spells it; the suite checks this list equals the table in apiVersions.ts. */
export const PAAS_TYPES: string[] = [
  "Microsoft.ApiManagement/service",
  "Microsoft.App/managedEnvironments",
  "Microsoft.AppConfiguration/configurationStores",
  "Microsoft.Attestation/attestationProviders",
  "Microsoft.Automation/automationAccounts",
  "Microsoft.Batch/batchAccounts",
  "Microsoft.BotService/botServices",
  "Microsoft.Cache/redis",
  "Microsoft.Cache/redisEnterprise",
  "Microsoft.CognitiveServices/accounts",
  "Microsoft.Compute/diskAccesses",
  "Microsoft.ContainerRegistry/registries",
  "Microsoft.ContainerService/managedClusters",
  "Microsoft.Dashboard/grafana",
  "Microsoft.Databricks/workspaces",
  "Microsoft.DataFactory/factories",
  "Microsoft.DBforMySQL/flexibleServers",
  "Microsoft.DBforPostgreSQL/flexibleServers",
  "Microsoft.DBforPostgreSQL/serverGroupsv2",
  "Microsoft.DesktopVirtualization/hostPools",
  "Microsoft.DesktopVirtualization/workspaces",
  "Microsoft.Devices/IotHubs",
  "Microsoft.Devices/provisioningServices",
  "Microsoft.DeviceUpdate/accounts",
  "Microsoft.DigitalTwins/digitalTwinsInstances",
  "Microsoft.DocumentDB/databaseAccounts",
  "Microsoft.DocumentDB/mongoClusters",
  "Microsoft.ElasticSan/elasticSans",
  "Microsoft.EventGrid/domains",
  "Microsoft.EventGrid/partnerNamespaces",
  "Microsoft.EventGrid/topics",
  "Microsoft.EventHub/namespaces",
  "Microsoft.HDInsight/clusters",
  "Microsoft.HealthcareApis/services",
  "Microsoft.HealthcareApis/workspaces",
  "Microsoft.HybridCompute/privateLinkScopes",
  "Microsoft.KeyVault/managedHSMs",
  "Microsoft.KeyVault/vaults",
  "Microsoft.Kusto/clusters",
  "Microsoft.MachineLearningServices/workspaces",
  "Microsoft.Network/applicationGateways",
  "Microsoft.PowerBI/privateLinkServicesForPowerBI",
  "Microsoft.Purview/accounts",
  "Microsoft.RecoveryServices/vaults",
  "Microsoft.Relay/namespaces",
  "Microsoft.Search/searchServices",
  "Microsoft.ServiceBus/namespaces",
  "Microsoft.SignalRService/signalR",
  "Microsoft.SignalRService/webPubSub",
  "Microsoft.Sql/managedInstances",
  "Microsoft.Sql/servers",
  "Microsoft.Storage/storageAccounts",
  "Microsoft.StorageSync/storageSyncServices",
  "Microsoft.Synapse/workspaces",
  "Microsoft.Web/hostingEnvironments",
  "Microsoft.Web/sites",
  "Microsoft.Web/staticSites",
];

export const PAAS_TABLE_TYPES: string[] = Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS);

/** Fault rules that change nothing and count the connection writes the emulator sees from now on. */
export function countPuts(emu: RunningEmulator): () => number {
  // Connection writes: a PUT, or a PATCH where the provider's spec says so (Batch).
  const ids = ["PUT", "PATCH"].map((method) =>
    emu.faults.add({ method, path: "/privateEndpointConnections/", latencyMs: 0 }),
  );
  return () => ids.reduce((n, id) => n + (emu.faults.list().find((r) => r.rule.id === id)?.hits ?? 0), 0);
}
