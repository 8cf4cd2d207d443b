/**
 * Turns what ARM says about one private endpoint connection into the facts the policy sees. Identity
 * comes only from ARM-filled fields: the requester's subscription, resource group and endpoint name from
 * `privateEndpoint.id`, its tenant from tenant discovery. The request message is carried as untrusted text
 * and never used to identify anyone.
 */
import { resolveGroupIds } from "./groupIds";
import type {
  DecisionFacts,
  ManagedByFacts,
  PrivateEndpointConnection,
  RequesterFacts,
  TargetResource,
} from "./model";
import { resourceName, sameResourceId, tryParseResourceId } from "./resourceId";

/** Requester facts from the consumer's private endpoint ID; an unparsable or missing ID yields no facts. */
export function requesterFromEndpointId(privateEndpointId: string | undefined): RequesterFacts {
  const p = tryParseResourceId(privateEndpointId);
  if (!p || !p.subscriptionId) return {};
  return {
    privateEndpointId: p.id,
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup || undefined,
    endpointName: p.types.length > 0 ? resourceName(p) : undefined,
  };
}

/** Approved connections on the target, not counting the one being decided (a re-decision must not count itself). */
export function countApproved(
  connections: readonly PrivateEndpointConnection[],
  excludeConnectionId: string,
): number {
  return connections.filter((c) => c.status === "Approved" && !sameResourceId(c.id, excludeConnectionId))
    .length;
}

export interface FactsInput {
  connection: PrivateEndpointConnection;
  target: TargetResource;
  /** Every connection of the target as just re-read (the one being decided may be among them). */
  connections: readonly PrivateEndpointConnection[];
  requesterTenantId: string | undefined;
  targetTenantId: string | undefined;
  now: Date;
  /** Corroboration by a managed private endpoint definition (./managed); absent when the policy needs none. */
  managedBy?: ManagedByFacts;
}

/** The DecisionFacts for one Pending connection. */
export function buildFacts(input: FactsInput): DecisionFacts {
  const { connection, target } = input;
  const requester = requesterFromEndpointId(connection.privateEndpointId);
  return {
    requester: {
      ...requester,
      tenantId: requester.subscriptionId ? input.requesterTenantId : undefined,
      ...(input.managedBy ? { managedBy: input.managedBy } : {}),
    },
    target: {
      id: target.id,
      type: target.type,
      location: target.location,
      tags: target.tags,
      // Where the provider exposes them (./groupIds.ts): Relay connections carry none, for one.
      groupIds: resolveGroupIds(target.type, connection.groupIds, target.groupIds),
    },
    // While Pending, `description` holds what the requester wrote: untrusted, bounded by the policy engine.
    requestMessage: connection.description,
    approvedCount: countApproved(input.connections, connection.id),
    targetTenantId: input.targetTenantId,
    targetSubscriptionId: target.subscriptionId,
    at: input.now.toISOString(),
  };
}
