/**
 * What linkgate knows about each service that creates private endpoints on an owner's behalf: how to name
 * its definitions in reasons, and which resource type owns them (what `requester.managedBy` globs match).
 * See docs/managed-endpoints.md for the facts each entry rests on.
 */
import type { ManagedServiceName } from "../model";

export interface ManagedServiceInfo {
  /** How a reason names one definition, e.g. "Front Door origin". */
  readonly noun: string;
  /** The plural, for "no ... names this target". */
  readonly nounPlural: string;
  /** The owner's resource type (profile, factory, workspace, search service). */
  readonly ownerType: string;
  /** The definition's resource type below the owner. */
  readonly definitionType: string;
}

export const MANAGED_SERVICE_INFO: Readonly<Record<ManagedServiceName, ManagedServiceInfo>> = {
  frontDoor: {
    noun: "Front Door origin",
    nounPlural: "Front Door origins",
    ownerType: "Microsoft.Cdn/profiles",
    definitionType: "Microsoft.Cdn/profiles/originGroups/origins",
  },
  dataFactory: {
    noun: "Data Factory managed private endpoint",
    nounPlural: "Data Factory managed private endpoints",
    ownerType: "Microsoft.DataFactory/factories",
    definitionType: "Microsoft.DataFactory/factories/managedVirtualNetworks/managedPrivateEndpoints",
  },
  synapse: {
    noun: "Synapse managed private endpoint",
    nounPlural: "Synapse managed private endpoints",
    ownerType: "Microsoft.Synapse/workspaces",
    definitionType: "Microsoft.Synapse/workspaces/managedVirtualNetworks/managedPrivateEndpoints",
  },
  search: {
    noun: "AI Search shared private link",
    nounPlural: "AI Search shared private links",
    ownerType: "Microsoft.Search/searchServices",
    definitionType: "Microsoft.Search/searchServices/sharedPrivateLinkResources",
  },
};

export const MANAGED_SERVICE_NAMES: readonly ManagedServiceName[] = [
  "frontDoor",
  "dataFactory",
  "synapse",
  "search",
];

export function isManagedServiceName(value: unknown): value is ManagedServiceName {
  return typeof value === "string" && (MANAGED_SERVICE_NAMES as readonly string[]).includes(value);
}
