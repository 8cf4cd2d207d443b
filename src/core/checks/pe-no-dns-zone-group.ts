import { idOf } from "./arm";
import { estateOf, targetsPls, zoneConfigs } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-no-dns-zone-group";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Private endpoint without a private DNS zone group",
  description:
    "A private endpoint to a PaaS resource has no private DNS zone group, so Azure does not keep an A record for it in a privatelink zone. Clients then resolve the service's public address unless DNS is managed some other way. Endpoints to a Private Link Service are skipped: a custom service has no well-known privatelink zone.",
  remediation:
    "Add a zone group pointing at the service's privatelink zone (`az network private-endpoint dns-zone-group create --endpoint-name <pe> --private-dns-zone <zone id> --zone-name <name>`). If DNS is deliberately managed elsewhere (custom DNS servers, policy-driven records), suppress this check on the endpoint with the tag `linkgate-suppress: pe-no-dns-zone-group`.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      if (!peId || targetsPls(pe)) continue;
      if (zoneConfigs(e, peId).length > 0) continue;
      out.push({ resourceId: peId, message: `private endpoint ${peId} has no private DNS zone group` });
    }
    return out;
  },
};
