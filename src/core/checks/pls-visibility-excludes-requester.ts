import { asObject, asStrings, idOf, props } from "./arm";
import { connectionsOf, estateOf, subscriptionOf } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-visibility-excludes-requester";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Requester subscription outside the PLS visibility",
  description:
    "A connection comes from a subscription that the Private Link Service's visibility does not list. Visibility controls who can find the service by alias; a requester outside it connected by resource ID or before visibility was narrowed, and will fail to reconnect by alias.",
  remediation:
    "Add the requester's subscription to the PLS visibility (`az network private-link-service update --visibility <subscriptions>`) if it should have access, or reject and remove the connection if not.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const visible = asStrings(asObject(props(pls)["visibility"])?.["subscriptions"]).map((s) =>
        s.toLowerCase(),
      );
      if (visible.includes("*")) continue;
      for (const c of connectionsOf(e, plsId)) {
        if (c.status !== "Pending" && c.status !== "Approved") continue;
        const sub = subscriptionOf(c.privateEndpointId);
        if (!sub || visible.includes(sub.toLowerCase())) continue;
        out.push({
          resourceId: c.id,
          message: `connection ${c.name} (${c.status}) on ${plsId} comes from subscription ${sub}, which is not in the PLS visibility [${visible.join(", ") || "none"}]`,
          data: { requesterSubscription: sub },
        });
      }
    }
    return out;
  },
};
