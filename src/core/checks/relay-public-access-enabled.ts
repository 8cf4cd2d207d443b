import { asString, idOf, props, tagValue } from "./arm";
import { estateOf } from "./estate";
import { relayNamespaces } from "./relay";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "relay-public-access-enabled";
export const DEFAULT_PRIVATE_ONLY_TAG = "linkgate-private-only";

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Relay public network access enabled where private-only is required",
  description: `A Relay namespace that must be reached only through private endpoints (tag ${DEFAULT_PRIVATE_ONLY_TAG}=true on the namespace, or the relayPrivateOnly setting for all of them) still has publicNetworkAccess Enabled (the default when the property is absent), so it stays reachable from the internet.`,
  remediation:
    "Disable public network access: `az relay namespace update --public-network-access Disabled -n <ns> -g <rg>` (or set properties.publicNetworkAccess to Disabled in the template). Check first that every client goes through a private endpoint.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const e = estateOf(inv);
    const tag = ctx.settings.privateOnlyTagName ?? DEFAULT_PRIVATE_ONLY_TAG;
    const out: CheckResult[] = [];
    for (const ns of relayNamespaces(e)) {
      const nsId = idOf(ns);
      if (!nsId) continue;
      const tagged = tagValue(ns, tag)?.trim().toLowerCase() === "true";
      if (!tagged && !ctx.settings.relayPrivateOnly) continue;
      const access = asString(props(ns)["publicNetworkAccess"]) ?? "Enabled";
      if (access.toLowerCase() !== "enabled") continue;
      out.push({
        resourceId: nsId,
        message: `Relay namespace ${nsId} has publicNetworkAccess ${access} but ${tagged ? `is tagged ${tag}=true` : "the relayPrivateOnly setting demands private-only access"}`,
      });
    }
    return out;
  },
};
