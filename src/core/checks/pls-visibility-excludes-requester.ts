import { asObject, asStrings, idOf, props } from "./arm";
import { connectionsOf, estateOf, subscriptionOf } from "./estate";
import { describeAccessMode, plsAccessMode } from "./plsAccessMode";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-visibility-excludes-requester";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Requester subscription outside the PLS visibility",
  description:
    "A connection comes from a subscription that the Private Link Service's visibility does not list. With accessMode Default (or none reported), visibility controls who can find the service by alias: the requester connected by resource ID or before visibility was narrowed, and will fail to reconnect by alias (warning). With accessMode Restricted, access is limited to the subscriptions in the visibility list: the requester is refused (error).",
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
      const mode = plsAccessMode(pls);
      for (const c of connectionsOf(e, plsId)) {
        if (c.status !== "Pending" && c.status !== "Approved") continue;
        const sub = subscriptionOf(c.privateEndpointId);
        if (!sub || visible.includes(sub.toLowerCase())) continue;
        const base = `connection ${c.name} (${c.status}) on ${plsId} comes from subscription ${sub}, which is not in the PLS visibility [${visible.join(", ") || "none"}]`;
        const consequence =
          mode.kind === "Restricted"
            ? "; the PLS's accessMode Restricted limits access to the subscriptions in its visibility, so this requester is refused"
            : mode.kind === "Default"
              ? `; with ${describeAccessMode(mode)} it can connect by resource ID but cannot find the service by alias`
              : `; ${describeAccessMode(mode)}: whether the requester is refused is not known`;
        out.push({
          resourceId: c.id,
          message: base + consequence,
          severity: mode.kind === "Restricted" ? "error" : undefined,
          data: { requesterSubscription: sub, accessMode: mode.kind === "unknown" ? mode.value : mode.kind },
        });
      }
    }
    return out;
  },
};
