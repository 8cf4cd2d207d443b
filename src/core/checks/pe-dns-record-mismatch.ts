import { asArray, asString, idOf, lookup, props } from "./arm";
import {
  customDns,
  endpointIps,
  estateOf,
  inScopeSubscription,
  subscriptionOf,
  trimDot,
  zoneConfigs,
} from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-dns-record-mismatch";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "Private DNS A record missing or not the endpoint's private IP",
  description:
    "The private DNS zone named by a private endpoint's zone group has no A record for the endpoint, or the record points at another address (often a deleted and recreated endpoint's old IP). Clients resolve the name to nothing or to the wrong IP.",
  remediation:
    "Recreate the zone group on the private endpoint so Azure rewrites the record (`az network private-endpoint dns-zone-group delete` then `create`), or fix the A record by hand (`az network private-dns record-set a update`) to the endpoint's private IP.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      if (!peId) continue;
      const ownIps = endpointIps(e, pe);
      for (const cfg of zoneConfigs(e, peId)) {
        const zone = lookup(e.zones, cfg.zoneId);
        if (!zone) {
          // A zone in a subscription we do not sweep is unknown, not missing.
          if (inScopeSubscription(e, subscriptionOf(cfg.zoneId))) {
            out.push({
              resourceId: peId,
              discriminator: cfg.zoneId,
              message: `private endpoint ${peId}: zone group names private DNS zone ${cfg.zoneId}, which does not exist`,
            });
          }
          continue;
        }
        const zoneName = trimDot(asString(zone["name"]) ?? cfg.zoneId.split("/").pop() ?? "");
        const publicSuffix = zoneName.replace(/^privatelink\./, "");
        let expected = cfg.recordSets.map((r) => ({
          name: r.name,
          ips: r.ipAddresses.length > 0 ? r.ipAddresses : ownIps,
        }));
        if (expected.length === 0) {
          // Older reads of a zone group omit recordSets: derive the record names from the service FQDNs.
          expected = customDns(pe)
            .map((d) => ({ fqdn: trimDot(d.fqdn), ips: d.ipAddresses.length > 0 ? d.ipAddresses : ownIps }))
            .filter((d) => d.fqdn.endsWith(`.${publicSuffix}`))
            .map((d) => ({ name: d.fqdn.slice(0, -(publicSuffix.length + 1)), ips: d.ips }));
        }
        for (const want of expected) {
          if (want.ips.length === 0) continue;
          const recordId = `${idOf(zone) ?? cfg.zoneId}/A/${want.name}`;
          const record = lookup(e.aRecords, recordId);
          if (!record) {
            out.push({
              resourceId: peId,
              discriminator: recordId,
              message: `private endpoint ${peId}: private DNS zone ${zoneName} has no A record ${want.name} (expected ${want.ips.join(", ")})`,
            });
            continue;
          }
          const actual = asArray(props(record)["aRecords"])
            .map((a) => asString(a["ipv4Address"]))
            .filter((x): x is string => !!x);
          if (actual.some((ip) => want.ips.includes(ip))) continue;
          out.push({
            resourceId: peId,
            discriminator: recordId,
            message: `private endpoint ${peId}: A record ${want.name}.${zoneName} points to ${actual.join(", ") || "no address"}, but the endpoint's private IP is ${want.ips.join(", ")}`,
          });
        }
      }
    }
    return out;
  },
};
