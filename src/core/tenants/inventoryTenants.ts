/**
 * The tenants of the subscriptions an inventory's connections involve (each requester's and each target's),
 * learned up front so that deciding over the inventory stays synchronous and pure. Tenants the inventory
 * already carries (its subscriptions) are not asked again; the rest are asked of the TenantResolver, a bounded
 * number at a time. A lookup that fails leaves the tenant unknown (no policy condition on it matches) and is
 * handed to `onFailure`, which says so where the caller reports: the sweep logs it, what-if reports it as a
 * collection error.
 */
import { mapLimit } from "../concurrency/mapLimit";
import { requesterFromEndpointId } from "../facts";
import type { Inventory } from "../inventory";
import type { PrivateEndpointConnection } from "../model";
import { tryParseResourceId } from "../resourceId";
import type { OperationOptions, TenantResolver } from "../../ports";

/** Tenant lookups in flight at once (each is one unauthenticated ARM call, cached by the resolver). */
export const TENANT_CONCURRENCY = 8;

export interface InventoryTenantsOptions extends OperationOptions {
  /** The connections whose subscriptions are wanted; default every connection of the inventory. */
  readonly include?: (c: PrivateEndpointConnection) => boolean;
  /** A lookup failed: its tenant is unknown. */
  readonly onFailure: (subscriptionId: string, error: unknown) => void;
}

/** Lower-case subscription ID -> tenant ID (undefined: unknown). */
export async function inventoryTenants(
  inv: Inventory,
  resolver: TenantResolver,
  options: InventoryTenantsOptions,
): Promise<Map<string, string | undefined>> {
  const { include, onFailure, ...operation } = options;
  const known = new Map<string, string | undefined>();
  for (const s of inv.subscriptions) if (s.tenantId) known.set(s.subscriptionId.toLowerCase(), s.tenantId);
  const wanted = new Set<string>();
  for (const c of inv.connections) {
    if (include && !include(c)) continue;
    const r = requesterFromEndpointId(c.privateEndpointId);
    if (r.subscriptionId) wanted.add(r.subscriptionId.toLowerCase());
    const t = tryParseResourceId(c.targetId);
    if (t?.subscriptionId) wanted.add(t.subscriptionId.toLowerCase());
  }
  const unresolved = [...wanted].filter((s) => !known.has(s));
  await mapLimit(unresolved, TENANT_CONCURRENCY, async (sub) => {
    try {
      known.set(sub, await resolver.tenantOfSubscription(sub, operation));
    } catch (err) {
      known.set(sub, undefined);
      onFailure(sub, err);
    }
  });
  return known;
}
