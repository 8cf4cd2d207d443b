/**
 * Decision facts from live reads, as reconcile decides a connection and `linkgate facts` prints it: the
 * requester's and the target's tenants asked of the TenantResolver (both at once), `requester.managedBy` from
 * the pass's managed facts (core/managed), the clock read once the tenants are known, then core/facts
 * buildFacts. One implementation, so a printed request decides exactly as reconcile would.
 */
import { buildFacts, requesterFromEndpointId } from "../facts";
import type { ManagedFacts } from "../managed/read";
import type { DecisionFacts, PrivateEndpointConnection, TargetResource } from "../model";
import type { Clock, OperationOptions, TenantResolver } from "../../ports";

export interface LiveFactsDeps {
  readonly tenants: TenantResolver;
  readonly clock: Clock;
  /** The target's managed definitions as read for this pass; absent: the facts carry no managedBy. */
  readonly managed?: ManagedFacts;
}

/** `connections`: every connection of `target` as the caller's pass sees them (for approvedCount, managedBy). */
export async function liveFacts(
  connection: PrivateEndpointConnection,
  target: TargetResource,
  connections: readonly PrivateEndpointConnection[],
  deps: LiveFactsDeps,
  opts: OperationOptions = {},
): Promise<DecisionFacts> {
  const requester = requesterFromEndpointId(connection.privateEndpointId);
  const [requesterTenantId, targetTenantId] = await Promise.all([
    requester.subscriptionId
      ? deps.tenants.tenantOfSubscription(requester.subscriptionId, opts)
      : Promise.resolve(undefined),
    deps.tenants.tenantOfSubscription(target.subscriptionId, opts),
  ]);
  return buildFacts({
    connection,
    target,
    connections,
    requesterTenantId,
    targetTenantId,
    now: deps.clock.now(),
    managedBy: deps.managed?.factFor(connection, target, connections),
  });
}
