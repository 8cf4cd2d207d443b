/**
 * A small estate for managed private endpoint tests (issue 13): the team's targets (a Private Link Service,
 * a storage account, a SQL server) and the owners of definitions (a Front Door profile with an origin group,
 * a data factory with its managed virtual network, a search service, a Synapse workspace), all in one
 * watched subscription; a second subscription that is not watched holds another team's Front Door.
 */
export const SUB = "11111111-1111-1111-1111-111111111111";
export const OTHER_SUB = "33333333-3333-3333-3333-333333333333";
export const TENANT = "aaaaaaaa-0000-0000-0000-000000000001";

const rg = (sub: string, name: string): string => `/subscriptions/${sub}/resourceGroups/${name}`;

export const PLS_ID = `${rg(SUB, "rg-net")}/providers/Microsoft.Network/privateLinkServices/pls-web`;
export const STORAGE_ID = `${rg(SUB, "rg-data")}/providers/Microsoft.Storage/storageAccounts/stdata`;
export const SQL_ID = `${rg(SUB, "rg-data")}/providers/Microsoft.Sql/servers/sql-data`;

export const PROFILE_ID = `${rg(SUB, "rg-edge")}/providers/Microsoft.Cdn/profiles/afd-web`;
export const ORIGIN_GROUP_ID = `${PROFILE_ID}/originGroups/og-web`;
export const FACTORY_ID = `${rg(SUB, "rg-data")}/providers/Microsoft.DataFactory/factories/adf-etl`;
export const FACTORY_VNET_ID = `${FACTORY_ID}/managedVirtualNetworks/default`;
export const SEARCH_ID = `${rg(SUB, "rg-search")}/providers/Microsoft.Search/searchServices/srch-docs`;
export const WORKSPACE_ID = `${rg(SUB, "rg-data")}/providers/Microsoft.Synapse/workspaces/syn-lake`;
export const OTHER_PROFILE_ID = `${rg(OTHER_SUB, "rg-edge")}/providers/Microsoft.Cdn/profiles/afd-other`;

export const FRONT_DOOR_VERSION = "2024-09-01";
export const DATA_FACTORY_VERSION = "2018-06-01";
export const SEARCH_VERSION = "2023-11-01";
export const SYNAPSE_DATA_PLANE_VERSION = "2020-12-01";

export function managedEstate(): Record<string, unknown>[] {
  return [
    {
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      tenantId: TENANT,
      displayName: "team",
      state: "Enabled",
    },
    {
      id: `/subscriptions/${OTHER_SUB}`,
      subscriptionId: OTHER_SUB,
      tenantId: TENANT,
      displayName: "other",
      state: "Enabled",
    },
    {
      id: PLS_ID,
      name: "pls-web",
      type: "Microsoft.Network/privateLinkServices",
      location: "westeurope",
      etag: 'W/"pls-1"',
      properties: { provisioningState: "Succeeded", privateEndpointConnections: [] },
    },
    {
      id: STORAGE_ID,
      name: "stdata",
      type: "Microsoft.Storage/storageAccounts",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS", tier: "Standard" },
      properties: { provisioningState: "Succeeded", privateEndpointConnections: [] },
    },
    {
      id: SQL_ID,
      name: "sql-data",
      type: "Microsoft.Sql/servers",
      location: "westeurope",
      properties: { state: "Ready", privateEndpointConnections: [] },
    },
    {
      id: PROFILE_ID,
      name: "afd-web",
      type: "Microsoft.Cdn/profiles",
      location: "Global",
      sku: { name: "Premium_AzureFrontDoor" },
      properties: { provisioningState: "Succeeded" },
    },
    {
      id: ORIGIN_GROUP_ID,
      name: "og-web",
      type: "Microsoft.Cdn/profiles/originGroups",
      properties: { provisioningState: "Succeeded" },
    },
    {
      id: OTHER_PROFILE_ID,
      name: "afd-other",
      type: "Microsoft.Cdn/profiles",
      location: "Global",
      sku: { name: "Premium_AzureFrontDoor" },
      properties: { provisioningState: "Succeeded" },
    },
    {
      id: `${OTHER_PROFILE_ID}/originGroups/og`,
      name: "og",
      type: "Microsoft.Cdn/profiles/originGroups",
      properties: { provisioningState: "Succeeded" },
    },
    {
      id: FACTORY_ID,
      name: "adf-etl",
      type: "Microsoft.DataFactory/factories",
      location: "westeurope",
      properties: { provisioningState: "Succeeded" },
    },
    {
      id: FACTORY_VNET_ID,
      name: "default",
      type: "Microsoft.DataFactory/factories/managedVirtualNetworks",
      properties: {},
    },
    {
      id: SEARCH_ID,
      name: "srch-docs",
      type: "Microsoft.Search/searchServices",
      location: "westeurope",
      sku: { name: "standard" },
      properties: { provisioningState: "succeeded", privateEndpointConnections: [] },
    },
    {
      id: WORKSPACE_ID,
      name: "syn-lake",
      type: "Microsoft.Synapse/workspaces",
      location: "westeurope",
      properties: { provisioningState: "Succeeded", privateEndpointConnections: [] },
    },
  ];
}

/** A Front Door origin body asking for a private link to `targetId`. */
export function originBody(targetId: string, message: string, groupId?: string): Record<string, unknown> {
  return {
    properties: {
      hostName: "web.contoso.example",
      httpPort: 80,
      httpsPort: 443,
      priority: 1,
      weight: 1000,
      enabledState: "Enabled",
      sharedPrivateLinkResource: {
        privateLink: { id: targetId },
        privateLinkLocation: "westeurope",
        requestMessage: message,
        ...(groupId ? { groupId } : {}),
      },
    },
  };
}

/** What the helpers below need of an ARM context: the generic client's PUT. */
interface Puts {
  generic: { put(id: string, apiVersion: string, body: Record<string, unknown>): Promise<unknown> };
}

/** Creates a Front Door origin (default: o-web in the watched profile) asking for a link to the PLS. */
export function putOrigin(
  arm: Puts,
  message: string,
  originId = `${ORIGIN_GROUP_ID}/origins/o-web`,
): Promise<unknown> {
  return arm.generic.put(originId, FRONT_DOOR_VERSION, originBody(PLS_ID, message));
}

/** Creates the data factory's managed private endpoint mpe-sql to the SQL server (group sqlServer). */
export function putFactorySqlEndpoint(arm: Puts): Promise<unknown> {
  return arm.generic.put(`${FACTORY_VNET_ID}/managedPrivateEndpoints/mpe-sql`, DATA_FACTORY_VERSION, {
    properties: { privateLinkResourceId: SQL_ID, groupId: "sqlServer" },
  });
}

/** Creates the search service's shared private link spl-blob to the storage account (group blob). */
export function putSearchBlobLink(arm: Puts): Promise<unknown> {
  return arm.generic.put(`${SEARCH_ID}/sharedPrivateLinkResources/spl-blob`, SEARCH_VERSION, {
    properties: { privateLinkResourceId: STORAGE_ID, groupId: "blob", requestMessage: "search indexer" },
  });
}

/**
 * The team's policy: approve what one of its own Front Door profiles, factories or search services (and, with
 * `synapse`, Synapse workspaces) vouches for; everything else stays Pending.
 */
export function managedPolicy(options: { synapse: boolean }): string {
  return [
    "apiVersion: linkgate/v1",
    "mode: enforce",
    "default: pending",
    "rules:",
    "  - id: team-managed-endpoints",
    "    description: Our own Front Door, factories and search services",
    "    when:",
    "      requester:",
    "        managedBy:",
    '          frontDoor: ["/subscriptions/*/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/*"]',
    '          dataFactory: ["/subscriptions/*/resourceGroups/rg-data/providers/Microsoft.DataFactory/factories/adf-*"]',
    '          search: ["/subscriptions/*/resourceGroups/rg-search/providers/Microsoft.Search/searchServices/*"]',
    ...(options.synapse
      ? [
          '          synapse: ["/subscriptions/*/resourceGroups/rg-data/providers/Microsoft.Synapse/workspaces/syn-*"]',
        ]
      : []),
    "    action: approve",
    "",
  ].join("\n");
}
