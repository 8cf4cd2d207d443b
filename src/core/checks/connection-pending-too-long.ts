import type { PrivateEndpointConnection } from "../model";
import { asObject, asString, lookup } from "./arm";
import { estateOf, rawConnection, type Estate } from "./estate";
import { docUrlFor, type Check, type CheckContext, type CheckResult } from "./types";

const ID = "connection-pending-too-long";

/**
 * When the connection entered Pending. ARM stamps `systemData` on the connection (PaaS providers) and on the
 * consumer's private endpoint; a Pending connection is last modified when it was requested, so the newest
 * stamp is the start of the wait. Private Link Service connections have no systemData and the consumer's
 * endpoint is usually unreadable, so the last resort is when linkgate itself first saw the connection Pending
 * (a lower bound of the real age). Without any of these the age is unknown and nothing is reported.
 */
function pendingSince(
  e: Estate,
  c: PrivateEndpointConnection,
  ctx: CheckContext,
): { at: Date; source: string } | undefined {
  const raw = rawConnection(e, c);
  const sys = asObject(raw?.["systemData"]);
  const peSys = asObject(lookup(e.privateEndpoints, c.privateEndpointId)?.["systemData"]);
  const candidates: [string | undefined, string][] = [
    [asString(sys?.["lastModifiedAt"]), "connection systemData.lastModifiedAt"],
    [asString(sys?.["createdAt"]), "connection systemData.createdAt"],
    [asString(peSys?.["createdAt"]), "private endpoint systemData.createdAt"],
  ];
  for (const [value, source] of candidates) {
    if (!value) continue;
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return { at, source };
  }
  const seen = ctx.pendingFirstSeen?.(c);
  if (seen && !Number.isNaN(seen.getTime())) return { at: seen, source: FIRST_SEEN_SOURCE };
  return undefined;
}

const FIRST_SEEN_SOURCE = "linkgate";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Connection Pending longer than the threshold",
  description:
    "A private endpoint connection has waited for approval longer than LINKGATE_PENDING_THRESHOLD_HOURS. The consumer's traffic cannot flow until the owner approves or rejects it.",
  remediation:
    "Approve or reject the connection (portal: the resource's Networking > Private endpoint connections, or `az network private-endpoint-connection approve|reject --id <connection id>`), or add a policy rule that decides such requests.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const thresholdMs = ctx.settings.pendingThresholdHours * 3_600_000;
    const out: CheckResult[] = [];
    for (const c of inv.connections) {
      if (c.status !== "Pending") continue;
      const since = pendingSince(e, c, ctx);
      if (!since) continue;
      const ageMs = ctx.now.getTime() - since.at.getTime();
      if (ageMs <= thresholdMs) continue;
      const hours = Math.floor(ageMs / 3_600_000);
      out.push({
        resourceId: c.id,
        message:
          since.source === FIRST_SEEN_SOURCE
            ? `connection ${c.name} on ${c.targetId} from private endpoint ${c.privateEndpointId ?? "(unknown)"} has been Pending for at least ${hours} h (first seen Pending by linkgate at ${since.at.toISOString()}, the provider gives no creation time); threshold ${ctx.settings.pendingThresholdHours} h`
            : `connection ${c.name} on ${c.targetId} from private endpoint ${c.privateEndpointId ?? "(unknown)"} has been Pending for ${hours} h (since ${since.at.toISOString()}, from ${since.source}); threshold ${ctx.settings.pendingThresholdHours} h`,
        data: { pendingHours: hours, thresholdHours: ctx.settings.pendingThresholdHours },
      });
    }
    return out;
  },
};
