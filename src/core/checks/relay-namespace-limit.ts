import { idOf } from "./arm";
import { estateOf, subscriptionOf } from "./estate";
import { RELAY_LIMIT, RELAY_WARN_AT, relayConnectionIds, relayNamespaces } from "./relay";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "relay-namespace-limit";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Relay namespaces with private endpoints per subscription at or near 64",
  description: `At most ${RELAY_LIMIT} Relay namespaces per subscription can have private endpoints. Warning from ${RELAY_WARN_AT} such namespaces in one subscription, error at ${RELAY_LIMIT}. Only namespaces the sweep can see are counted.`,
  remediation:
    "Remove private endpoints from namespaces that no longer need them, consolidate hybrid connections into fewer namespaces, or create new namespaces in another subscription.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const bySub = new Map<string, { sub: string; namespaces: number }>();
    for (const ns of relayNamespaces(e)) {
      const sub = subscriptionOf(idOf(ns));
      if (!sub || relayConnectionIds(e, ns).size === 0) continue;
      const entry = bySub.get(sub.toLowerCase()) ?? { sub, namespaces: 0 };
      entry.namespaces++;
      bySub.set(sub.toLowerCase(), entry);
    }
    const out: CheckResult[] = [];
    for (const { sub, namespaces } of bySub.values()) {
      if (namespaces < RELAY_WARN_AT) continue;
      out.push({
        resourceId: `/subscriptions/${sub}`,
        severity: namespaces >= RELAY_LIMIT ? "error" : "warning",
        message: `subscription ${sub} has ${namespaces} Relay namespaces with private endpoints; the limit is ${RELAY_LIMIT}`,
        data: { namespaces, limit: RELAY_LIMIT },
      });
    }
    return out;
  },
};
