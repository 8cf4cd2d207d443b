import type { ArmJson } from "../inventory";
import { sameResourceId, sameType, tryParseResourceId, resourceType } from "../resourceId";
import { asString, idOf, props } from "./arm";
import {
  connectionsOf,
  endpointConnections,
  estateOf,
  inScopeSubscription,
  isPlsAlias,
  namesPls,
  PLS_TYPE,
  type Estate,
} from "./estate";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "pe-target-mismatch";

function aliasOf(pls: ArmJson): string | undefined {
  return asString(props(pls)["alias"]);
}

function matches(pls: ArmJson, ref: string): boolean {
  const alias = aliasOf(pls);
  return sameResourceId(idOf(pls), ref) || (!!alias && alias.toLowerCase() === ref.toLowerCase());
}

/** An alias is `{prefix}.{guid}.{region}.azure.privatelinkservice`: same prefix, other guid = a stale or mistyped alias. */
function aliasPrefix(alias: string): string {
  return (alias.split(".")[0] ?? "").toLowerCase();
}

function explain(e: Estate, pe: ArmJson, ref: string): string | undefined {
  const peId = idOf(pe) ?? "";
  // In a shard, the PLSs of other shards this shard's endpoints name were read by ID (core/shard).
  const all = [...e.pls.values(), ...(e.inv.referencedPrivateLinkServices ?? [])];
  const connectedTo = all.find((pls) =>
    connectionsOf(e, idOf(pls) ?? "").some((c) => sameResourceId(c.privateEndpointId, peId)),
  );
  if (connectedTo) {
    return `is connected to ${idOf(connectedTo)} (alias ${aliasOf(connectedTo) ?? "none"}) but names ${ref}, which is neither its resource ID nor its alias`;
  }
  if (isPlsAlias(ref)) {
    const near = all.find((pls) => {
      const a = aliasOf(pls);
      return !!a && aliasPrefix(a) === aliasPrefix(ref);
    });
    if (near)
      return `names alias ${ref}, but ${idOf(near)} has alias ${aliasOf(near)}: the alias is stale or mistyped`;
    return undefined;
  }
  const parsed = tryParseResourceId(ref);
  if (parsed && sameType(resourceType(parsed), PLS_TYPE) && inScopeSubscription(e, parsed.subscriptionId)) {
    return `names ${ref}, but no such Private Link Service exists in swept subscription ${parsed.subscriptionId}`;
  }
  return undefined;
}

export const check: Check = {
  id: ID,
  severity: "error",
  title: "Private endpoint does not name the Private Link Service's resource ID or alias",
  description:
    "A consumer's private endpoint connects by the PLS resource ID or by its alias. If the value it names is neither (a stale alias after the PLS was recreated, a typo, a deleted PLS), the connection never reaches the provider.",
  remediation:
    "Recreate the private endpoint (or its connection) naming the PLS's current alias (`az network private-link-service show --query alias`) or resource ID; share the alias with consumers from that command, not from old notes.",
  docUrl: docUrlFor(ID),
  run(inv) {
    const e = estateOf(inv);
    const out: CheckResult[] = [];
    for (const pe of inv.privateEndpoints) {
      const peId = idOf(pe);
      if (!peId) continue;
      for (const { kind, connection } of endpointConnections(pe)) {
        const ref = asString(props(connection)["privateLinkServiceId"]);
        if (!ref) continue;
        if (!namesPls(ref)) continue;
        if ([...e.pls.values()].some((pls) => matches(pls, ref))) continue;
        if ((e.inv.referencedPrivateLinkServices ?? []).some((pls) => matches(pls, ref))) continue;
        const why = explain(e, pe, ref);
        if (!why) continue;
        const name = asString(connection["name"]) ?? "(unnamed)";
        out.push({
          resourceId: peId,
          discriminator: name,
          message: `private endpoint ${peId} ${kind} connection ${name} ${why}`,
          data: { kind, privateLinkServiceId: ref },
        });
      }
    }
    return out;
  },
};
