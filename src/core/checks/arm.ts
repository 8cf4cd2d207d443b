/**
 * Typed reads of raw ARM JSON. Inventory keeps resources exactly as ARM returned them, so checks read
 * fields defensively: a missing or oddly typed field is "unknown", never a crash.
 */
import type { ArmJson, Inventory } from "../inventory";
import { normalizeLocation } from "../policy/normalize";
import { normalizeResourceId } from "../resourceId";

export function asObject(v: unknown): ArmJson | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as ArmJson) : undefined;
}

export function asArray(v: unknown): ArmJson[] {
  return Array.isArray(v) ? v.map(asObject).filter((x): x is ArmJson => x !== undefined) : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

export function props(r: ArmJson | undefined): ArmJson {
  return asObject(r?.["properties"]) ?? {};
}

export function idOf(r: ArmJson | undefined): string | undefined {
  return asString(r?.["id"]);
}

/** The `id` of a sub-resource reference such as `{"id": "..."}`. */
export function refId(v: unknown): string | undefined {
  return asString(asObject(v)?.["id"]);
}

export function tagsOf(r: ArmJson | undefined): Record<string, string> {
  const t = asObject(r?.["tags"]);
  const out: Record<string, string> = {};
  if (!t) return out;
  for (const [k, v] of Object.entries(t)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Tag lookup with a case-insensitive name, as ARM treats tag names. */
export function tagValue(r: ArmJson | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(tagsOf(r))) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

export function typeOf(r: ArmJson | undefined): string {
  return asString(r?.["type"]) ?? "";
}

export function locationOf(r: ArmJson | undefined): string | undefined {
  return asString(r?.["location"]);
}

/** Azure regions compare as the policy compares them: display and short names alike ("West Europe" = "westeurope"). */
export function sameRegion(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && normalizeLocation(a) === normalizeLocation(b);
}

/** Map from normalised ID to resource, for one inventory list. */
export function byId(list: readonly ArmJson[]): Map<string, ArmJson> {
  const m = new Map<string, ArmJson>();
  for (const r of list) {
    const id = idOf(r);
    if (id) m.set(normalizeResourceId(id), r);
  }
  return m;
}

export function lookup(map: Map<string, ArmJson>, id: string | undefined): ArmJson | undefined {
  return id ? map.get(normalizeResourceId(id)) : undefined;
}

/** Every top-level resource list of the inventory, for lookups that do not care about the kind. */
export function allResources(inv: Inventory): ArmJson[] {
  return [
    ...inv.privateLinkServices,
    ...inv.paasResources,
    ...inv.privateEndpoints,
    ...inv.privateDnsZoneGroups,
    ...inv.networkInterfaces,
    ...inv.loadBalancers,
    ...inv.virtualNetworks,
    ...inv.subnets,
    ...inv.networkSecurityGroups,
    ...inv.privateDnsZones,
    ...inv.privateDnsARecords,
    ...inv.virtualNetworkLinks,
  ];
}
