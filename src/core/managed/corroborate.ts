/**
 * Corroboration: which definition in the owner's own estate (read by a ManagedDefinitionReader) vouches for
 * a private endpoint connection that a managed service (Front Door, Data Factory, Synapse, AI Search)
 * created. The connection's `privateEndpoint.id` lies in a Microsoft-managed subscription and its message is
 * free text, so neither identifies the owner: the definition does, when it names this target and agrees
 * with every field the connection shows.
 *
 * Fields compared (each only when the definition gives it): target ID (always), group id (against the
 * group ids the connection asks for, ../groupIds.ts), location (Front Door's privateLinkLocation against
 * the PLS connection's privateEndpointLocation), request message (exact, against the connection's
 * description while Pending), endpoint name hint (the connection's or its private endpoint's name). A field
 * the definition gives but the connection cannot show is "unchecked": it neither matches nor excludes.
 *
 * One definition vouches for at most one connection: a Pending connection matching two definitions, or a
 * definition matched by two live (Pending or Approved) connections, is `ambiguous` with every candidate
 * named. An Approved connection (whose message the owner's description replaced) claims every definition that
 * nothing it shows excludes: it may be the definition's own connection, so a look-alike copying the message is
 * never approved beside it. The one exception is an Approved endpoint in the target's or the owner's own
 * subscription, which no managed service creates (they create theirs in Microsoft-managed subscriptions). A
 * definition whose service already reports its connection Approved is used up: it vouches for no Pending
 * connection, even before the connection list shows the approval. Front Door is the one documented exception
 * to one-definition-one-endpoint: origins of one profile that ask for the same private link resource, group,
 * region and message share one private endpoint, so they count as one definition.
 * Pure: no I/O, deterministic.
 */
import { resolveGroupIds } from "../groupIds";
import { requesterFromEndpointId } from "../facts";
import type {
  ManagedByFacts,
  ManagedCandidate,
  ManagedMatchStrength,
  ManagedServiceName,
  PrivateEndpointConnection,
  TargetResource,
} from "../model";
import { normalizeLocation } from "../policy/normalize";
import { normalizeResourceId, sameResourceId } from "../resourceId";
import { MANAGED_SERVICE_INFO } from "./services";

/** The definition fields corroboration reads (the shape of ports' ManagedEndpointDefinition). */
export interface DefinitionLike {
  readonly service: ManagedServiceName;
  readonly id: string;
  readonly ownerId: string;
  readonly targetId: string;
  readonly groupId?: string;
  readonly location?: string;
  readonly requestMessage?: string;
  readonly endpointNameHint?: string;
  /** What the service reports about its connection (`Approved` = used up: it vouches for no Pending one). */
  readonly status?: string;
}

export type MatchField =
  | "targetId"
  | "groupId"
  | "location"
  | "requestMessage"
  | "endpointName"
  /** Mismatch only: the endpoint lies in the target's or owner's own subscription, so no service made it. */
  | "endpointSubscription";

/** How one connection compares with one definition. */
export interface DefinitionMatch {
  readonly definition: DefinitionLike;
  /** Other definitions sharing the same private endpoint (Front Door only). */
  readonly sharing: readonly DefinitionLike[];
  readonly matched: readonly MatchField[];
  /** Fields the definition gives that the connection does not show. */
  readonly unchecked: readonly MatchField[];
  readonly strength: ManagedMatchStrength;
}

/** Why a definition naming the target does not match a connection (for "none" reasons). */
export interface Mismatch {
  readonly definition: DefinitionLike;
  readonly field: MatchField;
  readonly detail: string;
}

/** Bound on definitions named in one reason (the rest are counted). */
export const MAX_NAMED = 5;

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** An endpoint in the target's or the definition owner's subscription: not one a managed service created. */
function ownEndpoint(c: PrivateEndpointConnection, target: TargetResource, d: DefinitionLike): boolean {
  const sub = requesterFromEndpointId(c.privateEndpointId).subscriptionId;
  if (!sub) return false;
  const owner = d.ownerId.split("/")[2] ?? "";
  return eq(sub, target.subscriptionId) || eq(sub, owner);
}

/**
 * Live connections claim definitions; Rejected/Disconnected/Removed ones no longer do. A connection whose
 * status is unknown may be live, so it claims too (it can only make a request ambiguous, never corroborate it).
 */
function isLive(c: PrivateEndpointConnection): boolean {
  return c.status !== "Rejected" && c.status !== "Disconnected" && c.status !== "Removed";
}

/**
 * Compares one connection with one definition. `{ match }` when every field the definition gives and the
 * connection shows agrees, `{ mismatch }` naming the first field that does not.
 */
export function compareDefinition(
  connection: PrivateEndpointConnection,
  target: TargetResource,
  d: DefinitionLike,
): { match: Omit<DefinitionMatch, "sharing"> } | { mismatch: Mismatch } {
  const matched: MatchField[] = [];
  const unchecked: MatchField[] = [];
  const miss = (field: MatchField, detail: string) => ({ mismatch: { definition: d, field, detail } });
  if (!sameResourceId(d.targetId, target.id)) return miss("targetId", `names ${d.targetId}`);
  matched.push("targetId");
  if (d.groupId !== undefined && d.groupId !== "") {
    const asked = resolveGroupIds(target.type, connection.groupIds, target.groupIds);
    if (!asked || asked.length === 0) unchecked.push("groupId");
    else if (asked.some((g) => eq(g, d.groupId as string))) matched.push("groupId");
    else return miss("groupId", `asks for group ${d.groupId}, the connection for [${asked.join(", ")}]`);
  }
  if (d.location !== undefined && d.location !== "") {
    const at = connection.privateEndpointLocation;
    if (!at) unchecked.push("location");
    else if (normalizeLocation(at) === normalizeLocation(d.location)) matched.push("location");
    else return miss("location", `is in ${d.location}, the connection's private endpoint in ${at}`);
  }
  if (d.requestMessage !== undefined) {
    // Only a Pending connection still carries the requester's message; a decided one carries the owner's.
    if (connection.status !== "Pending") unchecked.push("requestMessage");
    else if ((connection.description ?? "") === d.requestMessage) matched.push("requestMessage");
    // Never echo either message (the connection's is attacker-written): lengths say enough.
    else
      return miss(
        "requestMessage",
        `asks with a request message of ${d.requestMessage.length} characters, the connection carries a different one (${(connection.description ?? "").length} characters)`,
      );
  }
  if (d.endpointNameHint !== undefined && d.endpointNameHint !== "") {
    const names = [connection.name, requesterFromEndpointId(connection.privateEndpointId).endpointName];
    const shown = names.filter((n): n is string => typeof n === "string" && n !== "");
    if (shown.length === 0) unchecked.push("endpointName");
    else if (shown.some((n) => eq(n, d.endpointNameHint as string))) matched.push("endpointName");
    else
      return miss(
        "endpointName",
        `names its endpoint ${d.endpointNameHint}, the connection is ${shown.join(" / ")}`,
      );
  }
  return { match: { definition: d, matched, unchecked, strength: strengthOf(matched) } };
}

/**
 * `strong`: a field the owner chose and the connection repeats ties them: the endpoint name the service
 * derives from the definition, or the exact request message together with the group or region. `weak`:
 * only the target and group/region, which any definition of the same service for the same target shares.
 */
export function strengthOf(matched: readonly MatchField[]): ManagedMatchStrength {
  if (matched.includes("endpointName")) return "strong";
  if (matched.includes("requestMessage") && (matched.includes("groupId") || matched.includes("location")))
    return "strong";
  return "weak";
}

/** Front Door origins of one profile asking for the same link, group, region and message share one endpoint. */
function unitKey(d: DefinitionLike): string {
  if (d.service !== "frontDoor") return `${d.service}|${normalizeResourceId(d.id)}`;
  return [
    d.service,
    normalizeResourceId(d.ownerId),
    normalizeResourceId(d.targetId),
    (d.groupId ?? "").toLowerCase(),
    normalizeLocation(d.location ?? ""),
    d.requestMessage ?? "",
  ].join("|");
}

interface Unit {
  readonly key: string;
  /** The definition named in facts: the first by ID (deterministic). */
  readonly representative: DefinitionLike;
  readonly members: readonly DefinitionLike[];
}

function unitsOf(definitions: readonly DefinitionLike[], target: TargetResource): Unit[] {
  const byKey = new Map<string, DefinitionLike[]>();
  for (const d of definitions) {
    if (!sameResourceId(d.targetId, target.id)) continue;
    const key = unitKey(d);
    const list = byKey.get(key) ?? [];
    if (!list.some((x) => sameResourceId(x.id, d.id))) list.push(d);
    byKey.set(key, list);
  }
  return [...byKey.entries()]
    .map(([key, members]) => {
      const sorted = [...members].sort((a, b) =>
        normalizeResourceId(a.id) < normalizeResourceId(b.id) ? -1 : 1,
      );
      return { key, representative: sorted[0] as DefinitionLike, members: sorted };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const candidateOf = (d: DefinitionLike): ManagedCandidate => ({
  service: d.service,
  definitionId: d.id,
  ownerId: d.ownerId,
});

/** What was looked for, in words (never the message itself): "target T, group blob, location westeurope...". */
export function lookedFor(connection: PrivateEndpointConnection, target: TargetResource): string {
  const parts = [`target ${target.id}`];
  const groups = resolveGroupIds(target.type, connection.groupIds, target.groupIds);
  if (groups && groups.length > 0) parts.push(`group ${groups.join("/")}`);
  if (connection.privateEndpointLocation) parts.push(`location ${connection.privateEndpointLocation}`);
  if (connection.status === "Pending")
    parts.push(`the connection's request message (${(connection.description ?? "").length} characters)`);
  return parts.join(", ");
}

function noneDetail(
  connection: PrivateEndpointConnection,
  target: TargetResource,
  mismatches: readonly Mismatch[],
): string {
  const base = `no definition read names ${lookedFor(connection, target)}`;
  if (mismatches.length === 0) return `${base}; no definition read names this target at all`;
  const named = mismatches
    .slice(0, MAX_NAMED)
    .map((m) => `${MANAGED_SERVICE_INFO[m.definition.service].noun} ${m.definition.id} ${m.detail}`);
  const more = mismatches.length > MAX_NAMED ? `; and ${mismatches.length - MAX_NAMED} more` : "";
  return `${base}; ${named.join("; ")}${more}`;
}

/**
 * The managedBy facts of every live connection of `target`, keyed by normalized connection ID, given every
 * connection of the target (as just read) and the definitions the reader returned for it.
 */
export function corroborateTarget(
  target: TargetResource,
  connections: readonly PrivateEndpointConnection[],
  definitions: readonly DefinitionLike[],
): Map<string, ManagedByFacts> {
  const units = unitsOf(definitions, target);
  const live = connections.filter(isLive);
  const claims = new Map<string, { unit: Unit; match: DefinitionMatch }[]>();
  const misses = new Map<string, Mismatch[]>();
  const claimants = new Map<string, PrivateEndpointConnection[]>();
  for (const c of live) {
    const key = normalizeResourceId(c.id);
    const mine: { unit: Unit; match: DefinitionMatch }[] = [];
    const missed: Mismatch[] = [];
    for (const unit of units) {
      // An endpoint in the target's or the owner's own subscription is not one a managed service created
      // (they create theirs in Microsoft-managed subscriptions): it neither claims nor rivals a definition.
      if (ownEndpoint(c, target, unit.representative)) {
        missed.push({
          definition: unit.representative,
          field: "endpointSubscription",
          detail: `is served by an endpoint in a Microsoft-managed subscription, the connection's endpoint is in the owner's own subscription`,
        });
        continue;
      }
      const r = compareDefinition(c, target, unit.representative);
      if ("mismatch" in r) {
        missed.push(r.mismatch);
        continue;
      }
      mine.push({ unit, match: { ...r.match, sharing: unit.members.slice(1) } });
      // A decided connection no longer shows its message: unless something it shows excludes it, it may be
      // this definition's own connection, so it rivals a Pending claimant.
      const list = claimants.get(unit.key) ?? [];
      list.push(c);
      claimants.set(unit.key, list);
    }
    claims.set(key, mine);
    misses.set(key, missed);
  }
  const out = new Map<string, ManagedByFacts>();
  for (const c of live) {
    const key = normalizeResourceId(c.id);
    const mine = claims.get(key) ?? [];
    if (mine.length === 0) {
      out.set(key, { outcome: "none", detail: noneDetail(c, target, misses.get(key) ?? []) });
      continue;
    }
    if (mine.length > 1) {
      const candidates = mine.flatMap((m) => m.unit.members.map(candidateOf));
      out.set(key, {
        outcome: "ambiguous",
        candidates,
        detail: `the connection matches ${mine.length} definitions, and one definition vouches for at most one connection: ${candidates
          .map((x) => `${MANAGED_SERVICE_INFO[x.service].noun} ${x.definitionId}`)
          .join(", ")}`,
      });
      continue;
    }
    const { unit, match } = mine[0] as { unit: Unit; match: DefinitionMatch };
    const rivals = (claimants.get(unit.key) ?? []).filter((x) => !sameResourceId(x.id, c.id));
    if (rivals.length > 0) {
      out.set(key, {
        outcome: "ambiguous",
        candidates: unit.members.map(candidateOf),
        // Anyone can create connections: name a bounded few, count the rest.
        rivalConnectionIds: rivals.slice(0, MAX_NAMED).map((r) => r.id),
        detail: `${MANAGED_SERVICE_INFO[unit.representative.service].noun} ${unit.representative.id} is claimed by ${
          rivals.length + 1
        } live connections, and one definition vouches for at most one: this one and ${rivals
          .slice(0, MAX_NAMED)
          .map((r) => `${r.id} (${r.status})`)
          .join(", ")}${rivals.length > MAX_NAMED ? ` and ${rivals.length - MAX_NAMED} more` : ""}`,
      });
      continue;
    }
    const used = unit.members.find((m) => m.status !== undefined && eq(m.status, "Approved"));
    if (c.status === "Pending" && used) {
      out.set(key, {
        outcome: "ambiguous",
        candidates: unit.members.map(candidateOf),
        detail: `${MANAGED_SERVICE_INFO[used.service].noun} ${used.id} already reports its connection Approved, and one definition vouches for at most one connection: this Pending one is not it`,
      });
      continue;
    }
    const d = unit.representative;
    const shared =
      match.sharing.length > 0
        ? `; shares its private endpoint with ${match.sharing.map((s) => s.id).join(", ")} (same profile, link, group, region and message)`
        : "";
    const notShown =
      match.unchecked.length > 0 ? `; not shown by the connection: ${match.unchecked.join(", ")}` : "";
    out.set(key, {
      outcome: "corroborated",
      service: d.service,
      definitionId: d.id,
      ownerId: d.ownerId,
      strength: match.strength,
      matchedFields: match.matched,
      detail: `${MANAGED_SERVICE_INFO[d.service].noun} ${d.id} matches on ${match.matched.join(", ")} (${match.strength})${notShown}${shared}`,
    });
  }
  return out;
}

/**
 * Corroborations already made, per connections list (a pass's list, or its view after an approval). One memo
 * serves one target and one set of definitions: a new read of either starts a new memo (ManagedFacts does).
 */
export type CorroborationMemo = WeakMap<
  readonly PrivateEndpointConnection[],
  ReadonlyMap<string, ManagedByFacts>
>;

/**
 * The managedBy facts of one connection (see corroborateTarget); `none` for a connection that is not live.
 * `connections` is the target's list; a connection missing from it is corroborated as if listed. With a
 * memo, a list is corroborated once and every connection of it answered from that: deciding every Pending
 * connection of a pass then costs one corroboration of the target, not one per connection.
 */
export function corroborate(
  connection: PrivateEndpointConnection,
  target: TargetResource,
  connections: readonly PrivateEndpointConnection[],
  definitions: readonly DefinitionLike[],
  memo?: CorroborationMemo,
): ManagedByFacts {
  const key = normalizeResourceId(connection.id);
  const hit = memo?.get(connections)?.get(key);
  if (hit) return hit;
  const listed = connections.some((c) => sameResourceId(c.id, connection.id));
  // The memo answers only for connections of its list: one missing from it is corroborated with it added.
  let all = listed ? memo?.get(connections) : undefined;
  if (!all) {
    all = corroborateTarget(target, listed ? connections : [...connections, connection], definitions);
    if (listed) memo?.set(connections, all);
  }
  return (
    all.get(key) ?? {
      outcome: "none",
      detail: `connection ${connection.id} is ${connection.status ?? "in an unknown state"}, not Pending or Approved: nothing vouches for it`,
    }
  );
}

/** The facts when the definitions could not be read (reader threw, or none is configured). */
export function unknownManagedBy(why: string): ManagedByFacts {
  return { outcome: "unknown", detail: why };
}
