/**
 * Reading definitions for one target pass, and turning the read into each connection's managedBy fact.
 * Definitions are read only when the policy uses `requester.managedBy` (owners given), once per pass under
 * the union of the policy's owner globs. A read that fails, or a missing reader, is an unknown fact: every
 * Pending connection of the pass then decides `pending` through the policy's fail-closed unknowns.
 */
import { errorMessage } from "../errors";
import type { ManagedByFacts, PrivateEndpointConnection, TargetResource } from "../model";
import type {
  ManagedDefinitionReader,
  ManagedEndpointDefinition,
  ManagedOwnerGlobs,
  OperationOptions,
} from "../../ports";
import { corroborate, type CorroborationMemo, unknownManagedBy } from "./corroborate";
import { firstMatchingGlob } from "../policy/glob";
import { normalizeResourceId } from "../resourceId";

export type ManagedRead =
  | { readonly kind: "read"; readonly definitions: readonly ManagedEndpointDefinition[] }
  | { readonly kind: "unknown"; readonly why: string };

export const NO_READER_REASON =
  "the policy uses requester.managedBy but no managed definition reader is configured, so no definition could be read";

/** Undefined when `owners` is (the policy does not use managedBy): nothing is read and no fact is set. */
export async function readManagedDefinitions(
  reader: ManagedDefinitionReader | undefined,
  owners: ManagedOwnerGlobs | undefined,
  targetId: string,
  opts: OperationOptions = {},
): Promise<ManagedRead | undefined> {
  if (owners === undefined) return undefined;
  if (reader === undefined) return { kind: "unknown", why: NO_READER_REASON };
  try {
    return { kind: "read", definitions: await reader.listForTarget(targetId, owners, opts) };
  } catch (e) {
    // Cancellation is the caller's, not a fact about the estate.
    if (opts.abortSignal?.aborted) throw e;
    return {
      kind: "unknown",
      why: `the definitions naming ${targetId} could not be read: ${errorMessage(e)}`,
    };
  }
}

/** The definitions under `owners` (per service, case-insensitive owner ID globs): what a reader returns. */
export function definitionsUnder(
  definitions: readonly ManagedEndpointDefinition[],
  owners: ManagedOwnerGlobs,
): ManagedEndpointDefinition[] {
  return definitions.filter((d) => {
    const globs = owners[d.service];
    return globs !== undefined && firstMatchingGlob(globs, d.ownerId) !== undefined;
  });
}

const BY_TARGET = new WeakMap<readonly { targetId: string }[], Map<string, { targetId: string }[]>>();

/**
 * Definitions grouped by their normalized target ID, built once per definitions array (an inventory's are
 * not changed once collected) and shared by the sweep's facts, its reconcile reader and its check.
 */
export function definitionsByTarget<T extends { targetId: string }>(
  definitions: readonly T[],
): ReadonlyMap<string, readonly T[]> {
  let index = BY_TARGET.get(definitions);
  if (!index) {
    index = new Map();
    for (const d of definitions) {
      const key = normalizeResourceId(d.targetId);
      const list = index.get(key);
      if (list) list.push(d);
      else index.set(key, [d]);
    }
    BY_TARGET.set(definitions, index);
  }
  return index as Map<string, T[]>;
}

export const NO_INVENTORY_DEFINITIONS_REASON =
  "the policy uses requester.managedBy but the sweep's inventory carries no managed private endpoint definitions (not collected, or not every owner could be read)";

/**
 * The same read from a sweep's inventory (Inventory.managedDefinitions, every definition of the estate):
 * filtered to `targetId` and the policy's owners exactly as a reader filters, so the sweep judges a
 * connection as reconcile does. Undefined when the policy does not use managedBy.
 */
export function readFromInventory(
  definitions: readonly ManagedEndpointDefinition[] | undefined,
  owners: ManagedOwnerGlobs | undefined,
  targetId: string,
): ManagedRead | undefined {
  if (owners === undefined) return undefined;
  if (definitions === undefined) return { kind: "unknown", why: NO_INVENTORY_DEFINITIONS_REASON };
  return {
    kind: "read",
    definitions: definitionsUnder(
      definitionsByTarget(definitions).get(normalizeResourceId(targetId)) ?? [],
      owners,
    ),
  };
}

/**
 * The inventory's definitions as the reader sweep reconcile decides with: the same definitions the checks
 * judged (no second read), filtered as readFromInventory filters. Built once per sweep and indexed by target
 * and by ID on first use, so a sweep of many targets scans them once. Absent definitions (not every owner could
 * be read) are unknown: listing throws.
 */
export function inventoryDefinitionReader(
  definitions: readonly ManagedEndpointDefinition[] | undefined,
): ManagedDefinitionReader {
  let byId: Map<string, ManagedEndpointDefinition> | undefined;
  return {
    listForTarget: async (targetId, owners) => {
      if (definitions === undefined) throw new Error(NO_INVENTORY_DEFINITIONS_REASON);
      return definitionsUnder(
        definitionsByTarget(definitions).get(normalizeResourceId(targetId)) ?? [],
        owners,
      );
    },
    getDefinition: async (id) => {
      if (definitions === undefined) return undefined;
      if (!byId) {
        byId = new Map();
        // The first definition with an ID wins, as a search from the start would find it.
        for (const d of definitions) {
          const key = normalizeResourceId(d.id);
          if (!byId.has(key)) byId.set(key, d);
        }
      }
      return byId.get(normalizeResourceId(id));
    },
  };
}

/**
 * Memoizes corroboration per connections list (a pass's list, or its view after an approval): deciding
 * every Pending connection of a pass then costs one corroboration of the target, not one per connection.
 */
export class ManagedFacts {
  private readonly cache: CorroborationMemo = new WeakMap();

  constructor(readonly read: ManagedRead | undefined) {}

  factFor(
    connection: PrivateEndpointConnection,
    target: TargetResource,
    connections: readonly PrivateEndpointConnection[],
  ): ManagedByFacts | undefined {
    const read = this.read;
    if (read === undefined) return undefined;
    if (read.kind === "unknown") return unknownManagedBy(read.why);
    return corroborate(connection, target, connections, read.definitions, this.cache);
  }
}
