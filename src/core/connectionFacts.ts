/**
 * The decision facts of one real connection, exactly as reconcile builds them (same reads, same tenant
 * discovery, same core/decisionFacts liveFacts), for `linkgate facts --connection ID`: the output is a request `decide
 * --request` reads, so a real case becomes a policy test. Reads only; decides nothing.
 */
import { liveFacts } from "./decisionFacts/live";
import type { DecisionFacts } from "./model";
import { normalizeResourceId, splitConnectionId } from "./resourceId";
import { ManagedFacts, readManagedDefinitions } from "./managed/read";
import type {
  ArmReader,
  Clock,
  ManagedDefinitionReader,
  ManagedOwnerGlobs,
  OperationOptions,
  TenantResolver,
} from "../ports";

/** Without a policy to say whose definitions count: every owner of every service in the watched estate. */
export const ALL_MANAGED_OWNERS: ManagedOwnerGlobs = {
  frontDoor: ["**"],
  dataFactory: ["**"],
  synapse: ["**"],
  search: ["**"],
};

export interface ConnectionFactsDeps {
  reader: ArmReader;
  tenants: TenantResolver;
  clock: Clock;
  /** When given, the facts carry `requester.managedBy` (the corroborating definition's ID, or why none). */
  managed?: ManagedDefinitionReader;
  /** Whose definitions count (a policy's managedOwnerGlobs); default ALL_MANAGED_OWNERS. */
  managedOwners?: ManagedOwnerGlobs;
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
  // Only with a reader: facts without managedBy are what a policy without managedBy decides on.
  const managed = deps.managed
    ? new ManagedFacts(
        await readManagedDefinitions(deps.managed, deps.managedOwners ?? ALL_MANAGED_OWNERS, target.id, opts),
      )
    : undefined;
  return {
    facts: await liveFacts(
      connection,
      target,
      connections,
      { tenants: deps.tenants, clock: deps.clock, managed },
      opts,
    ),
  };
}
