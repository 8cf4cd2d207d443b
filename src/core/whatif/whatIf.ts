/**
 * `policy what-if`: every private endpoint connection in the inventory (all states, collected once, as the
 * sweep collects it) decided under the OLD and the NEW policy with the same engine, facts (core/decisionFacts
 * inventoryFacts, tenants through core/tenants) and revocation plan (core/revocation/plan) the
 * approval path and the sweep use. Only the connections whose outcome changes are reported, grouped by
 * transition. Pure over its ports and read-only: nothing here can write.
 *
 * The outcome of a connection under a policy is what linkgate would do about it:
 * - Pending: the decision (`approve`, `reject`, `pending`): reconcile would write it (enforce mode);
 * - Approved and revoked under the policy's revocation opt-in: `revoke` (`revoke (audit)` in audit mode);
 * - anything else: `would <action>`: what the policy says, which linkgate reports but never writes.
 * Pending approvals on one target are folded into the next Pending connection's approvedCount, in inventory
 * order, as one reconcile pass does (so maxApprovedPerTarget and Relay's 64 are judged the same way).
 */
import { connectionsOf, estateOf } from "../checks/estate";
import { inventoryFacts } from "../decisionFacts/inventory";
import { errorMessage } from "../errors";
import type { CollectionError, Inventory } from "../inventory";
import type { Decision, DecisionFacts, PrivateEndpointConnection } from "../model";
import { evaluate, managedOwnerGlobs, type Policy } from "../policy";
import { revocationOf, type RevocationCandidate } from "../revocation/plan";
import { normalizeResourceId, sameResourceId } from "../resourceId";
import { inventoryTenants } from "../tenants/inventoryTenants";
import type { OperationOptions, TenantResolver } from "../../ports";

/** What one policy would do about one connection. */
export interface Verdict {
  /** `Pending → approve`'s right-hand side: `approve`, `revoke`, `would reject`... */
  readonly outcome: string;
  readonly action: Decision["action"];
  readonly ruleId: string;
  /** Every reason the engine gave (earlier rules' misses, then the deciding rule's match). */
  readonly reasons: readonly string[];
  /** A time-bound approval's expiry. */
  readonly expiresAt?: string;
  /** Set when the policy's revocation would revoke it. */
  readonly revocation?: Pick<RevocationCandidate, "reason" | "ruleId" | "why" | "expiresAt">;
}

export interface WhatIfChange {
  readonly connectionId: string;
  readonly targetId: string;
  /** The connection's state now (`Pending`, `Approved`...). */
  readonly status: string;
  readonly privateEndpointId?: string;
  /** `Pending → approve`. */
  readonly transition: string;
  readonly old: Verdict;
  readonly new: Verdict;
}

export interface RevocationGuardForecast {
  readonly mode: "audit" | "enforce";
  readonly maxPerSweep: number;
  readonly wouldRevoke: number;
  /** The sweep would revoke none of them and raise revocation-guard-tripped. */
  readonly tripped: boolean;
}

export interface WhatIfReport {
  /** The instant both policies were evaluated at (the clock). */
  readonly at: string;
  readonly connections: number;
  readonly unchanged: number;
  /** Grouped by transition in first-seen order, connections in inventory order within a group. */
  readonly changes: readonly WhatIfChange[];
  /** Transition -> count, in the order of `changes`. */
  readonly summary: readonly { readonly transition: string; readonly count: number }[];
  /** The NEW policy's revocation guard, when it opts in. */
  readonly guard?: RevocationGuardForecast;
  /** Parts of the scope that could not be read: the report is incomplete (the CLI exits 2). */
  readonly collectionErrors: readonly CollectionError[];
}

export interface WhatIfInput {
  readonly inventory: Inventory;
  readonly oldPolicy: Policy;
  readonly newPolicy: Policy;
  readonly tenants: TenantResolver;
  readonly now: Date;
}

function verdictOf(
  policy: Policy,
  c: PrivateEndpointConnection,
  facts: DecisionFacts | undefined,
  now: Date,
): Verdict {
  const decision: Decision = facts
    ? evaluate(policy, facts)
    : {
        action: "pending",
        ruleId: "unknown-target",
        message: "",
        reasons: [`the target ${c.targetId} is not in the inventory: its facts are unknown, left pending`],
      };
  const base = {
    action: decision.action,
    ruleId: decision.ruleId,
    reasons: decision.reasons,
    ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}),
  };
  if (c.status === "Pending") return { ...base, outcome: decision.action };
  const revocation = policy.revocation ? revocationOf(c, decision, now) : undefined;
  if (revocation) {
    return {
      ...base,
      outcome: policy.revocation?.mode === "enforce" ? "revoke" : "revoke (audit)",
      revocation: {
        reason: revocation.reason,
        ruleId: revocation.ruleId,
        why: revocation.why,
        ...(revocation.expiresAt ? { expiresAt: revocation.expiresAt } : {}),
      },
    };
  }
  return { ...base, outcome: `would ${decision.action}` };
}

/**
 * Decides every connection under one policy on the inventory's facts (core/decisionFacts), as the sweep judges
 * them: requester.managedBy under this policy's owners (the old and the new policy may list different ones).
 * Each Pending approval is folded into its target's view, so the next Pending connection's approvedCount
 * includes it, as one reconcile pass does.
 */
function verdicts(
  inv: Inventory,
  policy: Policy,
  tenants: ReadonlyMap<string, string | undefined>,
  now: Date,
): Verdict[] {
  const factsFor = inventoryFacts(inv, tenants, now, managedOwnerGlobs(policy));
  const e = estateOf(inv);
  const views = new Map<string, readonly PrivateEndpointConnection[]>();
  return inv.connections.map((c) => {
    const key = normalizeResourceId(c.targetId);
    const view = views.get(key) ?? connectionsOf(e, key);
    const facts = factsFor(c, view);
    let v: Verdict;
    try {
      v = verdictOf(policy, c, facts, now);
    } catch (err) {
      throw new Error(`evaluating policy for ${c.id}: ${errorMessage(err)}`);
    }
    if (c.status === "Pending" && v.action === "approve") {
      views.set(
        key,
        view.map((x) => (sameResourceId(x.id, c.id) ? { ...x, status: "Approved" as const } : x)),
      );
    }
    return v;
  });
}

export async function whatIf(input: WhatIfInput, options: OperationOptions = {}): Promise<WhatIfReport> {
  const inv = input.inventory;
  // Every connection's tenants: an unknown one matches no condition, and a failed lookup makes the report
  // incomplete (the CLI exits 2) instead of quietly deciding on less than it could have known.
  const tenantFailures: CollectionError[] = [];
  const tenants = await inventoryTenants(inv, input.tenants, {
    ...options,
    onFailure: (sub, err) =>
      tenantFailures.push({
        scope: `/subscriptions/${sub}`,
        message: `tenant lookup failed: ${errorMessage(err)}; tenant conditions on it were judged unknown`,
      }),
  });
  const before = verdicts(inv, input.oldPolicy, tenants, input.now);
  const after = verdicts(inv, input.newPolicy, tenants, input.now);
  const groups = new Map<string, WhatIfChange[]>();
  let unchanged = 0;
  inv.connections.forEach((c, i) => {
    const o = before[i] as Verdict;
    const n = after[i] as Verdict;
    if (o.outcome === n.outcome) {
      unchanged += 1;
      return;
    }
    const status = c.status ?? c.rawStatus ?? "Unknown";
    const transition = `${status} → ${n.outcome}`;
    const change: WhatIfChange = {
      connectionId: c.id,
      targetId: c.targetId,
      status,
      ...(c.privateEndpointId ? { privateEndpointId: c.privateEndpointId } : {}),
      transition,
      old: o,
      new: n,
    };
    const list = groups.get(transition) ?? [];
    list.push(change);
    groups.set(transition, list);
  });
  const rev = input.newPolicy.revocation;
  const wouldRevoke = after.filter((v) => v.revocation !== undefined).length;
  return {
    at: input.now.toISOString(),
    connections: inv.connections.length,
    unchanged,
    changes: [...groups.values()].flat(),
    summary: [...groups].map(([transition, list]) => ({ transition, count: list.length })),
    ...(rev
      ? {
          guard: {
            mode: rev.mode,
            maxPerSweep: rev.maxPerSweep,
            wouldRevoke,
            tripped: wouldRevoke > rev.maxPerSweep,
          },
        }
      : {}),
    collectionErrors: [...inv.collectionErrors, ...tenantFailures],
  };
}
