/**
 * Decision facts from a sweep's inventory, built the way reconcile builds them from live reads (core/facts
 * buildFacts): the target as the inventory holds it, its connections, the tenants learned up front
 * (core/tenants) and `requester.managedBy` from the inventory's managed definitions under the policy's owners
 * (core/managed), corroborated once per target and connections list. Shared by the sweep's policy checks and
 * revocation and by policy what-if, so all of them judge a connection alike. Pure and synchronous.
 */
import { connectionsOf, estateOf } from "../checks/estate";
import { buildFacts, requesterFromEndpointId } from "../facts";
import type { ArmJson, Inventory } from "../inventory";
import { ManagedFacts, readFromInventory } from "../managed/read";
import type { DecisionFacts, PrivateEndpointConnection, TargetResource } from "../model";
import { normalizeResourceId, resourceName, tryParseResourceId } from "../resourceId";
import { asString, idOf, locationOf, props, tagsOf, typeOf } from "../checks/arm";
import type { ManagedOwnerGlobs } from "../../ports";

/**
 * The facts of one connection; undefined when the inventory does not hold its target (unknown facts: the
 * caller leaves it pending). `connections` is the target's connections as the caller's pass sees them (what-if
 * folds its own approvals in); default: as the inventory holds them.
 */
export type InventoryFactsFor = (
  connection: PrivateEndpointConnection,
  connections?: readonly PrivateEndpointConnection[],
) => DecisionFacts | undefined;

/**
 * `tenants`: lower-case subscription ID -> tenant (core/tenants inventoryTenants). `managedOwners`: the
 * policy's managedBy owner globs; absent (the policy does not use managedBy): no managedBy fact.
 */
export function inventoryFacts(
  inv: Inventory,
  tenants: ReadonlyMap<string, string | undefined>,
  now: Date,
  managedOwners?: ManagedOwnerGlobs,
): InventoryFactsFor {
  // The checks' estate index (built once per inventory) already maps targets and their connections.
  const e = estateOf(inv);
  const targets = new Map<string, TargetResource | undefined>();
  // managedBy from the inventory's definitions, as reconcile reads them (core/managed), once per target.
  const managed = new Map<string, ManagedFacts>();
  const managedOf = (key: string, targetId: string): ManagedFacts => {
    let m = managed.get(key);
    if (!m) {
      m = new ManagedFacts(readFromInventory(inv.managedDefinitions, managedOwners, targetId));
      managed.set(key, m);
    }
    return m;
  };
  return (connection, view) => {
    const key = normalizeResourceId(connection.targetId);
    if (!targets.has(key)) {
      const raw = e.pls.get(key) ?? e.paas.get(key);
      targets.set(key, raw && targetFromInventory(raw));
    }
    const target = targets.get(key);
    if (!target) return undefined;
    const requester = requesterFromEndpointId(connection.privateEndpointId);
    const connections = view ?? connectionsOf(e, key);
    return buildFacts({
      connection,
      target,
      connections,
      requesterTenantId: requester.subscriptionId
        ? tenants.get(requester.subscriptionId.toLowerCase())
        : undefined,
      targetTenantId: tenants.get(target.subscriptionId.toLowerCase()),
      now,
      managedBy: managedOf(key, target.id).factFor(connection, target, connections),
    });
  };
}

/** The policy's view of a target, from the resource as the inventory holds it. Empty strings count as absent. */
export function targetFromInventory(raw: ArmJson): TargetResource | undefined {
  const id = idOf(raw);
  const p = tryParseResourceId(id);
  if (!id || !p) return undefined;
  return {
    id,
    type: typeOf(raw) || (p.provider && p.types[0] ? `${p.provider}/${p.types[0]}` : ""),
    name: asString(raw["name"]) || resourceName(p),
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    location: locationOf(raw) || undefined,
    tags: tagsOf(raw),
    alias: asString(props(raw)["alias"]) || undefined,
    raw,
  };
}
