/**
 * The one source of truth for which events linkgate acts on. The Event Grid trigger filters with these,
 * and infra/ builds the event subscription's filters from the same values (a test compares them), so
 * what Azure delivers and what the handler accepts cannot drift apart.
 *
 * An event is only a hint naming a resource to reconcile (DESIGN.md): accepting too much costs a few ARM
 * reads; accepting too little is caught by the sweep's reconciliation of Pending connections.
 */

/** Event Grid event types the handler accepts (Event Grid schema `eventType`, CloudEvents `type`). */
export const ACCEPTED_EVENT_TYPES = [
  "Microsoft.Resources.ResourceWriteSuccess",
  "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated",
] as const;

/**
 * `data.operationName` suffixes of ResourceWriteSuccess events that concern a private endpoint connection
 * on any provider: the owner-side write, and the proxy write a consumer's private endpoint causes.
 * Matched case-insensitively.
 */
export const CONNECTION_OPERATION_SUFFIXES = [
  "/privateEndpointConnections/write",
  "/privateEndpointConnectionProxies/write",
] as const;

/**
 * Whole `data.operationName` values accepted besides the suffixes above (case-insensitive). The last three are
 * managed private endpoint definitions (issue 13): their write is a hint to re-read the definition and
 * reconcile the target it names (Synapse's are data-plane writes and raise no ARM event).
 */
export const ACCEPTED_OPERATIONS = [
  "Microsoft.Network/privateLinkServices/write",
  "Microsoft.Network/privateEndpoints/write",
  "Microsoft.Cdn/profiles/originGroups/origins/write",
  "Microsoft.DataFactory/factories/managedVirtualNetworks/managedPrivateEndpoints/write",
  "Microsoft.Search/searchServices/sharedPrivateLinkResources/write",
] as const;

/** True when a ResourceWriteSuccess `data.operationName` is one the handler reconciles. */
export function isAcceptedOperation(operationName: string | undefined): boolean {
  if (!operationName) return false;
  const op = operationName.toLowerCase();
  return (
    ACCEPTED_OPERATIONS.some((o) => o.toLowerCase() === op) ||
    CONNECTION_OPERATION_SUFFIXES.some((s) => op.endsWith(s.toLowerCase()))
  );
}
