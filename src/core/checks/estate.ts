/**
 * Indexes over one inventory, shared by the checks. Built once per inventory object (WeakMap) so twenty-odd
 * checks do not each rescan the estate; inventories are never mutated after collection.
 */
import type { ArmJson, Inventory, MetricSummary } from "../inventory";
import type { PrivateEndpointConnection } from "../model";
import {
  normalizeResourceId,
  parentResourceId,
  resourceType,
  sameResourceId,
  sameType,
  tryParseResourceId,
} from "../resourceId";
import { asArray, asObject, asString, asStrings, byId, idOf, lookup, props, refId } from "./arm";

export interface Estate {
  inv: Inventory;
  pls: Map<string, ArmJson>;
  paas: Map<string, ArmJson>;
  privateEndpoints: Map<string, ArmJson>;
  loadBalancers: Map<string, ArmJson>;
  virtualNetworks: Map<string, ArmJson>;
  nsgs: Map<string, ArmJson>;
  nics: Map<string, ArmJson>;
  zones: Map<string, ArmJson>;
  aRecords: Map<string, ArmJson>;
  /** Subnets listed on their own or embedded in their virtual network. */
  subnets: Map<string, ArmJson>;
  /** Normalised target id -> its connections. */
  connectionsByTarget: Map<string, PrivateEndpointConnection[]>;
  /** Normalised private endpoint id -> its DNS zone groups. */
  zoneGroupsByEndpoint: Map<string, ArmJson[]>;
  /** Normalised zone id -> its virtual network links. */
  linksByZone: Map<string, ArmJson[]>;
}

const cache = new WeakMap<Inventory, Estate>();

function push<T>(m: Map<string, T[]>, key: string, v: T): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}

export function estateOf(inv: Inventory): Estate {
  const hit = cache.get(inv);
  if (hit) return hit;
  const subnets = byId(inv.subnets);
  for (const vnet of inv.virtualNetworks) {
    for (const s of asArray(props(vnet)["subnets"])) {
      const id = idOf(s);
      // A separately listed subnet is the fresher, fuller read: keep it.
      if (id && !subnets.has(normalizeResourceId(id))) subnets.set(normalizeResourceId(id), s);
    }
  }
  const connectionsByTarget = new Map<string, PrivateEndpointConnection[]>();
  for (const c of inv.connections) push(connectionsByTarget, normalizeResourceId(c.targetId), c);
  const privateEndpoints = byId(inv.privateEndpoints);
  const zoneGroupsByEndpoint = new Map<string, ArmJson[]>();
  for (const g of inv.privateDnsZoneGroups) {
    const id = idOf(g);
    const parent = id ? safeParent(id) : undefined;
    if (parent) push(zoneGroupsByEndpoint, normalizeResourceId(parent), g);
  }
  const linksByZone = new Map<string, ArmJson[]>();
  for (const l of inv.virtualNetworkLinks) {
    const id = idOf(l);
    const parent = id ? safeParent(id) : undefined;
    if (parent) push(linksByZone, normalizeResourceId(parent), l);
  }
  const estate: Estate = {
    inv,
    pls: byId(inv.privateLinkServices),
    paas: byId(inv.paasResources),
    privateEndpoints,
    loadBalancers: byId(inv.loadBalancers),
    virtualNetworks: byId(inv.virtualNetworks),
    nsgs: byId(inv.networkSecurityGroups),
    nics: byId(inv.networkInterfaces),
    zones: byId(inv.privateDnsZones),
    aRecords: byId(inv.privateDnsARecords),
    subnets,
    connectionsByTarget,
    zoneGroupsByEndpoint,
    linksByZone,
  };
  cache.set(inv, estate);
  return estate;
}

export function safeParent(id: string): string | undefined {
  try {
    return parentResourceId(id);
  } catch {
    return undefined;
  }
}

export function connectionsOf(e: Estate, targetId: string): PrivateEndpointConnection[] {
  return e.connectionsByTarget.get(normalizeResourceId(targetId)) ?? [];
}

export function metric(e: Estate, resourceId: string, name: string): MetricSummary | undefined {
  const byName = e.inv.metrics[normalizeResourceId(resourceId)];
  if (!byName) return undefined;
  const direct = byName[name];
  if (direct) return direct;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(byName)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function subscriptionOf(id: string | undefined): string | undefined {
  return tryParseResourceId(id)?.subscriptionId;
}

export function inScopeSubscription(e: Estate, subscriptionId: string | undefined): boolean {
  if (!subscriptionId) return false;
  const s = subscriptionId.toLowerCase();
  // A shard of a sharded sweep judges by the whole estate's subscriptions (core/shard).
  if (e.inv.estateSubscriptions) return e.inv.estateSubscriptions.some((x) => x.toLowerCase() === s);
  return e.inv.subscriptions.some((x) => x.subscriptionId.toLowerCase() === s);
}

/** The raw connection object inside its target's `properties.privateEndpointConnections`, when collected. */
export function rawConnection(e: Estate, c: PrivateEndpointConnection): ArmJson | undefined {
  const target = lookup(e.pls, c.targetId) ?? lookup(e.paas, c.targetId);
  for (const raw of asArray(props(target)["privateEndpointConnections"])) {
    if (sameResourceId(idOf(raw), c.id)) return raw;
  }
  return undefined;
}

/** Both kinds of a private endpoint's connections: automatic and manual (approval-required). */
export function endpointConnections(pe: ArmJson): { kind: "automatic" | "manual"; connection: ArmJson }[] {
  const p = props(pe);
  return [
    ...asArray(p["privateLinkServiceConnections"]).map((connection) => ({
      kind: "automatic" as const,
      connection,
    })),
    ...asArray(p["manualPrivateLinkServiceConnections"]).map((connection) => ({
      kind: "manual" as const,
      connection,
    })),
  ];
}

/** The virtual network a private endpoint (or NIC ip configuration) sits in: the parent of its subnet. */
export function vnetIdOfSubnet(subnetId: string | undefined): string | undefined {
  return subnetId ? safeParent(subnetId) : undefined;
}

/**
 * A private endpoint's private IPs: from its static ipConfigurations, its customDnsConfigs and its NICs'
 * ip configurations (whichever the collector captured).
 */
export function endpointIps(e: Estate, pe: ArmJson): string[] {
  const ips = new Set<string>();
  const p = props(pe);
  for (const c of asArray(p["ipConfigurations"])) {
    const ip = asString(props(c)["privateIPAddress"]);
    if (ip) ips.add(ip);
  }
  for (const d of asArray(p["customDnsConfigs"])) for (const ip of asStrings(d["ipAddresses"])) ips.add(ip);
  for (const ref of asArray(p["networkInterfaces"])) {
    const nic = lookup(e.nics, idOf(ref));
    for (const c of asArray(props(nic)["ipConfigurations"])) {
      const ip = asString(props(c)["privateIPAddress"]);
      if (ip) ips.add(ip);
    }
  }
  return [...ips];
}

/** The subnet a private endpoint sits in. */
export function endpointSubnetId(pe: ArmJson): string | undefined {
  return refId(props(pe)["subnet"]);
}

export function statusOfRaw(raw: ArmJson): string | undefined {
  return asString(asObject(props(raw)["privateLinkServiceConnectionState"])?.["status"]);
}

export interface PlsFrontend {
  /** The frontend IP configuration ID the PLS names. */
  frontendId: string;
  /** The load balancer that ID sits under, when collected. */
  lb?: ArmJson;
  /** The frontend IP configuration inside that load balancer, when it exists. */
  frontend?: ArmJson;
  /** Load-balancing rules whose frontend is this one. */
  rules: ArmJson[];
}

/** The PLS's load balancer frontends, resolved against the collected load balancers. */
export function plsFrontends(e: Estate, pls: ArmJson): PlsFrontend[] {
  const out: PlsFrontend[] = [];
  for (const ref of asArray(props(pls)["loadBalancerFrontendIpConfigurations"])) {
    const frontendId = idOf(ref);
    if (!frontendId) continue;
    const lbId = safeParent(frontendId);
    const lb = lookup(e.loadBalancers, lbId);
    const frontend = asArray(props(lb)["frontendIPConfigurations"]).find((f) =>
      sameResourceId(idOf(f), frontendId),
    );
    const rules = asArray(props(lb)["loadBalancingRules"]).filter((r) =>
      sameResourceId(refId(props(r)["frontendIPConfiguration"]), frontendId),
    );
    out.push({ frontendId, lb, frontend, rules });
  }
  return out;
}

export const PLS_TYPE = "Microsoft.Network/privateLinkServices";

/** A Private Link Service alias, `{prefix}.{guid}.{region}.azure.privatelinkservice`, rather than a resource ID. */
export function isPlsAlias(ref: string): boolean {
  return !ref.startsWith("/") && ref.toLowerCase().endsWith(".azure.privatelinkservice");
}

/** True when a `privateLinkServiceId` names a Private Link Service (by resource ID or alias), not a PaaS resource. */
export function namesPls(ref: string): boolean {
  const parsed = tryParseResourceId(ref);
  return isPlsAlias(ref) || (!!parsed && sameType(resourceType(parsed), PLS_TYPE));
}

/** True when the private endpoint connects to a Private Link Service (by ID or alias) rather than a PaaS resource. */
export function targetsPls(pe: ArmJson): boolean {
  return endpointConnections(pe).some(({ connection }) =>
    namesPls(asString(props(connection)["privateLinkServiceId"]) ?? ""),
  );
}

export interface ZoneConfig {
  group: ArmJson;
  zoneId: string;
  /** Record sets the zone group manages, as ARM reports them on the group. */
  recordSets: { name: string; fqdn?: string; ipAddresses: string[] }[];
}

export function zoneConfigs(e: Estate, peId: string): ZoneConfig[] {
  const out: ZoneConfig[] = [];
  for (const group of e.zoneGroupsByEndpoint.get(normalizeResourceId(peId)) ?? []) {
    for (const cfg of asArray(props(group)["privateDnsZoneConfigs"])) {
      const p = props(cfg);
      const zoneId = asString(p["privateDnsZoneId"]);
      if (!zoneId) continue;
      const recordSets = asArray(p["recordSets"])
        .filter((r) => (asString(r["recordType"]) ?? "A").toUpperCase() === "A")
        .map((r) => ({
          name: asString(r["recordSetName"]) ?? "",
          fqdn: asString(r["fqdn"]),
          ipAddresses: asStrings(r["ipAddresses"]),
        }))
        .filter((r) => r.name);
      out.push({ group, zoneId, recordSets });
    }
  }
  return out;
}

/** `customDnsConfigs` entries: the service FQDNs of the endpoint and the private IPs each should resolve to. */
export function customDns(pe: ArmJson): { fqdn: string; ipAddresses: string[] }[] {
  return asArray(props(pe)["customDnsConfigs"])
    .map((d) => ({
      fqdn: asString(d["fqdn"]) ?? "",
      ipAddresses: asStrings(d["ipAddresses"]),
    }))
    .filter((d) => d.fqdn);
}

export function trimDot(name: string): string {
  return name.replace(/\.+$/, "").toLowerCase();
}
