import { idOf } from "./arm";
import { estateOf } from "./estate";
import { RELAY_LIMIT, RELAY_WARN_AT, relayConnectionIds, relayNamespaces } from "./relay";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "relay-pe-limit";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Private endpoints per Relay namespace at or near 64",
  description: `A Relay namespace accepts at most ${RELAY_LIMIT} private endpoints. Warning from ${RELAY_WARN_AT} connections, error at ${RELAY_LIMIT} (the next consumer cannot connect). Rejected and Disconnected connections count until deleted.`,
  remediation:
    "Delete Rejected/Disconnected connections (see connection-stale-state), consolidate consumers onto shared endpoints in hub networks, or spread consumers over another namespace.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const ns of relayNamespaces(e)) {
      const nsId = idOf(ns);
      if (!nsId) continue;
      const count = relayConnectionIds(e, ns).size;
      if (count < RELAY_WARN_AT) continue;
      out.push({
        resourceId: nsId,
        severity: count >= RELAY_LIMIT ? "error" : "warning",
        message: `Relay namespace ${nsId} has ${count} private endpoint connections; the limit is ${RELAY_LIMIT}${count >= RELAY_LIMIT ? " (reached: new endpoints cannot connect)" : ""}`,
        data: { connections: count, limit: RELAY_LIMIT },
      });
    }
    return out;
  },
};
