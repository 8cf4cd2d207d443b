import { asObject, asStrings, idOf, props } from "./arm";
import { describeAccessMode, plsAccessMode } from "./plsAccessMode";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pls-auto-approval-not-in-visibility";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Auto-approval subscriptions not a subset of visibility",
  description:
    "A Private Link Service auto-approves subscriptions that its visibility does not include. Auto-approval must be a subset of visibility. With accessMode Default (or none reported) those subscriptions cannot find the service by alias but can still connect by resource ID and are approved automatically, outside linkgate's policy; with accessMode Restricted they can never connect, so the entry is dead configuration or hides a visibility mistake.",
  remediation:
    "Add the listed subscriptions to the PLS visibility, or remove them from auto-approval (`az network private-link-service update --visibility ... --auto-approval ...`).",
  docUrl: docUrlFor(ID),
  run(inv) {
    const out: CheckResult[] = [];
    for (const pls of inv.privateLinkServices) {
      const plsId = idOf(pls);
      if (!plsId) continue;
      const p = props(pls);
      const visible = new Set(
        asStrings(asObject(p["visibility"])?.["subscriptions"]).map((s) => s.toLowerCase()),
      );
      if (visible.has("*")) continue;
      const auto = asStrings(asObject(p["autoApproval"])?.["subscriptions"]);
      const outside = auto.filter((s) => !visible.has(s.toLowerCase()));
      if (outside.length === 0) continue;
      const mode = plsAccessMode(pls);
      const consequence =
        mode.kind === "Restricted"
          ? "; with accessMode Restricted they can never connect, so the entries are dead configuration"
          : mode.kind === "Default"
            ? `; with ${describeAccessMode(mode)} they cannot find it by alias but can still connect by resource ID and are approved automatically, outside linkgate's policy`
            : `; ${describeAccessMode(mode)}: whether they can connect is not known`;
      out.push({
        resourceId: plsId,
        message: `Private Link Service ${plsId} auto-approves subscription(s) ${outside.join(", ")} that are not in its visibility [${[...visible].join(", ") || "none"}]${consequence}`,
        data: { outside: outside.length, accessMode: mode.kind === "unknown" ? mode.value : mode.kind },
      });
    }
    return out;
  },
};
