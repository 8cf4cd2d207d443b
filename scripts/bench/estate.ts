/**
 * The scale estate `npm run bench -- sweep` and `-- approval` run on: ARM-shaped seed documents (as GET
 * returns them) for the emulator, deterministic for a given size, and the policy that decides it.
 *
 * Shape (issue 10), for C connections (default 10,000): C/1000 * 5 swept subscriptions (50), C/20 targets
 * (500: two Private Link Services with their load balancers and three Relay namespaces per five), 20
 * connections per target, C/10 private endpoints in the swept subscriptions (1,000, each with a NIC and a DNS
 * zone group), and two Pending connections per target (1,000): one from a corp subscription, which the policy
 * approves, one from a stranger's, which it leaves Pending. Every subscription has one virtual network.
 */

export const TENANT = "aaaaaaaa-0000-4000-8000-00000000000a";
export const STRANGER_TENANT = "eeeeeeee-0000-4000-8000-00000000000e";
export const CORP_SUBS = Array.from({ length: 10 }, (_, i) => sub("c", i));
export const STRANGER_SUBS = Array.from({ length: 10 }, (_, i) => sub("e", i));
const CONNECTIONS_PER_TARGET = 20;
const LOCATION = "westeurope";

/** `{prefix}{prefix}...-0000-4000-8000-{index}`: a valid GUID per (prefix, index). */
function sub(prefix: string, i: number): string {
  return `${prefix.repeat(8)}-0000-4000-8000-${String(i).padStart(12, "0")}`;
}

export interface EstateSize {
  connections: number;
  /**
   * Swept subscriptions (default C/200, as above); the targets are spread over them in order, so with more
   * subscriptions than C/200 each holds fewer targets (the sharded bench: 100,000 connections in 500).
   */
  subscriptions?: number;
}

export interface Estate {
  /** Seed documents for startEmulator({ seed }). */
  seed: unknown[];
  /** The swept subscriptions. */
  subscriptions: string[];
  /** The policy (enforce mode): approves corp requesters, leaves the rest Pending. */
  policy: string;
  counts: {
    subscriptions: number;
    targets: number;
    privateLinkServices: number;
    relayNamespaces: number;
    privateEndpoints: number;
    connections: number;
    pending: number;
    pendingApprovable: number;
  };
  /** The Pending connections the policy approves (their IDs). */
  approvable: string[];
}

type Doc = Record<string, unknown>;

function connection(targetId: string, type: string, name: string, peId: string, status: string): Doc {
  // Network's PrivateEndpointConnection carries a read-only etag (its list items and the PLS's embedded array
  // too); Relay's schema has none.
  const isNetwork = type.toLowerCase().startsWith("microsoft.network/");
  return {
    id: `${targetId}/privateEndpointConnections/${name}`,
    name,
    type: `${type}/privateEndpointConnections`,
    ...(isNetwork ? { etag: `W/"${name}-1"` } : {}),
    properties: {
      provisioningState: "Succeeded",
      privateEndpoint: { id: peId },
      privateLinkServiceConnectionState: {
        status,
        description: status === "Pending" ? "please connect" : "Approved by linkgate",
        actionsRequired: "None",
      },
    },
  };
}

export function buildEstate(size: EstateSize): Estate {
  const targetsTotal = Math.max(5, Math.round(size.connections / CONNECTIONS_PER_TARGET / 5) * 5);
  const subsTotal = size.subscriptions ?? Math.max(1, Math.round(targetsTotal / 10));
  if (!Number.isInteger(subsTotal) || subsTotal < 1) throw new Error(`subscriptions must be an integer >= 1`);
  // The default spreads 10 targets per subscription; an explicit count spreads them evenly in order.
  const subIndex = (t: number): number =>
    size.subscriptions === undefined
      ? Math.floor(t / 10) % subsTotal
      : Math.floor((t * subsTotal) / targetsTotal);
  const subscriptions = Array.from({ length: subsTotal }, (_, i) => sub("a", i));
  const seed: Doc[] = [];
  for (const s of subscriptions)
    seed.push({ id: `/subscriptions/${s}`, subscriptionId: s, tenantId: TENANT, state: "Enabled" });
  for (const s of CORP_SUBS)
    seed.push({ id: `/subscriptions/${s}`, subscriptionId: s, tenantId: TENANT, state: "Enabled" });
  for (const s of STRANGER_SUBS)
    seed.push({ id: `/subscriptions/${s}`, subscriptionId: s, tenantId: STRANGER_TENANT, state: "Enabled" });

  const approvable: string[] = [];
  let pls = 0;
  let relay = 0;
  let pes = 0;
  let conns = 0;
  let pending = 0;
  const zoneId = `/subscriptions/${subscriptions[0]}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.servicebus.windows.net`;
  seed.push({
    id: zoneId,
    name: "privatelink.servicebus.windows.net",
    type: "Microsoft.Network/privateDnsZones",
    location: "global",
    properties: { provisioningState: "Succeeded" },
  });

  for (let t = 0; t < targetsTotal; t++) {
    const s = subscriptions[subIndex(t)] as string;
    const rg = `/subscriptions/${s}/resourceGroups/rg-estate`;
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/vnet`;
    if (size.subscriptions === undefined ? t % 10 === 0 : t === 0 || subIndex(t - 1) !== subIndex(t)) {
      seed.push({
        id: vnet,
        name: "vnet",
        type: "Microsoft.Network/virtualNetworks",
        location: LOCATION,
        properties: {
          provisioningState: "Succeeded",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: ["snet-pe", "snet-pls"].map((n, i) => ({
            id: `${vnet}/subnets/${n}`,
            name: n,
            properties: {
              addressPrefix: `10.0.${i}.0/24`,
              privateEndpointNetworkPolicies: "Disabled",
              privateLinkServiceNetworkPolicies: "Disabled",
            },
          })),
        },
      });
    }
    const isPls = t % 5 < 2;
    const name = isPls ? `pls-${t}` : `relay-${t}`;
    const type = isPls ? "Microsoft.Network/privateLinkServices" : "Microsoft.Relay/namespaces";
    const targetId = `${rg}/providers/${type}/${name}`;
    const connections: Doc[] = [];
    for (let k = 0; k < CONNECTIONS_PER_TARGET; k++) {
      let peId: string;
      let status = "Approved";
      if (k === 0) {
        status = "Pending";
        peId = `/subscriptions/${CORP_SUBS[t % CORP_SUBS.length]}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-new-${t}`;
      } else if (k === 1) {
        status = "Pending";
        peId = `/subscriptions/${STRANGER_SUBS[t % STRANGER_SUBS.length]}/resourceGroups/rg-x/providers/Microsoft.Network/privateEndpoints/pe-x-${t}`;
      } else if (k === 2 || k === 3) {
        // An endpoint of the swept estate (its NIC, zone group and metrics are collected).
        peId = `${rg}/providers/Microsoft.Network/privateEndpoints/pe-${t}-${k}`;
        pes++;
        const nic = `${rg}/providers/Microsoft.Network/networkInterfaces/nic-pe-${t}-${k}`;
        seed.push({
          id: peId,
          name: `pe-${t}-${k}`,
          type: "Microsoft.Network/privateEndpoints",
          location: LOCATION,
          tags: {},
          properties: {
            provisioningState: "Succeeded",
            subnet: { id: `${vnet}/subnets/snet-pe` },
            networkInterfaces: [{ id: nic }],
            [isPls ? "privateLinkServiceConnections" : "privateLinkServiceConnections"]: [
              {
                id: `${peId}/privateLinkServiceConnections/c`,
                name: "c",
                properties: {
                  privateLinkServiceId: targetId,
                  ...(isPls ? {} : { groupIds: ["namespace"] }),
                  privateLinkServiceConnectionState: {
                    status: "Approved",
                    description: "",
                    actionsRequired: "None",
                  },
                },
              },
            ],
            manualPrivateLinkServiceConnections: [],
            customDnsConfigs: [],
          },
        });
        seed.push({
          id: nic,
          name: `nic-pe-${t}-${k}`,
          type: "Microsoft.Network/networkInterfaces",
          location: LOCATION,
          properties: {
            provisioningState: "Succeeded",
            ipConfigurations: [
              {
                id: `${nic}/ipConfigurations/privateEndpointIpConfig`,
                name: "privateEndpointIpConfig",
                properties: {
                  privateIPAddress: `10.0.0.${(t * 2 + k) % 250}`,
                  subnet: { id: `${vnet}/subnets/snet-pe` },
                },
              },
            ],
          },
        });
        if (!isPls) {
          seed.push({
            id: `${peId}/privateDnsZoneGroups/default`,
            name: "default",
            type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
            properties: {
              provisioningState: "Succeeded",
              privateDnsZoneConfigs: [
                {
                  id: `${peId}/privateDnsZoneGroups/default/privateDnsZoneConfigs/sb`,
                  name: "sb",
                  properties: { privateDnsZoneId: zoneId, recordSets: [] },
                },
              ],
            },
          });
        }
      } else {
        peId = `/subscriptions/${CORP_SUBS[(t + k) % CORP_SUBS.length]}/resourceGroups/rg-app/providers/Microsoft.Network/privateEndpoints/pe-${t}-${k}`;
      }
      const c = connection(targetId, type, `c${k}`, peId, status);
      if (k === 0) approvable.push(c["id"] as string);
      if (status === "Pending") pending++;
      connections.push(c);
      conns++;
    }
    if (isPls) {
      pls++;
      const lb = `${rg}/providers/Microsoft.Network/loadBalancers/lb-${t}`;
      seed.push({
        id: lb,
        name: `lb-${t}`,
        type: "Microsoft.Network/loadBalancers",
        location: LOCATION,
        sku: { name: "Standard", tier: "Regional" },
        properties: {
          provisioningState: "Succeeded",
          frontendIPConfigurations: [
            {
              id: `${lb}/frontendIPConfigurations/fe`,
              name: "fe",
              properties: { privateIPAddress: "10.0.1.4", subnet: { id: `${vnet}/subnets/snet-pls` } },
            },
          ],
          backendAddressPools: [
            {
              id: `${lb}/backendAddressPools/pool`,
              name: "pool",
              properties: { backendIPConfigurations: [{ id: `${lb}/x/ipConfigurations/ip` }] },
            },
          ],
          loadBalancingRules: [
            {
              id: `${lb}/loadBalancingRules/r`,
              name: "r",
              properties: {
                frontendIPConfiguration: { id: `${lb}/frontendIPConfigurations/fe` },
                backendAddressPool: { id: `${lb}/backendAddressPools/pool` },
                probe: { id: `${lb}/probes/p` },
                protocol: "Tcp",
                frontendPort: 443,
                backendPort: 443,
              },
            },
          ],
          probes: [{ id: `${lb}/probes/p`, name: "p", properties: { protocol: "Tcp", port: 443 } }],
        },
      });
      seed.push({
        id: targetId,
        name,
        type,
        location: LOCATION,
        tags: {},
        properties: {
          provisioningState: "Succeeded",
          visibility: { subscriptions: [...CORP_SUBS, ...STRANGER_SUBS, ...subscriptions] },
          autoApproval: { subscriptions: [] },
          loadBalancerFrontendIpConfigurations: [{ id: `${lb}/frontendIPConfigurations/fe` }],
          ipConfigurations: [
            {
              id: `${targetId}/ipConfigurations/nat1`,
              name: "nat1",
              properties: {
                privateIPAllocationMethod: "Dynamic",
                subnet: { id: `${vnet}/subnets/snet-pls` },
                primary: true,
              },
            },
          ],
          privateEndpointConnections: connections,
        },
      });
    } else {
      relay++;
      seed.push({
        id: targetId,
        name,
        type,
        location: LOCATION,
        sku: { name: "Standard", tier: "Standard" },
        tags: {},
        properties: {
          provisioningState: "Succeeded",
          serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/`,
          publicNetworkAccess: "Disabled",
          privateEndpointConnections: connections,
        },
      });
    }
  }

  const policy = [
    "apiVersion: linkgate/v1",
    "mode: enforce",
    "default: pending",
    "rules:",
    "  - id: corp",
    "    description: corp subscriptions and the estate's own",
    "    when:",
    "      requester:",
    `        subscriptions: [${[...CORP_SUBS, ...subscriptions].join(", ")}]`,
    "    action: approve",
    "    message: Approved by linkgate rule corp",
    "",
  ].join("\n");

  return {
    seed,
    subscriptions,
    policy,
    approvable,
    counts: {
      subscriptions: subsTotal,
      targets: targetsTotal,
      privateLinkServices: pls,
      relayNamespaces: relay,
      privateEndpoints: pes,
      connections: conns,
      pending,
      pendingApprovable: approvable.length,
    },
  };
}
