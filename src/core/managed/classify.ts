/**
 * Is a connection a managed service's request at all? The connection carries no reliable mark: the
 * endpoint a managed service creates lives in a Microsoft-managed subscription whose IDs and naming are not
 * published (docs/managed-endpoints.md). So a request counts as managed only on what the estate itself says:
 * a definition of ours names its target, and its private endpoint is not in a subscription we watch (our own
 * teams' endpoints are; a managed one never is). Used by the sweep check; decisions never classify, they
 * only corroborate.
 */
import { requesterFromEndpointId } from "../facts";
import type { PrivateEndpointConnection } from "../model";

export function looksManaged(
  connection: PrivateEndpointConnection,
  targetHasDefinitions: boolean,
  watchedSubscriptions: ReadonlySet<string>,
): boolean {
  if (!targetHasDefinitions) return false;
  const sub = requesterFromEndpointId(connection.privateEndpointId).subscriptionId;
  return sub === undefined || !watchedSubscriptions.has(sub.toLowerCase());
}
