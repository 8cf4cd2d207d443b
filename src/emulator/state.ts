/**
 * What the emulator serves: ARM resources kept exactly as seeded (so GET returns the seed byte-for-byte in
 * JSON terms), indexed by lower-cased path, plus subscriptions (tenants), management groups and metric
 * series. Child resources that ARM also embeds in their parent (private endpoint connections, subnets,
 * load balancer parts, security rules) are stored once as children and mirrored into the parent's array
 * whenever either side is written.
 */
import { randomUUID } from "node:crypto";
import { keyOf, normalizePath, parentPath, parseArmPath, topLevelType } from "./paths";

export type Doc = Record<string, unknown>;

export interface SubscriptionDoc extends Doc {
  id: string;
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  state: string;
}

export interface MetricPoint {
  timeStamp: string;
  /** The raw value of this sample; aggregations are computed from the samples in each interval. */
  value: number;
}

export interface MetricSeries {
  resourceId: string;
  metric: string;
  unit: string;
  points: MetricPoint[];
}

interface Entry {
  path: string;
  doc: Doc;
  /** ETag for resources whose body has no `etag` property; sent as the ETag header. */
  etag: string;
  seq: number;
}

/** The tenant given to subscriptions that resources imply but no subscription document names. */
export const DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000000";

/** Embedded child arrays: `{parent type}` + `{child type segment}` (lower case) → property under `properties`. */
const EMBEDDED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "microsoft.network/virtualnetworks": {
    subnets: "subnets",
    virtualnetworkpeerings: "virtualNetworkPeerings",
  },
  "microsoft.network/networksecuritygroups": { securityrules: "securityRules" },
  "microsoft.network/loadbalancers": {
    frontendipconfigurations: "frontendIPConfigurations",
    backendaddresspools: "backendAddressPools",
    loadbalancingrules: "loadBalancingRules",
    probes: "probes",
    inboundnatrules: "inboundNatRules",
    outboundrules: "outboundRules",
  },
};

/** The property of `parentPath`'s body that mirrors children of type segment `childType`, if any. */
export function embeddedProperty(parentPathValue: string, childType: string): string | undefined {
  const p = parseArmPath(parentPathValue);
  if (!p.provider || p.types.length !== p.names.length || p.types.length === 0) return undefined;
  const child = childType.toLowerCase();
  if (child === "privateendpointconnections") return "privateEndpointConnections";
  if (p.types.length !== 1) return undefined;
  return EMBEDDED[topLevelType(p)]?.[child];
}

export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}

export function isObject(v: unknown): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedError";
  }
}

export class EmulatorState {
  private readonly entries = new Map<string, Entry>();
  /**
   * Keys by their collection (the key without its last segment), so a parent finds its direct children
   * without scanning every entry: seeding stays linear in the estate. Deleted keys are dropped when met.
   */
  private readonly byCollection = new Map<string, Set<string>>();
  /** Keys by resource group (`/subscriptions/{id}/resourcegroups/{rg}/`), for the same reason. */
  private readonly byResourceGroup = new Map<string, Set<string>>();
  private readonly subscriptions = new Map<string, SubscriptionDoc>();
  private readonly managementGroups = new Map<string, string[]>();
  private readonly metrics = new Map<string, MetricSeries>();
  private seq = 0;

  /** Removes everything: resources, subscriptions, management groups, metrics. */
  reset(): void {
    this.entries.clear();
    this.byCollection.clear();
    this.byResourceGroup.clear();
    this.subscriptions.clear();
    this.managementGroups.clear();
    this.metrics.clear();
  }

  /**
   * Adds or replaces a resource, stored unchanged at its `id` (or at `options.at`, for documents whose `id`
   * does not match the URL they are served at, as in some published examples).
   */
  add(doc: Doc, options: { at?: string } = {}): void {
    const at = options.at ?? (typeof doc["id"] === "string" ? doc["id"] : undefined);
    if (!at)
      throw new SeedError(
        `resource has no "id" (and no explicit location): ${JSON.stringify(doc).slice(0, 120)}`,
      );
    const path = normalizePath(at);
    const p = parseArmPath(path);
    // Stored as a copy: a caller mutating its object afterwards must not change what the emulator serves.
    doc = structuredClone(doc);
    if (!p.subscriptionId || !p.provider || p.types.length !== p.names.length) {
      throw new SeedError(
        `"${at}" is not a resource ID (/subscriptions/{id}/.../providers/{ns}/{type}/{name})`,
      );
    }
    this.put(path, doc);
    this.absorbEmbedded(path, doc);
    this.mirrorIntoParent(path);
  }

  /** Adds items that have no ID of their own (e.g. auto-approved PLS entries) to the collection at `collectionPath`. */
  addToCollection(collectionPath: string, items: Doc[]): void {
    const base = normalizePath(collectionPath);
    for (const item of items) {
      const path = `${base}/\u0000${++this.seq}`;
      this.put(path, structuredClone(item));
    }
  }

  replace(doc: Doc, options: { at?: string } = {}): void {
    this.add(doc, options);
  }

  /** Removes a resource (and its children); true when something was removed. */
  remove(id: string): boolean {
    const key = keyOf(id);
    const existed = this.entries.delete(key);
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${key}/`)) this.entries.delete(k);
    if (existed) this.mirrorIntoParent(normalizePath(id));
    return existed;
  }

  get(path: string): Doc | undefined {
    return this.entries.get(keyOf(path))?.doc;
  }

  has(path: string): boolean {
    return this.entries.has(keyOf(path));
  }

  /** ETag of a resource: its body's `etag` if it has one, otherwise the one the emulator keeps. */
  etagOf(path: string): string | undefined {
    const e = this.entries.get(keyOf(path));
    if (!e) return undefined;
    const bodyEtag = e.doc["etag"];
    return typeof bodyEtag === "string" ? bodyEtag : e.etag;
  }

  /** Replaces a resource after a write, giving it (and its parent) a new etag. */
  write(path: string, doc: Doc): Doc {
    const next: Doc = { ...doc };
    if (typeof next["etag"] === "string") next["etag"] = newEtag();
    this.put(normalizePath(path), next);
    this.mirrorIntoParent(normalizePath(path));
    return next;
  }

  /** Direct members of a collection path, in insertion order. */
  listCollection(collectionPath: string): Doc[] {
    return this.members(keyOf(collectionPath)).map((e) => e.doc);
  }

  /** Top-level resources of a type (`microsoft.network/privatelinkservices`) in a subscription, any group. */
  listBySubscription(subscriptionId: string, type: string): Doc[] {
    const sub = subscriptionId.toLowerCase();
    const t = type.toLowerCase();
    return this.sorted()
      .filter((e) => {
        const p = parseArmPath(e.path);
        return (
          p.subscriptionId?.toLowerCase() === sub &&
          p.resourceGroup !== undefined &&
          p.types.length === 1 &&
          topLevelType(p) === t
        );
      })
      .map((e) => e.doc);
  }

  /** Every top-level resource (what Resource Graph's `Resources` table holds), with its path. */
  topLevel(): { path: string; doc: Doc }[] {
    return this.sorted()
      .filter((e) => {
        const p = parseArmPath(e.path);
        return p.resourceGroup !== undefined && p.types.length === 1 && p.names.length === 1;
      })
      .map((e) => ({ path: e.path, doc: e.doc }));
  }

  resourceGroupExists(subscriptionId: string, resourceGroup: string): boolean {
    const prefix = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}/`.toLowerCase();
    const keys = this.byResourceGroup.get(prefix);
    for (const k of keys ?? []) {
      if (this.entries.has(k)) return true;
      keys?.delete(k);
    }
    return false;
  }

  // ---- subscriptions and management groups ----

  setSubscription(doc: Partial<SubscriptionDoc> & { subscriptionId: string; tenantId: string }): void {
    const full: SubscriptionDoc = {
      ...doc,
      id: doc.id ?? `/subscriptions/${doc.subscriptionId}`,
      subscriptionId: doc.subscriptionId,
      tenantId: doc.tenantId,
      displayName: doc.displayName ?? doc.subscriptionId,
      state: doc.state ?? "Enabled",
    };
    this.subscriptions.set(doc.subscriptionId.toLowerCase(), full);
  }

  /** The subscription document: seeded, or implied (default tenant) when resources live in it. */
  subscription(subscriptionId: string): SubscriptionDoc | undefined {
    const seeded = this.subscriptions.get(subscriptionId.toLowerCase());
    if (seeded) return seeded;
    const prefix = `/subscriptions/${subscriptionId.toLowerCase()}/`;
    for (const k of this.entries.keys()) {
      if (k.startsWith(prefix)) {
        return {
          id: `/subscriptions/${subscriptionId}`,
          subscriptionId,
          tenantId: DEFAULT_TENANT_ID,
          displayName: subscriptionId,
          state: "Enabled",
        };
      }
    }
    return undefined;
  }

  setManagementGroup(name: string, subscriptionIds: string[]): void {
    this.managementGroups.set(name.toLowerCase(), [...subscriptionIds]);
  }

  managementGroupSubscriptions(name: string): string[] | undefined {
    return this.managementGroups.get(name.toLowerCase());
  }

  // ---- metrics ----

  setMetricSeries(series: MetricSeries): void {
    const points = [...series.points].sort((a, b) => Date.parse(a.timeStamp) - Date.parse(b.timeStamp));
    this.metrics.set(`${keyOf(series.resourceId)}|${series.metric.toLowerCase()}`, { ...series, points });
  }

  metricSeries(resourceId: string, metric: string): MetricSeries | undefined {
    return this.metrics.get(`${keyOf(resourceId)}|${metric.toLowerCase()}`);
  }

  // ---- internals ----

  /**
   * The entries directly below a collection key, in insertion order, from the collection index (pruning keys
   * of removed entries). A scan of every entry instead made a sweep's per-endpoint lists quadratic in the
   * estate (100,000 connections: minutes of emulator CPU per phase) and seeding too (about 40 minutes).
   */
  private members(collectionKey: string): Entry[] {
    const out: Entry[] = [];
    const keys = this.byCollection.get(collectionKey);
    for (const k of keys ?? []) {
      const e = this.entries.get(k);
      if (e) out.push(e);
      else keys?.delete(k);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  private sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq);
  }

  private put(path: string, doc: Doc): void {
    const key = keyOf(path);
    const existing = this.entries.get(key);
    if (!existing) {
      const collection = key.slice(0, key.lastIndexOf("/"));
      const set = this.byCollection.get(collection);
      if (set) set.add(key);
      else this.byCollection.set(collection, new Set([key]));
      const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\//.exec(key)?.[0];
      if (rg) {
        const inGroup = this.byResourceGroup.get(rg);
        if (inGroup) inGroup.add(key);
        else this.byResourceGroup.set(rg, new Set([key]));
      }
    }
    this.entries.set(key, {
      path: existing?.path ?? path,
      doc,
      etag: newEtag(),
      seq: existing?.seq ?? ++this.seq,
    });
  }

  /** A parent seeded with embedded children: each child with an ID under the parent becomes a child resource. */
  private absorbEmbedded(path: string, doc: Doc): void {
    const props = doc["properties"];
    if (!isObject(props)) return;
    const parentKey = keyOf(path);
    for (const [childType, prop] of this.embeddedProps(path)) {
      const arr = props[prop];
      if (!Array.isArray(arr)) continue;
      for (const item of arr) {
        if (!isObject(item) || typeof item["id"] !== "string") continue;
        const childPath = normalizePath(item["id"]);
        const cp = keyOf(childPath);
        if (keyOf(parentPath(childPath)) === parentKey && cp.split("/").at(-2) === childType) {
          this.put(childPath, item);
        }
      }
      // Children seeded earlier but absent from the parent's array join it.
      this.syncParentArray(path, childType, prop);
    }
  }

  private embeddedProps(path: string): [string, string][] {
    const p = parseArmPath(path);
    const out: [string, string][] = [["privateendpointconnections", "privateEndpointConnections"]];
    if (p.types.length === 1) {
      for (const [child, prop] of Object.entries(EMBEDDED[topLevelType(p)] ?? {})) out.push([child, prop]);
    }
    return out;
  }

  /** After a child changed, rewrites the parent's mirrored array (if the parent exists and mirrors it). */
  private mirrorIntoParent(childPath: string): void {
    const p = parseArmPath(childPath);
    if (p.types.length < 2) return;
    const parent = parentPath(childPath);
    const childType = (p.types.at(-1) ?? "").toLowerCase();
    const prop = embeddedProperty(parent, childType);
    if (!prop || !this.entries.has(keyOf(parent))) return;
    this.syncParentArray(parent, childType, prop);
  }

  /**
   * Keeps the order of the parent's array: items that are children are replaced by the child's current body
   * (or dropped when the child is gone), items that are not children are kept, new children are appended.
   * The parent gets a new etag only when the array actually changed.
   */
  private syncParentArray(parent: string, childType: string, prop: string): void {
    const entry = this.entries.get(keyOf(parent));
    if (!entry) return;
    const props = isObject(entry.doc["properties"]) ? entry.doc["properties"] : undefined;
    const current = props && Array.isArray(props[prop]) ? (props[prop] as unknown[]) : undefined;
    const prefix = `${keyOf(parent)}/${childType}/`;
    const children = this.members(prefix.slice(0, -1));
    const byKey = new Map(children.map((c) => [keyOf(c.path), c]));
    const next: unknown[] = [];
    const seen = new Set<string>();
    for (const item of current ?? []) {
      const id = isObject(item) && typeof item["id"] === "string" ? keyOf(item["id"]) : undefined;
      if (id && id.startsWith(prefix)) {
        const child = byKey.get(id);
        if (child && !seen.has(id)) {
          next.push(child.doc);
          seen.add(id);
        }
      } else {
        next.push(item);
      }
    }
    for (const c of children) if (!seen.has(keyOf(c.path))) next.push(c.doc);
    if (current === undefined && next.length === 0) return;
    const unchanged =
      current !== undefined && current.length === next.length && current.every((v, i) => v === next[i]);
    if (unchanged) return;
    const doc: Doc = { ...entry.doc, properties: { ...(props ?? {}), [prop]: next } };
    if (typeof doc["etag"] === "string") doc["etag"] = newEtag();
    this.entries.set(keyOf(parent), { ...entry, doc, etag: newEtag() });
  }
}
