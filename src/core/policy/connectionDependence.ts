import type { Policy } from "./types";

/**
 * Whether a decision of this policy can depend on the target's other connections: a rule with
 * `limits.maxApprovedPerTarget` reads the approved count, and `requester.managedBy` counts the live
 * connections that rival a definition (core/managed). When neither appears in any rule, an approval's outcome
 * is the same whatever the other connections are, so reconcile needs no recount before writing it (the write
 * still carries If-Match). Relay's implicit limit of 64 is the target type's, not the policy's: reconcile
 * recounts a Relay namespace whatever this says.
 */
export function dependsOnOtherConnections(policy: Policy): boolean {
  return policy.rules.some(
    (rule) =>
      rule.limits?.maxApprovedPerTarget !== undefined || rule.when?.requester?.managedBy !== undefined,
  );
}
