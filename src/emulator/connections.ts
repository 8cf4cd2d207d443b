/**
 * Which connection state changes the resource owner may make with a PUT. Azure's documentation
 * (Private Link "Manage connection requests", and the PaaS RPs' error codes such as SQL's
 * PrivateEndpointConnectionStatusNotPending) gives the owner approve / reject / remove; a rejected
 * connection is not re-approved — the consumer must recreate the private endpoint. Disconnected and Removed
 * are results of a DELETE, never a PUT target. So:
 *
 *   Pending  → Pending (description change), Approved, Rejected
 *   Approved → Approved (description change), Rejected
 *   Rejected → Rejected (description change)
 *   Disconnected / Removed → nothing
 */
export const CONNECTION_STATUSES = ["Pending", "Approved", "Rejected", "Disconnected", "Removed"] as const;

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  pending: ["pending", "approved", "rejected"],
  approved: ["approved", "rejected"],
  rejected: ["rejected"],
  disconnected: [],
  removed: [],
};

export function transitionAllowed(from: string, to: string): boolean {
  return (ALLOWED[from.toLowerCase()] ?? []).includes(to.toLowerCase());
}

/** The states reachable from `from`, for error messages. */
export function allowedTargets(from: string): string[] {
  const targets = ALLOWED[from.toLowerCase()] ?? [];
  return CONNECTION_STATUSES.filter((s) => targets.includes(s.toLowerCase()));
}

/** Canonical spelling of a status the caller may send in a PUT, or undefined. */
export function canonicalStatus(value: string): string | undefined {
  return CONNECTION_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
}
