import { idOf } from "./arm";
import { endpointConnections, estateOf, metric, statusOfRaw } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-no-traffic";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Approved private endpoint but no bytes in or out",
  description:
    "A private endpoint's connection is Approved, yet its PEBytesIn and PEBytesOut metrics total zero over the sweep window. Clients are not reaching it: most often their DNS still resolves the service's public address, or nothing uses the endpoint any more.",
  remediation:
    "From a client, resolve the service FQDN and confirm it returns the endpoint's private IP (see pe-dns-live-resolution); check route tables and firewalls between client and endpoint; delete the endpoint if unused.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      if (!peId) continue;
      const approved = endpointConnections(pe).some(
        ({ connection }) => statusOfRaw(connection)?.toLowerCase() === "approved",
      );
      if (!approved) continue;
      const bytesIn = metric(e, peId, "PEBytesIn");
      const bytesOut = metric(e, peId, "PEBytesOut");
      if (!bytesIn || !bytesOut || bytesIn.points === 0 || bytesOut.points === 0) continue;
      if ((bytesIn.total ?? 0) > 0 || (bytesOut.total ?? 0) > 0) continue;
      out.push({
        resourceId: peId,
        message: `private endpoint ${peId} is Approved but PEBytesIn and PEBytesOut total 0 over the last ${ctx.settings.trafficWindowMinutes} min`,
        data: { windowMinutes: ctx.settings.trafficWindowMinutes },
      });
    }
    return out;
  },
};
