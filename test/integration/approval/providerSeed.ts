/**
 * Seed documents shaped as each provider's spec says (see src/emulator/providers/catalog.ts): the actions
 * field under the provider's spelling and only where its schema has one, group ids where the connection
 * carries them, the provider's done provisioning state, and the parent properties its schema requires
 * (Key Vault's tenantId and sku), so that recorded traffic validates against the specs.
 */
import type { ProviderProfile } from "../../../src/emulator/providers/profile";
import { CONSUMER_SUB, PROVIDER_SUB, PROVIDER_TENANT } from "./seed";

export type Doc = Record<string, unknown>;

export function parentIdOf(profile: ProviderProfile, name: string): string {
  return `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${profile.type}/${name}`;
}

export function providerConnection(
  profile: ProviderProfile,
  parentId: string,
  name: string,
  status: "Pending" | "Approved" | "Rejected",
): Doc {
  const state: Doc = { status, description: "CHG0000001 please" };
  if (profile.actionsField !== "none") state[profile.actionsField] = "None";
  const properties: Doc = {
    privateEndpoint: {
      id: `/subscriptions/${CONSUMER_SUB}/resourceGroups/rg-app-1/providers/Microsoft.Network/privateEndpoints/pe-${name}`,
    },
    privateLinkServiceConnectionState: state,
    provisioningState: profile.doneState,
  };
  const g = profile.groupIds;
  if (g.on === "connection") properties[g.field] = g.field === "groupId" ? "Sql" : ["sqlServer"];
  const id = `${parentId}/privateEndpointConnections/${name}`;
  // Key Vault embeds a vault's or managed HSM's connections as {id, properties} items, without name/type
  // (keyvault.json 2019-09-01 PrivateEndpointConnectionItem; managedHsm.json 2023-07-01
  // MHSMPrivateEndpointConnectionItem: id, etag, properties).
  // Sql embeds a server's connections the same way (Servers.json 2021-11-01 ServerPrivateEndpointConnection).
  if (
    profile.type === "Microsoft.KeyVault/vaults" ||
    profile.type === "Microsoft.KeyVault/managedHSMs" ||
    profile.type === "Microsoft.Sql/servers"
  )
    return { id, properties };
  return {
    id,
    name,
    type: `${profile.type}/privateEndpointConnections`,
    properties,
  };
}

export function providerParent(
  profile: ProviderProfile,
  name: string,
  connections: [string, "Pending" | "Approved" | "Rejected"][],
): Doc {
  const id = parentIdOf(profile, name);
  const properties: Doc = {
    privateEndpointConnections: connections.map(([n, s]) => providerConnection(profile, id, n, s)),
  };
  if (profile.type === "Microsoft.KeyVault/vaults") {
    // VaultProperties requires tenantId and sku (keyvault.json 2019-09-01).
    properties["tenantId"] = PROVIDER_TENANT;
    properties["sku"] = { family: "A", name: "standard" };
    properties["accessPolicies"] = [];
  } else if (profile.type === "Microsoft.Sql/servers") {
    // A Sql server reports `state`, not provisioningState (Servers.json 2021-11-01 ServerProperties).
    properties["state"] = "Ready";
  } else {
    properties["provisioningState"] = "Succeeded";
  }
  return {
    id,
    name,
    type: profile.type,
    location: "westeurope",
    tags: { "linkgate-auto-approve": "true" },
    properties,
  };
}
