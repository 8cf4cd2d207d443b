import type { DnsAnswer } from "../inventory";
import { idOf } from "./arm";
import { customDns, endpointIps, estateOf, trimDot } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-dns-live-resolution";

export const check: Check = {
  id: ID,
  severity: "error",
  title: "Service FQDN does not resolve through privatelink to the endpoint's private IP",
  description:
    "Resolved live from where the sweep runs (through LINKGATE_DNS_RESOLVER when set), the service FQDN of a private endpoint (e.g. <ns>.servicebus.windows.net) must follow a CNAME to <ns>.privatelink.servicebus.windows.net and end at the endpoint's private IP. Error when the lookup fails or ends elsewhere (clients go to the public endpoint or nowhere); warning when it reaches the private IP without the privatelink CNAME (a hand-made override that breaks when the service's public DNS changes).",
  remediation:
    "Make the resolver used by clients answer from the privatelink zone: link the zone to their VNet (see pe-dns-zone-not-linked), or add a conditional forwarder for the service's public zone to 168.63.129.16 on custom DNS servers; remove any hand-made record for the public name.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const answers = new Map<string, DnsAnswer>();
    for (const a of inv.dns) answers.set(trimDot(a.fqdn), a);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      if (!peId) continue;
      for (const d of customDns(pe)) {
        const fqdn = trimDot(d.fqdn);
        const answer = answers.get(fqdn);
        // Not looked up this sweep (no resolver access, or out of scope): unknown, not broken.
        if (!answer) continue;
        const expected = d.ipAddresses.length > 0 ? d.ipAddresses : endpointIps(e, pe);
        if (expected.length === 0) continue;
        const chain = [fqdn, ...answer.cnames.map(trimDot)].join(" -> ");
        if (answer.error) {
          out.push({
            resourceId: peId,
            discriminator: fqdn,
            message: `private endpoint ${peId}: ${fqdn} did not resolve (${answer.error}); expected ${expected.join(", ")}`,
          });
          continue;
        }
        const hitsPrivate = answer.addresses.some((ip) => expected.includes(ip));
        const viaPrivatelink = answer.cnames.some((c) => trimDot(c).includes(".privatelink."));
        if (hitsPrivate && viaPrivatelink) continue;
        out.push({
          resourceId: peId,
          discriminator: fqdn,
          severity: hitsPrivate ? "warning" : "error",
          message: hitsPrivate
            ? `private endpoint ${peId}: ${fqdn} resolves to the private IP ${answer.addresses.join(", ")} without a privatelink CNAME (chain ${chain})`
            : `private endpoint ${peId}: ${fqdn} resolves via ${chain} to ${answer.addresses.join(", ") || "no address"}, not to the endpoint's private IP ${expected.join(", ")}${viaPrivatelink ? "" : " (no privatelink CNAME in the chain)"}`,
        });
      }
    }
    return out;
  },
};
