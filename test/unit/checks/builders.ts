/**
 * Inventory builders for check tests, shaped like ARM's GET bodies (see the Microsoft.Network 2024-07-01,
 * Microsoft.Relay 2021-11-01 and private DNS examples in azure-rest-api-specs, MIT). `healthyEstate()` is a
 * working estate on which no check fires: a Private Link Service behind a Standard load balancer with an
 * Approved consumer endpoint, and a Relay namespace reached through a private endpoint with DNS wired up.
 * A test plants one problem with `set()` / `remove()` and asserts the check reports exactly it.
 */
import { emptyInventory, type Inventory, type MetricSummary } from "../../../src/core/inventory";
import { toConnectionStatus, type PrivateEndpointConnection } from "../../../src/core/model";
import { normalizeResourceId } from "../../../src/core/resourceId";
import type { Check, CheckContext, CheckResult } from "../../../src/core/checks/types";
import type { ManagedEndpointDefinition } from "../../../src/ports";

export type Json = { [key: string]: unknown };

export const PROVIDER_SUB = "11111111-1111-1111-1111-111111111111";
export const CONSUMER_SUB = "22222222-2222-2222-2222-222222222222";
export const NOW = new Date("2025-03-01T12:00:00Z");

const net = (sub: string, rg: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network`;

export const IDS = {
  vnetSvc: `${net(PROVIDER_SUB, "rg-svc")}/virtualNetworks/vnet-svc`,
  subnetPls: `${net(PROVIDER_SUB, "rg-svc")}/virtualNetworks/vnet-svc/subnets/snet-pls`,
  subnetLb: `${net(PROVIDER_SUB, "rg-svc")}/virtualNetworks/vnet-svc/subnets/snet-lb`,
  lb: `${net(PROVIDER_SUB, "rg-svc")}/loadBalancers/lb-svc`,
  frontend: `${net(PROVIDER_SUB, "rg-svc")}/loadBalancers/lb-svc/frontendIPConfigurations/fe-svc`,
  pool: `${net(PROVIDER_SUB, "rg-svc")}/loadBalancers/lb-svc/backendAddressPools/be-svc`,
  rule: `${net(PROVIDER_SUB, "rg-svc")}/loadBalancers/lb-svc/loadBalancingRules/rule-svc`,
  probe: `${net(PROVIDER_SUB, "rg-svc")}/loadBalancers/lb-svc/probes/probe-svc`,
  backendNicIpConfig: `${net(PROVIDER_SUB, "rg-svc")}/networkInterfaces/vm-svc-nic/ipConfigurations/ipconfig1`,
  pls: `${net(PROVIDER_SUB, "rg-svc")}/privateLinkServices/pls-svc`,
  plsConnection: `${net(PROVIDER_SUB, "rg-svc")}/privateLinkServices/pls-svc/privateEndpointConnections/pe-app.conn`,
  plsAlias: "pls-svc.1a2b3c4d-5e6f-4a5b-8c7d-0e1f2a3b4c5d.eastus.azure.privatelinkservice",
  vnetApp: `${net(CONSUMER_SUB, "rg-app")}/virtualNetworks/vnet-app`,
  subnetApp: `${net(CONSUMER_SUB, "rg-app")}/virtualNetworks/vnet-app/subnets/snet-pe`,
  peApp: `${net(CONSUMER_SUB, "rg-app")}/privateEndpoints/pe-app`,
  relay: `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-relay/providers/Microsoft.Relay/namespaces/relay-prod`,
  relayConnection: `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-relay/providers/Microsoft.Relay/namespaces/relay-prod/privateEndpointConnections/pe-relay.conn`,
  vnetHub: `${net(PROVIDER_SUB, "rg-hub")}/virtualNetworks/vnet-hub`,
  subnetListener: `${net(PROVIDER_SUB, "rg-hub")}/virtualNetworks/vnet-hub/subnets/snet-listener`,
  nsg: `${net(PROVIDER_SUB, "rg-hub")}/networkSecurityGroups/nsg-listener`,
  peRelay: `${net(PROVIDER_SUB, "rg-hub")}/privateEndpoints/pe-relay`,
  peRelayNic: `${net(PROVIDER_SUB, "rg-hub")}/networkInterfaces/pe-relay.nic.0a1b2c3d`,
  zoneGroup: `${net(PROVIDER_SUB, "rg-hub")}/privateEndpoints/pe-relay/privateDnsZoneGroups/default`,
  zone: `${net(PROVIDER_SUB, "rg-dns")}/privateDnsZones/privatelink.servicebus.windows.net`,
  aRecord: `${net(PROVIDER_SUB, "rg-dns")}/privateDnsZones/privatelink.servicebus.windows.net/A/relay-prod`,
  zoneLink: `${net(PROVIDER_SUB, "rg-dns")}/privateDnsZones/privatelink.servicebus.windows.net/virtualNetworkLinks/link-hub`,
} as const;

export const RELAY_FQDN = "relay-prod.servicebus.windows.net";
export const RELAY_PE_IP = "10.2.1.4";

export function subnet(id: string, addressPrefix: string, extra: Json = {}): Json {
  return {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/virtualNetworks/subnets",
    properties: {
      addressPrefix,
      provisioningState: "Succeeded",
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
      ...extra,
    },
  };
}

export function virtualNetwork(
  id: string,
  location: string,
  addressPrefixes: string[],
  subnets: Json[],
): Json {
  return {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/virtualNetworks",
    location,
    properties: { provisioningState: "Succeeded", addressSpace: { addressPrefixes }, subnets },
  };
}

export function loadBalancer(): Json {
  return {
    name: "lb-svc",
    id: IDS.lb,
    type: "Microsoft.Network/loadBalancers",
    location: "eastus",
    sku: { name: "Standard", tier: "Regional" },
    properties: {
      provisioningState: "Succeeded",
      frontendIPConfigurations: [
        {
          name: "fe-svc",
          id: IDS.frontend,
          type: "Microsoft.Network/loadBalancers/frontendIPConfigurations",
          properties: {
            provisioningState: "Succeeded",
            privateIPAddress: "10.0.2.4",
            privateIPAllocationMethod: "Dynamic",
            privateIPAddressVersion: "IPv4",
            subnet: { id: IDS.subnetLb },
            loadBalancingRules: [{ id: IDS.rule }],
          },
        },
      ],
      backendAddressPools: [
        {
          name: "be-svc",
          id: IDS.pool,
          type: "Microsoft.Network/loadBalancers/backendAddressPools",
          properties: {
            provisioningState: "Succeeded",
            backendIPConfigurations: [{ id: IDS.backendNicIpConfig }],
            loadBalancingRules: [{ id: IDS.rule }],
          },
        },
      ],
      loadBalancingRules: [
        {
          name: "rule-svc",
          id: IDS.rule,
          type: "Microsoft.Network/loadBalancers/loadBalancingRules",
          properties: {
            provisioningState: "Succeeded",
            frontendIPConfiguration: { id: IDS.frontend },
            frontendPort: 443,
            backendPort: 443,
            protocol: "Tcp",
            backendAddressPool: { id: IDS.pool },
            probe: { id: IDS.probe },
          },
        },
      ],
      probes: [
        {
          name: "probe-svc",
          id: IDS.probe,
          type: "Microsoft.Network/loadBalancers/probes",
          properties: { provisioningState: "Succeeded", protocol: "Tcp", port: 443, intervalInSeconds: 15 },
        },
      ],
    },
  };
}

export function connectionRaw(id: string, peId: string, status: string, extra: Json = {}): Json {
  return {
    name: id.split("/").pop(),
    id,
    properties: {
      provisioningState: "Succeeded",
      privateEndpoint: { id: peId },
      privateLinkServiceConnectionState: { status, description: "Auto-approved", actionsRequired: "None" },
    },
    ...extra,
  };
}

export function privateLinkService(): Json {
  return {
    name: "pls-svc",
    id: IDS.pls,
    type: "Microsoft.Network/privateLinkServices",
    location: "eastus",
    tags: {},
    properties: {
      provisioningState: "Succeeded",
      visibility: { subscriptions: [CONSUMER_SUB, PROVIDER_SUB] },
      autoApproval: { subscriptions: [CONSUMER_SUB] },
      alias: IDS.plsAlias,
      loadBalancerFrontendIpConfigurations: [{ id: IDS.frontend }],
      ipConfigurations: [
        {
          name: "ipconfig1",
          id: `${IDS.pls}/ipConfigurations/ipconfig1`,
          properties: {
            privateIPAllocationMethod: "Dynamic",
            privateIPAddressVersion: "IPv4",
            subnet: { id: IDS.subnetPls },
          },
        },
      ],
      privateEndpointConnections: [connectionRaw(IDS.plsConnection, IDS.peApp, "Approved")],
    },
  };
}

export function privateEndpoint(opts: {
  id: string;
  location: string;
  subnetId: string;
  targetId: string;
  status: string;
  manual?: boolean;
  groupIds?: string[];
  customDnsConfigs?: { fqdn: string; ipAddresses: string[] }[];
  nicId?: string;
}): Json {
  const conn = {
    name: "conn",
    id: `${opts.id}/${opts.manual ? "manualPrivateLinkServiceConnections" : "privateLinkServiceConnections"}/conn`,
    properties: {
      privateLinkServiceId: opts.targetId,
      groupIds: opts.groupIds ?? [],
      requestMessage: "Please approve my connection.",
      privateLinkServiceConnectionState: { status: opts.status, description: "", actionsRequired: "None" },
    },
  };
  return {
    name: opts.id.split("/").pop(),
    id: opts.id,
    type: "Microsoft.Network/privateEndpoints",
    location: opts.location,
    properties: {
      provisioningState: "Succeeded",
      privateLinkServiceConnections: opts.manual ? [] : [conn],
      manualPrivateLinkServiceConnections: opts.manual ? [conn] : [],
      subnet: { id: opts.subnetId },
      networkInterfaces: opts.nicId ? [{ id: opts.nicId }] : [],
      customDnsConfigs: opts.customDnsConfigs ?? [],
    },
  };
}

export function networkInterface(id: string, subnetId: string, ip: string): Json {
  return {
    name: id.split("/").pop(),
    id,
    type: "Microsoft.Network/networkInterfaces",
    location: "eastus",
    properties: {
      ipConfigurations: [
        {
          name: "privateEndpointIpConfig",
          id: `${id}/ipConfigurations/privateEndpointIpConfig`,
          properties: {
            privateIPAddress: ip,
            privateIPAllocationMethod: "Dynamic",
            subnet: { id: subnetId },
          },
        },
      ],
    },
  };
}

export function securityRule(
  nsgId: string,
  name: string,
  p: {
    priority: number;
    direction: "Inbound" | "Outbound";
    access: "Allow" | "Deny";
    protocol?: string;
    destinationPortRange?: string;
    destinationPortRanges?: string[];
    destinationAddressPrefix?: string;
    sourceAddressPrefix?: string;
  },
): Json {
  return {
    name,
    id: `${nsgId}/securityRules/${name}`,
    properties: {
      provisioningState: "Succeeded",
      protocol: p.protocol ?? "Tcp",
      sourcePortRange: "*",
      ...(p.destinationPortRanges
        ? { destinationPortRanges: p.destinationPortRanges }
        : { destinationPortRange: p.destinationPortRange ?? "*" }),
      sourceAddressPrefix: p.sourceAddressPrefix ?? "*",
      destinationAddressPrefix: p.destinationAddressPrefix ?? "*",
      access: p.access,
      priority: p.priority,
      direction: p.direction,
    },
  };
}

/** An NSG as ARM returns it: custom rules plus Azure's six default rules (NetworkSecurityGroupGet.json). */
export function networkSecurityGroup(id: string, rules: Json[]): Json {
  const def = (
    name: string,
    priority: number,
    direction: string,
    access: string,
    src: string,
    dst: string,
  ): Json => ({
    name,
    id: `${id}/defaultSecurityRules/${name}`,
    properties: {
      provisioningState: "Succeeded",
      protocol: "*",
      sourcePortRange: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: src,
      destinationAddressPrefix: dst,
      access,
      priority,
      direction,
    },
  });
  return {
    name: id.split("/").pop(),
    id,
    type: "Microsoft.Network/networkSecurityGroups",
    location: "eastus",
    properties: {
      provisioningState: "Succeeded",
      securityRules: rules,
      defaultSecurityRules: [
        def("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
        def("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
        def("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
        def("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
        def("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
        def("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
      ],
    },
  };
}

export function relayNamespace(): Json {
  return {
    id: IDS.relay,
    name: "relay-prod",
    type: "Microsoft.Relay/Namespaces",
    location: "East US",
    sku: { name: "Standard", tier: "Standard" },
    tags: { "linkgate-private-only": "true" },
    properties: {
      provisioningState: "Succeeded",
      serviceBusEndpoint: `https://${RELAY_FQDN}:443/`,
      publicNetworkAccess: "Disabled",
      privateEndpointConnections: [
        connectionRaw(IDS.relayConnection, IDS.peRelay, "Approved", {
          type: "Microsoft.Relay/Namespaces/PrivateEndpointConnections",
          systemData: { createdAt: "2025-02-01T09:00:00Z", lastModifiedAt: "2025-02-01T09:05:00Z" },
        }),
      ],
    },
  };
}

export function zoneGroup(): Json {
  return {
    name: "default",
    id: IDS.zoneGroup,
    properties: {
      provisioningState: "Succeeded",
      privateDnsZoneConfigs: [
        {
          name: "privatelink-servicebus-windows-net",
          properties: {
            privateDnsZoneId: IDS.zone,
            recordSets: [
              {
                recordType: "A",
                recordSetName: "relay-prod",
                fqdn: "relay-prod.privatelink.servicebus.windows.net",
                ttl: 10,
                ipAddresses: [RELAY_PE_IP],
              },
            ],
          },
        },
      ],
    },
  };
}

export function privateDnsZone(id: string): Json {
  return {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/privateDnsZones",
    location: "global",
    properties: { numberOfRecordSets: 2, provisioningState: "Succeeded" },
  };
}

export function aRecord(id: string, ips: string[]): Json {
  return {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/privateDnsZones/A",
    properties: {
      ttl: 10,
      fqdn: "relay-prod.privatelink.servicebus.windows.net.",
      isAutoRegistered: false,
      aRecords: ips.map((ipv4Address) => ({ ipv4Address })),
    },
  };
}

export function virtualNetworkLink(id: string, vnetId: string): Json {
  return {
    id,
    name: id.split("/").pop(),
    type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    location: "global",
    properties: {
      virtualNetwork: { id: vnetId },
      registrationEnabled: false,
      virtualNetworkLinkState: "Completed",
      provisioningState: "Succeeded",
    },
  };
}

export function traffic(total: number): MetricSummary {
  return { total, points: 4 };
}

/** The mutable pieces of a test estate; `inventory()` assembles them the way the collector would. */
export interface TestEstate {
  pls: Json[];
  paas: Json[];
  privateEndpoints: Json[];
  zoneGroups: Json[];
  nics: Json[];
  loadBalancers: Json[];
  virtualNetworks: Json[];
  subnets: Json[];
  nsgs: Json[];
  zones: Json[];
  aRecords: Json[];
  links: Json[];
  metrics: Record<string, Record<string, MetricSummary>>;
  dns: Inventory["dns"];
  subscriptions: string[];
  /** Extra normalised connections besides those derived from pls/paas bodies. */
  extraConnections: PrivateEndpointConnection[];
  /** Managed private endpoint definitions the collector read; absent: none read. */
  managedDefinitions?: ManagedEndpointDefinition[];
}

export function healthyEstate(): TestEstate {
  const listenerSubnet = subnet(IDS.subnetListener, "10.2.1.0/24", { networkSecurityGroup: { id: IDS.nsg } });
  const plsSubnet = subnet(IDS.subnetPls, "10.0.1.0/24", { privateLinkServiceNetworkPolicies: "Disabled" });
  const lbSubnet = subnet(IDS.subnetLb, "10.0.2.0/24");
  const appSubnet = subnet(IDS.subnetApp, "10.1.0.0/24");
  return {
    pls: [privateLinkService()],
    paas: [relayNamespace()],
    privateEndpoints: [
      privateEndpoint({
        id: IDS.peApp,
        location: "eastus",
        subnetId: IDS.subnetApp,
        targetId: IDS.pls,
        status: "Approved",
      }),
      privateEndpoint({
        id: IDS.peRelay,
        location: "eastus",
        subnetId: IDS.subnetListener,
        targetId: IDS.relay,
        status: "Approved",
        groupIds: ["namespace"],
        nicId: IDS.peRelayNic,
        customDnsConfigs: [{ fqdn: RELAY_FQDN, ipAddresses: [RELAY_PE_IP] }],
      }),
    ],
    zoneGroups: [zoneGroup()],
    nics: [networkInterface(IDS.peRelayNic, IDS.subnetListener, RELAY_PE_IP)],
    loadBalancers: [loadBalancer()],
    virtualNetworks: [
      virtualNetwork(IDS.vnetSvc, "eastus", ["10.0.0.0/16"], [plsSubnet, lbSubnet]),
      virtualNetwork(IDS.vnetApp, "eastus", ["10.1.0.0/16"], [appSubnet]),
      virtualNetwork(IDS.vnetHub, "eastus", ["10.2.0.0/16"], [listenerSubnet]),
    ],
    subnets: [plsSubnet, listenerSubnet],
    nsgs: [networkSecurityGroup(IDS.nsg, [])],
    zones: [privateDnsZone(IDS.zone)],
    aRecords: [aRecord(IDS.aRecord, [RELAY_PE_IP])],
    links: [virtualNetworkLink(IDS.zoneLink, IDS.vnetHub)],
    metrics: {
      [normalizeResourceId(IDS.pls)]: {
        PLSBytesIn: traffic(52_000),
        PLSBytesOut: traffic(310_000),
        PLSNatPortsUsage: { average: 12, maximum: 20, points: 4 },
      },
      [normalizeResourceId(IDS.peRelay)]: { PEBytesIn: traffic(1_200), PEBytesOut: traffic(900) },
    },
    dns: [
      {
        fqdn: RELAY_FQDN,
        cnames: ["relay-prod.privatelink.servicebus.windows.net"],
        addresses: [RELAY_PE_IP],
      },
    ],
    subscriptions: [PROVIDER_SUB],
    extraConnections: [],
  };
}

/** The adapter's normalisation, reduced to what checks read. */
export function normaliseConnections(target: Json): PrivateEndpointConnection[] {
  const targetId = String(target["id"]);
  const list = ((target["properties"] as Json | undefined)?.["privateEndpointConnections"] ?? []) as Json[];
  return list.map((raw) => {
    const p = (raw["properties"] ?? {}) as Json;
    const state = (p["privateLinkServiceConnectionState"] ?? {}) as Json;
    const rawStatus = typeof state["status"] === "string" ? state["status"] : undefined;
    return {
      id: String(raw["id"]),
      name: String(raw["name"]),
      targetId,
      privateEndpointId: ((p["privateEndpoint"] ?? {}) as Json)["id"] as string | undefined,
      status: toConnectionStatus(rawStatus),
      rawStatus,
      description: typeof state["description"] === "string" ? state["description"] : undefined,
    };
  });
}

export function inventory(e: TestEstate): Inventory {
  const inv = emptyInventory(NOW.toISOString(), 60);
  inv.subscriptions = e.subscriptions.map((subscriptionId) => ({ subscriptionId }));
  inv.privateLinkServices = e.pls;
  inv.paasResources = e.paas;
  inv.connections = [
    ...e.pls.flatMap(normaliseConnections),
    ...e.paas.flatMap(normaliseConnections),
    ...e.extraConnections,
  ];
  inv.privateEndpoints = e.privateEndpoints;
  inv.privateDnsZoneGroups = e.zoneGroups;
  inv.networkInterfaces = e.nics;
  inv.loadBalancers = e.loadBalancers;
  inv.virtualNetworks = e.virtualNetworks;
  inv.subnets = e.subnets;
  inv.networkSecurityGroups = e.nsgs;
  inv.privateDnsZones = e.zones;
  inv.privateDnsARecords = e.aRecords;
  inv.virtualNetworkLinks = e.links;
  inv.metrics = e.metrics;
  inv.dns = e.dns;
  if (e.managedDefinitions) inv.managedDefinitions = e.managedDefinitions;
  return inv;
}

/** Sets a nested field by dotted path; numeric segments index arrays. Creates missing objects. */
export function set(target: Json, path: string, value: unknown): void {
  const segs = path.split(".");
  let cur: Json | unknown[] = target;
  for (let i = 0; i < segs.length - 1; i++) {
    const key = segs[i] as string;
    const holder = cur as Record<string, unknown>;
    if (holder[key] === undefined || holder[key] === null)
      holder[key] = /^\d+$/.test(segs[i + 1] ?? "") ? [] : {};
    cur = holder[key] as Json;
  }
  (cur as Record<string, unknown>)[segs[segs.length - 1] as string] = value;
}

export function get(target: Json, path: string): unknown {
  let cur: unknown = target;
  for (const key of path.split(".")) cur = (cur as Record<string, unknown> | undefined)?.[key];
  return cur;
}

export function byIdIn(list: Json[], id: string): Json {
  const found = list.find((r) => String(r["id"]).toLowerCase() === id.toLowerCase());
  if (!found) throw new Error(`test estate has no resource ${id}`);
  return found;
}

export function context(
  over: Partial<CheckContext> = {},
  settings: Partial<CheckContext["settings"]> = {},
): CheckContext {
  return {
    settings: {
      pendingThresholdHours: 24,
      natPortThresholdPercent: 80,
      trafficWindowMinutes: 60,
      ...settings,
    },
    now: NOW,
    ...over,
  };
}

export interface Expected {
  resourceId: string;
  /** Substrings the message must contain. */
  message: string[];
  severity?: "error" | "warning" | "info";
}

export interface Case {
  name: string;
  estate: (e: TestEstate) => void;
  ctx?: CheckContext;
}

export interface InvalidCase extends Case {
  expect: Expected[];
}

/**
 * typescript-eslint's RuleTester, for checks: every valid case yields no result; every invalid case yields
 * exactly the expected results (resource ID compared case-insensitively, message by substrings).
 */
export function checkTester(check: Check, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  const run = (c: Case): CheckResult[] => {
    const e = healthyEstate();
    c.estate(e);
    return check.run(inventory(e), c.ctx ?? context());
  };
  describe(check.id, () => {
    it("does not fire on the healthy estate", () => {
      expect(check.run(inventory(healthyEstate()), context())).toEqual([]);
    });
    describe("valid", () => {
      it.each(cases.valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        expect(run(c)).toEqual([]);
      });
    });
    describe("invalid", () => {
      it.each(cases.invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        const results = run(c);
        expect(results.map((r) => r.resourceId.toLowerCase())).toEqual(
          c.expect.map((x) => x.resourceId.toLowerCase()),
        );
        results.forEach((r, i) => {
          const want = c.expect[i] as Expected;
          for (const part of want.message) expect(r.message).toContain(part);
          if (want.severity) expect(r.severity ?? check.severity).toBe(want.severity);
        });
      });
    });
  });
}

/** Metrics are keyed by lower-cased resource ID, which contains dots: set them without a dotted path. */
export function setMetric(e: TestEstate, resourceId: string, name: string, value: MetricSummary): void {
  const key = normalizeResourceId(resourceId);
  e.metrics[key] = { ...(e.metrics[key] ?? {}), [name]: value };
}
