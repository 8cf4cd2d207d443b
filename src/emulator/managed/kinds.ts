/**
 * The managed private endpoint definitions the emulator serves (issue 13), one entry per service: where the
 * definition lives, which api-versions its published spec has, which properties a PUT may carry, and how the
 * service names the private endpoint it creates on the owner's behalf. Written from the specs and docs (see
 * docs/emulator.md "Managed private endpoints"); nothing here is read from linkgate's adapter.
 */

export type ManagedKindName = "frontDoor" | "dataFactory" | "synapse" | "search";

export interface ManagedKind {
  readonly service: ManagedKindName;
  /** The owner's type (lower case `namespace/type`). */
  readonly ownerType: string;
  /** Type segments from the owner down to the definition (lower case), e.g. `originGroups`, `origins`. */
  readonly chain: readonly string[];
  /** ARM's spelling of the definition's full type. */
  readonly definitionType: string;
  /** Api-versions of the published spec the emulator models; anything else is refused. */
  readonly apiVersions: readonly string[];
  /** Properties a PUT may set; any other key is refused (the emulator does not guess at shapes). */
  readonly writable: readonly string[];
  /**
   * The (made-up, emulator-only) Microsoft-managed subscription the service's private endpoints live in. The
   * services document only that it is not the owner's subscription (Front Door: "a Microsoft-owned Azure
   * subscription"; Data Factory / Synapse: created in the Microsoft tenant).
   */
  readonly managedSubscription: string;
  readonly managedResourceGroup: string;
}

export const MANAGED_KINDS: readonly ManagedKind[] = [
  {
    service: "frontDoor",
    ownerType: "microsoft.cdn/profiles",
    chain: ["origingroups", "origins"],
    definitionType: "Microsoft.Cdn/profiles/originGroups/origins",
    // Microsoft.Cdn stable 2024-09-01 (afdx.json, AFDOrigins_*): `properties.sharedPrivateLinkResource`.
    apiVersions: ["2024-09-01"],
    writable: [
      "azureOrigin",
      "hostName",
      "httpPort",
      "httpsPort",
      "originHostHeader",
      "priority",
      "weight",
      "sharedPrivateLinkResource",
      "enabledState",
      "enforceCertificateNameCheck",
    ],
    managedSubscription: "f0d0f0d0-a11a-4f0d-9e0d-00000000afd0",
    managedResourceGroup: "afd-managed-private-endpoints",
  },
  {
    service: "dataFactory",
    ownerType: "microsoft.datafactory/factories",
    chain: ["managedvirtualnetworks", "managedprivateendpoints"],
    definitionType: "Microsoft.DataFactory/factories/managedVirtualNetworks/managedPrivateEndpoints",
    // Microsoft.DataFactory stable 2018-06-01 (ManagedPrivateEndpoints_*).
    apiVersions: ["2018-06-01"],
    writable: ["privateLinkResourceId", "groupId", "fqdns", "connectionState"],
    managedSubscription: "da7af0c7-0000-4d00-8f00-0000000adf00",
    managedResourceGroup: "adf-managed-vnet",
  },
  {
    service: "synapse",
    ownerType: "microsoft.synapse/workspaces",
    chain: ["managedvirtualnetworks", "managedprivateendpoints"],
    definitionType: "Microsoft.Synapse/workspaces/managedVirtualNetworks/managedPrivateEndpoints",
    // Synapse data plane: stable package-vnet-2020-12-01, and the later 2021-06-01-preview package.
    apiVersions: ["2020-12-01", "2021-06-01-preview"],
    writable: ["privateLinkResourceId", "groupId", "fqdns", "connectionState"],
    managedSubscription: "5a9a95e0-0000-4e00-8a00-00000005e000",
    managedResourceGroup: "synapse-managed-vnet",
  },
  {
    service: "search",
    ownerType: "microsoft.search/searchservices",
    chain: ["sharedprivatelinkresources"],
    definitionType: "Microsoft.Search/searchServices/sharedPrivateLinkResources",
    // Microsoft.Search stable 2020-08-01 (first with shared private links) and 2023-11-01.
    apiVersions: ["2020-08-01", "2023-11-01"],
    writable: ["privateLinkResourceId", "groupId", "requestMessage", "resourceRegion", "status"],
    managedSubscription: "5ea4c400-0000-4c00-8b00-000000005ea4",
    managedResourceGroup: "search-shared-private-links",
  },
];

/** The kind whose owner type and chain prefix `types` (lower case, owner first) starts with, if any. */
export function kindForTypes(
  provider: string,
  types: readonly string[],
): { kind: ManagedKind; depth: number } | undefined {
  const owner = `${provider}/${types[0] ?? ""}`.toLowerCase();
  const rest = types.slice(1).map((t) => t.toLowerCase());
  if (rest.length === 0) return undefined;
  for (const kind of MANAGED_KINDS) {
    if (kind.ownerType !== owner) continue;
    if (rest.length > kind.chain.length) continue;
    if (rest.every((t, i) => kind.chain[i] === t)) return { kind, depth: rest.length };
  }
  return undefined;
}

export function kindByService(service: ManagedKindName): ManagedKind {
  const k = MANAGED_KINDS.find((m) => m.service === service);
  if (!k) throw new Error(`unknown managed service ${service}`);
  return k;
}
