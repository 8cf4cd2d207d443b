/** Relay facts shared by the Relay checks (limits from the Relay private link documentation). */
import type { ArmJson } from "../inventory";
import { RELAY_MAX_PRIVATE_ENDPOINTS, RELAY_NAMESPACE_TYPE } from "../policy/evaluate";
import { normalizeResourceId, sameType } from "../resourceId";
import { asArray, idOf, props, typeOf } from "./arm";
import { connectionsOf, type Estate } from "./estate";

/**
 * Private endpoints per Relay namespace (the number the policy enforces, so the checks warn where approvals
 * stop), and also Relay namespaces with private endpoints per subscription: both are 64.
 */
export const RELAY_LIMIT = RELAY_MAX_PRIVATE_ENDPOINTS;
/** Warn this close to the limit: eight endpoints of headroom is about one team's rollout. */
export const RELAY_WARN_AT = 56;

export function relayNamespaces(e: Estate): ArmJson[] {
  return e.inv.paasResources.filter((r) => sameType(typeOf(r), RELAY_NAMESPACE_TYPE));
}

/** Distinct connection ids on a namespace, from the normalised list and the raw resource body alike. */
export function relayConnectionIds(e: Estate, ns: ArmJson): Set<string> {
  const ids = new Set<string>();
  const nsId = idOf(ns);
  if (!nsId) return ids;
  for (const c of connectionsOf(e, nsId)) ids.add(normalizeResourceId(c.id));
  for (const raw of asArray(props(ns)["privateEndpointConnections"])) {
    const id = idOf(raw);
    if (id) ids.add(normalizeResourceId(id));
  }
  return ids;
}
