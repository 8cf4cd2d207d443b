import { looksManaged } from "../managed/classify";
import { corroborateTarget } from "../managed/corroborate";
import { definitionsByTarget } from "../managed/read";
import type { TargetResource } from "../model";
import { normalizeResourceId, parseResourceId, resourceName, resourceType } from "../resourceId";
import { estateOf } from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-managed-uncorroborated";

/** The target as corroboration reads it: ID, type and name are all it compares against (group ids come from the type). */
function targetOf(id: string): TargetResource | undefined {
  try {
    const p = parseResourceId(id);
    return {
      id,
      type: resourceType(p),
      name: resourceName(p),
      subscriptionId: p.subscriptionId,
      resourceGroup: p.resourceGroup,
      tags: {},
    };
  } catch {
    return undefined;
  }
}

export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Managed private endpoint request Pending with no corroborating definition",
  description:
    "A Pending connection from outside the watched subscriptions reaches a target that our own Front Door origins, Data Factory or Synapse managed private endpoints or AI Search shared private links name, but no single definition vouches for it (none matches, or it is ambiguous). A requester.managedBy rule will not approve it.",
  remediation:
    "If the request is ours, make the definition match it (target, group id, Front Door region, request message) or remove the duplicate definition or connection that makes it ambiguous; otherwise reject the connection. `linkgate facts --connection <id>` shows what was looked for.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const definitions = inv.managedDefinitions;
    // No definitions collected: the sweep cannot tell a managed request from any other.
    if (!definitions) return [];
    const e = estateOf(inv);
    // A shard watches the whole estate's subscriptions, not only the ones it swept.
    const watched = new Set(
      (inv.estateSubscriptions ?? inv.subscriptions.map((s) => s.subscriptionId)).map((s) => s.toLowerCase()),
    );
    const out: CheckResult[] = [];
    for (const [key, defs] of definitionsByTarget(definitions)) {
      const connections = e.connectionsByTarget.get(key) ?? [];
      const pending = connections.filter((c) => c.status === "Pending" && looksManaged(c, true, watched));
      if (pending.length === 0) continue;
      const target = targetOf(pending[0]?.targetId ?? "");
      if (!target) continue;
      const facts = corroborateTarget(target, connections, defs);
      for (const c of pending) {
        const f = facts.get(normalizeResourceId(c.id));
        if (!f || f.outcome === "corroborated") continue;
        const from = c.privateEndpointId ?? "(no private endpoint ID)";
        out.push({
          resourceId: c.id,
          message:
            f.outcome === "ambiguous"
              ? `managed request ${c.name} on ${c.targetId} from ${from} is Pending and ambiguous, so no managedBy rule approves it: ${f.detail ?? ""}`
              : `managed request ${c.name} on ${c.targetId} from ${from} is Pending and no definition vouches for it: ${f.detail ?? ""}`,
          data: { outcome: f.outcome, definitionsNamingTarget: defs.length },
        });
      }
    }
    return out;
  },
};
