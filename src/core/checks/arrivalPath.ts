/**
 * How an Approved connection came to be Approved, as far as the inventory shows. Used by the checks that
 * compare Approved connections with the policy, so a finding says which door was used:
 * 1. `approval-reference`: the consumer's private endpoint names an existing approved endpoint whose approval
 *    it inherited at creation (Microsoft.Network 2026-01-01, `@azure/arm-network` 39:
 *    `privateLinkServiceConnections[].properties.approvalReference.privateEndpointId`). Read from the endpoint
 *    when it was collected, else from the endpoint the connection embeds.
 * 2. `linkgate`: the description carries linkgate's own marker `[linkgate:<ruleId>]` (what
 *    policy/decision.ts writes), so linkgate approved it under an earlier policy.
 * 3. `auto-approval`: the target is a Private Link Service whose `autoApproval.subscriptions` lists the
 *    requester's subscription (inferred from the configuration as it is now).
 * 4. `unknown`: approved by hand, or by a path the inventory cannot show (typically the consumer's endpoint
 *    is in another subscription or tenant, so an inherited approval cannot be ruled out).
 */
import type { ArmJson } from "../inventory";
import type { PrivateEndpointConnection } from "../model";
import { sameResourceId } from "../resourceId";
import { asObject, asString, asStrings, lookup, props } from "./arm";
import { endpointConnections, PLS_TYPE, rawConnection, subscriptionOf, type Estate } from "./estate";

export type ArrivalPath =
  | { readonly kind: "approval-reference"; readonly referencedEndpointId: string }
  | { readonly kind: "linkgate"; readonly ruleId: string }
  | { readonly kind: "auto-approval"; readonly subscriptionId: string }
  | { readonly kind: "unknown"; readonly endpointCollected: boolean };

const MARKER = /^\[linkgate:([^\]\s]{1,80})\]/;

/** The approvalReference of the endpoint's connection to `targetId`, if any. */
function approvalReference(pe: ArmJson | undefined, targetId: string): string | undefined {
  if (!pe) return undefined;
  for (const { connection } of endpointConnections(pe)) {
    const p = props(connection);
    const target = asString(p["privateLinkServiceId"]);
    // An endpoint with one connection may omit the target in an embedded copy; otherwise it must match.
    if (target !== undefined && !sameResourceId(target, targetId)) continue;
    const ref = asString(asObject(p["approvalReference"])?.["privateEndpointId"]);
    if (ref) return ref;
  }
  return undefined;
}

export function arrivalPath(e: Estate, c: PrivateEndpointConnection): ArrivalPath {
  const collected = lookup(e.privateEndpoints, c.privateEndpointId);
  const embedded = asObject(props(rawConnection(e, c))["privateEndpoint"]);
  const ref = approvalReference(collected, c.targetId) ?? approvalReference(embedded, c.targetId);
  if (ref) return { kind: "approval-reference", referencedEndpointId: ref };

  const marker = MARKER.exec(c.description ?? "");
  if (marker?.[1]) return { kind: "linkgate", ruleId: marker[1] };

  const pls = lookup(e.pls, c.targetId);
  const sub = subscriptionOf(c.privateEndpointId);
  if (pls && sub) {
    const auto = asStrings(asObject(props(pls)["autoApproval"])?.["subscriptions"]);
    if (auto.some((s) => s.toLowerCase() === sub.toLowerCase()))
      return { kind: "auto-approval", subscriptionId: sub };
  }
  return { kind: "unknown", endpointCollected: collected !== undefined };
}

/** One clause for a finding's message. */
export function describeArrival(path: ArrivalPath, c: PrivateEndpointConnection): string {
  const pe = c.privateEndpointId ?? "(unknown)";
  switch (path.kind) {
    case "approval-reference":
      return `it arrived by approvalReference: private endpoint ${pe} inherited the approval of ${path.referencedEndpointId} when it was created, so no policy saw it`;
    case "linkgate":
      return `it was approved by linkgate rule ${path.ruleId} (marker in its description), which the current policy no longer approves`;
    case "auto-approval":
      return `it arrived by the ${PLS_TYPE} auto-approval list, which includes the requester's subscription ${path.subscriptionId}, so no policy saw it`;
    case "unknown":
      return path.endpointCollected
        ? `arrival path unknown: approved by hand, or by a path the inventory does not show (private endpoint ${pe})`
        : `arrival path unknown: approved by hand, or by a path the inventory does not show; the consumer's private endpoint ${pe} is not in the inventory, so an inherited approval by approvalReference cannot be ruled out`;
  }
}
