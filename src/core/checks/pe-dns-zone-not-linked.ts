import { sameResourceId } from "../resourceId";
import { asString, idOf, lookup, props, refId } from "./arm";
import { endpointSubnetId, estateOf, vnetIdOfSubnet, zoneConfigs } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-dns-zone-not-linked";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Private DNS zone not linked to the endpoint's virtual network",
  description:
    "A private DNS zone only answers queries from virtual networks linked to it. The zone holding a private endpoint's record is not linked to the endpoint's VNet, so clients there using Azure DNS resolve the public address. Error when the zone has no link at all; warning when it is linked elsewhere (fine in hub-and-spoke designs where the hub's DNS forwarder resolves for the spokes: suppress per zone then).",
  remediation:
    "Link the zone to the VNet: `az network private-dns link vnet create --zone-name <zone> --virtual-network <vnet id> --name <link> --registration-enabled false -g <zone rg>`.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const pending = new Map<
      string,
      { zoneId: string; vnetId: string; endpoints: string[]; linked: number }
    >();
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      const vnetId = vnetIdOfSubnet(endpointSubnetId(pe));
      if (!peId || !vnetId) continue;
      for (const cfg of zoneConfigs(e, peId)) {
        const zone = lookup(e.zones, cfg.zoneId);
        if (!zone) continue;
        const zoneId = idOf(zone) ?? cfg.zoneId;
        const links = e.linksByZone.get(zoneId.toLowerCase()) ?? [];
        if (links.some((l) => sameResourceId(refId(props(l)["virtualNetwork"]), vnetId))) continue;
        const key = `${zoneId.toLowerCase()}\n${vnetId.toLowerCase()}`;
        const entry = pending.get(key) ?? { zoneId, vnetId, endpoints: [], linked: links.length };
        entry.endpoints.push(peId);
        pending.set(key, entry);
      }
    }
    const out: CheckResult[] = [];
    for (const p of pending.values()) {
      const zoneName = asString(lookup(e.zones, p.zoneId)?.["name"]) ?? p.zoneId;
      out.push({
        resourceId: p.zoneId,
        discriminator: p.vnetId,
        severity: p.linked === 0 ? "error" : "warning",
        message: `private DNS zone ${zoneName} is not linked to virtual network ${p.vnetId} (${p.linked === 0 ? "it has no virtual network links at all" : `it has ${p.linked} link(s) to other networks`}); private endpoint(s) there: ${p.endpoints.join(", ")}`,
        data: { links: p.linked },
      });
    }
    return out;
  },
};
