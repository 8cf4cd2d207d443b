/**
 * The decision facts of one real connection, exactly as reconcile builds them (same reads, same tenant
 * discovery, same `buildFacts`), for `linkgate facts --connection ID`: the output is a request `decide
 * --request` reads, so a real case becomes a policy test. Reads only; decides nothing.
 */
import { buildFacts, requesterFromEndpointId } from "./facts";
import type { DecisionFacts } from "./model";
import { normalizeResourceId, splitConnectionId } from "./resourceId";
import type { ArmReader, Clock, OperationOptions, TenantResolver } from "../ports";

export interface ConnectionFactsDeps {
  reader: ArmReader;
  tenants: TenantResolver;
  clock: Clock;
}

export async function connectionFacts(
  connectionId: string,
  deps: ConnectionFactsDeps,
  opts: OperationOptions = {},
): Promise<{ facts: DecisionFacts } | { error: string }> {
  const split = splitConnectionId(connectionId);
  if (!split)
    return {
      error: `"${connectionId}" is not a private endpoint connection ID (.../privateEndpointConnections/NAME)`,
    };
  const target = await deps.reader.getTarget(split.parentId, opts);
  if (!target) return { error: `${split.parentId} does not exist or cannot be read` };
  const connections = [];
  for await (const c of deps.reader.listConnections(target.id, opts)) connections.push(c);
  const wanted = normalizeResourceId(connectionId);
  const connection = connections.find((c) => normalizeResourceId(c.id) === wanted);
  if (!connection) return { error: `${target.id} has no connection ${split.name}` };
  const requester = requesterFromEndpointId(connection.privateEndpointId);
  const [requesterTenantId, targetTenantId] = await Promise.all([
    requester.subscriptionId ? deps.tenants.tenantOfSubscription(requester.subscriptionId, opts) : undefined,
    deps.tenants.tenantOfSubscription(target.subscriptionId, opts),
  ]);
  return {
    facts: buildFacts({
      connection,
      target,
      connections,
      requesterTenantId,
      targetTenantId,
      now: deps.clock.now(),
    }),
  };
}
