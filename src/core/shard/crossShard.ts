/**
 * Checks that reach across shards, and how a shard keeps the findings a single sweep would report.
 *
 * A shard collects its own subscriptions only. Every check judges resources of the shard, but a few read a
 * resource that may sit in another shard's subscription:
 *
 * - `pe-target-mismatch`: a consumer's private endpoint (this shard) names a Private Link Service by ID in
 *   another shard. A single sweep sees whether that PLS exists; a shard reads it **by ID** (one GET per
 *   distinct referenced PLS, bounded) and hands it to the check as `referencedPrivateLinkServices`. A 404 is
 *   "does not exist", as the single sweep concludes from its full list; a failed read is a `resource`
 *   collection error in the PLS's subscription (core/degraded.ts), which covers the finding (its message
 *   names that subscription), so the shard carries it forward rather than guess.
 * - `pe-target-mismatch` and `pe-dns-record-mismatch` call a reference "missing" only when it is in a swept
 *   subscription: the shard passes the estate's subscriptions (`estateSubscriptions`) so "swept" means the
 *   whole estate, not the shard.
 * - The per-subscription Relay limit (64 namespaces with private endpoints), the per-namespace endpoint
 *   limit and every PLS/connection check: per subscription or per target, so inside one shard.
 *
 * Known gaps (a shard reports fewer findings than a single sweep, never more): a *stale alias* whose near
 * match (same prefix, other GUID) is a PLS in another shard, and an endpoint *connected* to a PLS in another
 * shard while naming something else. Aliases cannot be read by ID; both need the other shard's PLS list.
 */
import { asString, idOf, props } from "../checks/arm";
import { endpointConnections, isPlsAlias, namesPls } from "../checks/estate";
import { errorMessage } from "../errors";
import type { ArmJson, Inventory } from "../inventory";
import { normalizeResourceId, tryParseResourceId } from "../resourceId";
import type { ArmReader, CollectOptions, InventoryCollector, SweepScope } from "../../ports";

/** Referenced PLSs read per shard at most; past it the rest are a collection error (covered, not guessed). */
export const MAX_REFERENCED = 2_000;
const READ_CONCURRENCY = 8;

/**
 * PLS resource IDs that the inventory's private endpoints name and that live in another subscription of the
 * estate (not swept by this shard), distinct, in first-seen order.
 */
export function crossShardReferences(
  inv: Inventory,
  shardSubscriptions: readonly string[],
  estateSubscriptions: readonly string[],
): string[] {
  const shard = new Set(shardSubscriptions.map((s) => s.toLowerCase()));
  const estate = new Set(estateSubscriptions.map((s) => s.toLowerCase()));
  const out = new Map<string, string>();
  for (const pe of inv.privateEndpoints) {
    for (const { connection } of endpointConnections(pe)) {
      const ref = asString(props(connection)["privateLinkServiceId"]);
      if (!ref || isPlsAlias(ref) || !namesPls(ref)) continue;
      const sub = tryParseResourceId(ref)?.subscriptionId.toLowerCase();
      if (!sub || shard.has(sub) || !estate.has(sub)) continue;
      const key = normalizeResourceId(ref);
      if (!out.has(key)) out.set(key, ref);
    }
  }
  return [...out.values()];
}

/**
 * The collector a shard sweeps with: the inner collector on the shard's subscriptions, then the other side of
 * every cross-shard reference read by ID, and the estate's subscriptions recorded for the checks.
 */
export function shardCollector(
  inner: InventoryCollector,
  reader: Pick<ArmReader, "getResource">,
  estateSubscriptions: readonly string[],
): InventoryCollector {
  return {
    async collect(scope: SweepScope, options: CollectOptions): Promise<Inventory> {
      const inv = await inner.collect(scope, options);
      const refs = crossShardReferences(inv, scope.subscriptions, estateSubscriptions);
      const referenced: ArmJson[] = [];
      const errors = inv.collectionErrors;
      const toRead = refs.slice(0, MAX_REFERENCED);
      for (const id of refs.slice(MAX_REFERENCED)) {
        errors.push({
          scope: id,
          kind: "resource",
          message: `not read: this shard names more than ${MAX_REFERENCED} Private Link Services in other shards`,
        });
      }
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(READ_CONCURRENCY, toRead.length) }, async () => {
          while (next < toRead.length) {
            const id = toRead[next++] as string;
            try {
              const raw = await reader.getResource(id, { abortSignal: options.abortSignal });
              if (raw && idOf(raw)) referenced.push(raw);
            } catch (e) {
              errors.push({
                scope: id,
                kind: "resource",
                message: `reading the Private Link Service another shard holds failed: ${errorMessage(e)}`,
              });
            }
          }
        }),
      );
      // Read in parallel: keep a stable order for the checks.
      referenced.sort((a, b) =>
        normalizeResourceId(idOf(a) ?? "").localeCompare(normalizeResourceId(idOf(b) ?? "")),
      );
      return {
        ...inv,
        estateSubscriptions: [...estateSubscriptions],
        referencedPrivateLinkServices: referenced,
      };
    },
  };
}
