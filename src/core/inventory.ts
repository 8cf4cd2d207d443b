/**
 * The estate as one sweep saw it. An adapter collects it once per sweep; checks evaluate it purely, so a
 * sweep reads ARM once however many checks run, and a test can build any estate in memory.
 *
 * Shared contract between the checks (H4a) and the collector/sweep runner (H4b): change only additively.
 */
import type { PrivateEndpointConnection } from "./model";
import type { ManagedEndpointDefinition } from "../ports";

/** A resource exactly as ARM's GET returns it (id, name, type, location, tags, properties...). */
export type ArmJson = Readonly<Record<string, unknown>>;

/** One metric aggregated over the sweep's window. `points` is how many time grains had a value. */
export interface MetricSummary {
  total?: number;
  average?: number;
  maximum?: number;
  points: number;
}

/** One live DNS lookup done from where the sweep runs. `cnames` in chain order, `addresses` the final A records. */
export interface DnsAnswer {
  fqdn: string;
  cnames: string[];
  addresses: string[];
  error?: string;
}

/**
 * What kind of read failed, which decides what the sweep can no longer judge (see core/degraded.ts):
 * `scope` a subscription or a Resource Graph query for it / a management group, `resource` an ARM read of a
 * referenced resource, `dns-zone` a private DNS zone or its records/links, `metrics` Azure Monitor for one
 * resource, `dns` the live resolver (not an NXDOMAIN answer, which is a finding).
 */
export type CollectionErrorKind = "scope" | "resource" | "dns-zone" | "metrics" | "dns";

export interface CollectionError {
  /** Where the failure hit: a subscription or management group path, a resource ID, a metrics path, `dns:{fqdn}`. */
  scope: string;
  message: string;
  /** Absent (an untagged collector): judged from `scope`, and blind everywhere when it names no subscription. */
  kind?: CollectionErrorKind;
}

export interface Inventory {
  /** ISO 8601 instant. */
  collectedAt: string;
  /** Metrics window. */
  windowMinutes: number;
  subscriptions: { subscriptionId: string; tenantId?: string }[];
  /** Incl. properties.privateEndpointConnections, visibility, autoApproval, loadBalancerFrontendIpConfigurations, ipConfigurations, provisioningState, alias. */
  privateLinkServices: ArmJson[];
  /** Any non-PLS resource with properties.privateEndpointConnections (publicNetworkAccess etc. kept). */
  paasResources: ArmJson[];
  /** Normalised from both of the above. */
  connections: PrivateEndpointConnection[];
  /** Incl. privateLinkServiceConnections, manualPrivateLinkServiceConnections, customDnsConfigs, networkInterfaces, subnet. */
  privateEndpoints: ArmJson[];
  /** Each id is under its private endpoint. */
  privateDnsZoneGroups: ArmJson[];
  networkInterfaces: ArmJson[];
  loadBalancers: ArmJson[];
  virtualNetworks: ArmJson[];
  /** Subnets referenced by PLS ipConfigurations, private endpoints and NICs. */
  subnets: ArmJson[];
  networkSecurityGroups: ArmJson[];
  privateDnsZones: ArmJson[];
  /** Record sets of type A in those zones. */
  privateDnsARecords: ArmJson[];
  virtualNetworkLinks: ArmJson[];
  /** Normalised resource id (lower-case) -> metric name -> summary. */
  metrics: Record<string, Record<string, MetricSummary>>;
  /** Live lookups done from where the sweep runs. */
  dns: DnsAnswer[];
  collectionErrors: CollectionError[];
  /**
   * A shard of a sharded sweep (core/shard) sweeps some of the estate's subscriptions: these are all of them,
   * so a reference into another shard's subscription is judged as in scope, as a single sweep judges it.
   * Absent: the swept subscriptions are the estate.
   */
  estateSubscriptions?: string[];
  /**
   * Private Link Services in other shards' subscriptions that this shard's private endpoints name, read by
   * ID (core/shard/crossShard.ts): for matching a reference only; no check reports on them here.
   */
  referencedPrivateLinkServices?: ArmJson[];
  /**
   * Managed private endpoint definitions in the watched subscriptions (Front Door origins with a shared
   * private link, Data Factory / Synapse managed private endpoints, AI Search shared private links), as a
   * ManagedDefinitionReader returns them. Absent when the collector read none or could not read every owner
   * (an incomplete list would turn "unread" into "no definition"): checks that need them
   * (connection-managed-uncorroborated) report nothing, and a policy's managedBy is unknown. Additive.
   */
  managedDefinitions?: ManagedEndpointDefinition[];
}

/** An inventory with nothing in it, for collectors to fill and tests to extend. */
export function emptyInventory(collectedAt: string, windowMinutes: number): Inventory {
  return {
    collectedAt,
    windowMinutes,
    subscriptions: [],
    privateLinkServices: [],
    paasResources: [],
    connections: [],
    privateEndpoints: [],
    privateDnsZoneGroups: [],
    networkInterfaces: [],
    loadBalancers: [],
    virtualNetworks: [],
    subnets: [],
    networkSecurityGroups: [],
    privateDnsZones: [],
    privateDnsARecords: [],
    virtualNetworkLinks: [],
    metrics: {},
    dns: [],
    collectionErrors: [],
  };
}
