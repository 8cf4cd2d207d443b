import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-stale-state";
const STALE = new Set(["Rejected", "Disconnected", "Removed"]);

export const check: Check = {
  id: ID,
  severity: "info",
  title: "Rejected, Disconnected or Removed connection still present",
  description:
    "A connection that was rejected or whose private endpoint was removed stays on the resource until deleted. It carries no traffic, clutters reviews and counts towards per-resource connection limits (64 per Relay namespace).",
  remediation:
    "Delete the connection from the target (`az network private-endpoint-connection delete --id <connection id>`), and ask the consumer to delete their private endpoint if it still exists.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const out: CheckResult[] = [];
    for (const c of inv.connections) {
      if (!c.status || !STALE.has(c.status)) continue;
      out.push({
        resourceId: c.id,
        message: `connection ${c.name} on ${c.targetId} is ${c.status}${c.description ? ` ("${c.description}")` : ""} and still present; private endpoint ${c.privateEndpointId ?? "(unknown)"}`,
        data: { status: c.status },
      });
    }
    return out;
  },
};
