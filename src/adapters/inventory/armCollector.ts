/**
 * Collects the estate once per sweep.
 * - Resource Graph's ResourceContainers for the named subscriptions (which exist and are readable, and their
 *   tenants): one query instead of one GET each.
 * - Resource Graph for the lists it serves: Private Link Services, private endpoints, and any other resource
 *   with private endpoint connections, for all subscriptions at once (or once for a management group), paged
 *   with $skipToken.
 * - What those reference: load balancers, NICs, virtual networks (with their subnets), NSGs and private DNS
 *   zones through Resource Graph too (one query per kind for all scopes), with an ARM GET for any it does not
 *   return; DNS zone groups (child resources that Resource Graph does not index: one list per endpoint) and the
 *   zones' A records and virtual network links (one list each per zone) through ARM.
 * - Azure Monitor's metrics batch API for the PLS/PE traffic metrics (50 resources a call); live DNS for each
 *   endpoint's service FQDNs.
 * Every call goes through the SDK pipeline (auth, TLS, 429/5xx retries with Retry-After), at most
 * `maxConcurrency` at a time for one subscription (ARM throttles reads per subscription; Resource Graph, the
 * metrics of one subscription and live DNS are each one key too) and `maxConcurrencyTotal` in all. A failure is recorded in `collectionErrors` with the scope it hit and its kind
 * (which decides what the sweep can no longer judge, core/degraded.ts); a 404 on a referenced resource is not
 * an error (the checks report what is missing).
 */
import type { ArmJson, CollectionErrorKind, DnsAnswer, Inventory } from "../../core/inventory";
import { emptyInventory } from "../../core/inventory";
import { KeyedLimiter } from "../../core/concurrency/keyedLimiter";
import { ArmError, errorMessage } from "../../core/errors";
import { normalizeResourceId, parentResourceId, tryParseResourceId } from "../../core/resourceId";
import type { CollectOptions, CollectProgress, InventoryCollector, SweepScope } from "../../ports";
import { API_VERSIONS, PRIVATE_LINK_SERVICE_TYPE, apiVersionFor } from "../arm/apiVersions";
import { connectionFromArm } from "../arm/armReader";
import type { GenericArmClient } from "../arm/genericClient";
import { PE_METRICS, PLS_METRICS } from "../metrics/azureMonitor";
import { METRICS_BATCH_MAX_RESOURCES, type MetricsBatchReader, regionSlug } from "../metrics/batchMetrics";
import { chunk } from "../chunk";

export const RESOURCE_GRAPH_API_VERSION = API_VERSIONS["microsoft.resourcegraph/resources"] ?? "2022-10-01";
const PE_TYPE = "Microsoft.Network/privateEndpoints";
const LB_TYPE = "Microsoft.Network/loadBalancers";
const NIC_TYPE = "Microsoft.Network/networkInterfaces";
const VNET_TYPE = "Microsoft.Network/virtualNetworks";
const NSG_TYPE = "Microsoft.Network/networkSecurityGroups";
const DNS_ZONE_TYPE = "Microsoft.Network/privateDnsZones";
const ARG_PAGE = 1000;
/** Subscriptions one Resource Graph request may name. */
export const ARG_MAX_SUBSCRIPTIONS = 1000;

export const QUERIES = {
  privateLinkServices: `Resources | where type =~ '${PRIVATE_LINK_SERVICE_TYPE.toLowerCase()}'`,
  privateEndpoints: `Resources | where type =~ '${PE_TYPE.toLowerCase()}'`,
  // PLS rows also match; they are told apart by type (the emulator and ARG both accept this shape).
  withConnections: "Resources | where isnotempty(properties.privateEndpointConnections)",
} as const;

/** The swept subscriptions Resource Graph can see, with their tenants (one row each). */
export const QUERIES_SUBSCRIPTIONS =
  "ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project id, subscriptionId, tenantId";

export interface DnsLookup {
  lookup(fqdn: string): Promise<DnsAnswer>;
}

export interface ArmInventoryCollectorOptions {
  client: GenericArmClient;
  /** Azure Monitor's metrics batch API (metrics/batchMetrics.ts batchMetricsFor). */
  metrics: MetricsBatchReader;
  /** Calls in flight at once for one subscription (ARM throttles reads per subscription). */
  maxConcurrency: number;
  /** Calls in flight at once over all subscriptions; default 4 × maxConcurrency. */
  maxConcurrencyTotal?: number;
  /** Absent: no live DNS lookups (the live-resolution check then reports nothing). */
  dns?: DnsLookup;
  /** Rows per Resource Graph page ($top, at most 1000). */
  resourceGraphPageSize?: number;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function propsOf(r: Json | undefined): Json {
  return isRecord(r?.["properties"]) ? (r["properties"] as Json) : {};
}

function refId(v: unknown): string | undefined {
  return isRecord(v) ? str(v["id"]) : undefined;
}

/** `Microsoft.Network/loadBalancers` for an LB or anything below it. */
function topType(id: string): string | undefined {
  const p = tryParseResourceId(id);
  return p && p.provider && p.types[0] ? `${p.provider}/${p.types[0]}` : undefined;
}

/** The ancestor of `id` whose last type segment is `type` (e.g. the load balancer of a frontend config). */
function ancestorOfType(id: string, lastType: string): string | undefined {
  let cur: string | undefined = id;
  while (cur) {
    const p = tryParseResourceId(cur);
    if (!p) return undefined;
    if ((p.types[p.types.length - 1] ?? "").toLowerCase() === lastType.toLowerCase()) return p.id;
    try {
      cur = parentResourceId(cur);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Resource Graph lower-cases `type`; the ID keeps ARM's casing, so take it from there. */
function armShape(row: Json): Json {
  const id = str(row["id"]) ?? "";
  const p = tryParseResourceId(id);
  const type = p && p.provider ? [p.provider, ...p.types].join("/") : (str(row["type"]) ?? "");
  const out: Json = { id, name: row["name"], type, location: row["location"], tags: row["tags"] ?? {} };
  for (const k of ["sku", "kind", "etag", "zones", "identity"])
    if (row[k] !== undefined && row[k] !== null && row[k] !== "") out[k] = row[k];
  out["properties"] = row["properties"] ?? {};
  return out;
}

type Fail = (where: string, e: unknown, kind: CollectionErrorKind) => void;

function isDnsZone(id: string): boolean {
  return (topType(id) ?? "").toLowerCase() === "microsoft.network/privatednszones";
}

/** LiveDns's errors that are answers from DNS (see adapters/dns/liveDns.ts), as opposed to resolver failures. */
export function isDnsAnswerError(error: string): boolean {
  return /^(NXDOMAIN\b|CNAME loop\b)/.test(error);
}

/** Resource Graph calls share one key: its quota is per caller, not per subscription. */
const RESOURCE_GRAPH = "resource-graph";

/** The subscription a request to this ARM path is charged to (ARM throttles reads per subscription). */
function subscriptionKey(path: string): string {
  const m = /^\/subscriptions\/([^/]+)/i.exec(path);
  return m ? `sub:${(m[1] as string).toLowerCase()}` : "tenant";
}

export class ArmInventoryCollector implements InventoryCollector {
  private readonly client: GenericArmClient;
  private readonly metrics: MetricsBatchReader;
  private readonly limit: KeyedLimiter;
  private readonly dns: DnsLookup | undefined;
  private readonly pageSize: number;

  constructor(options: ArmInventoryCollectorOptions) {
    this.client = options.client;
    this.metrics = options.metrics;
    const perSubscription = Math.max(1, options.maxConcurrency);
    this.limit = new KeyedLimiter(
      Math.max(1, options.maxConcurrencyTotal ?? perSubscription * 4),
      perSubscription,
    );
    this.dns = options.dns;
    this.pageSize = Math.min(Math.max(1, options.resourceGraphPageSize ?? ARG_PAGE), ARG_PAGE);
  }

  async collect(scope: SweepScope, options: CollectOptions): Promise<Inventory> {
    const inv = emptyInventory(options.now.toISOString(), options.windowMinutes);
    const signal = options.abortSignal;
    const progress = options.onProgress ?? (() => {});
    const fail: Fail = (where, e, kind) =>
      inv.collectionErrors.push({ scope: where, message: errorMessage(e), kind });

    // 1. Resource Graph: all subscriptions in one query (up to ARG_MAX_SUBSCRIPTIONS each), paged with
    //    $skipToken. A failed query taints exactly the subscriptions it covered (their `scope` errors).
    const scopes: { labels: string[]; body: Json }[] = scope.managementGroup
      ? [
          {
            labels: [`/providers/Microsoft.Management/managementGroups/${scope.managementGroup}`],
            body: { managementGroups: [scope.managementGroup] },
          },
        ]
      : chunk(scope.subscriptions, ARG_MAX_SUBSCRIPTIONS).map((batch) => ({
          labels: batch.map((s) => `/subscriptions/${s}`),
          body: { subscriptions: batch },
        }));
    const subs = new Map<string, string | undefined>();
    for (const s of scope.subscriptions) subs.set(s.toLowerCase(), undefined);
    const seen = new Set<string>();
    const add = (list: ArmJson[], row: Json) => {
      const id = str(row["id"]);
      // Overlapping scopes (a management group and its subscriptions) list a resource once.
      if (!id || seen.has(normalizeResourceId(id))) return;
      seen.add(normalizeResourceId(id));
      list.push(armShape(row));
    };
    // Resource Graph silently returns nothing for a subscription that does not exist or that this identity
    // cannot read, which would make a mistyped or un-granted scope look like a clean estate. Ask Resource Graph
    // which of the named subscriptions it can see (its ResourceContainers table, one query for up to 1,000),
    // and record the ones it will not show us; a failed query blinds exactly the subscriptions it covered.
    await Promise.all(
      chunk(scope.subscriptions, ARG_MAX_SUBSCRIPTIONS).map((batch) =>
        this.limit.run(RESOURCE_GRAPH, async () => {
          const visible = new Set<string>();
          try {
            for await (const row of this.query(QUERIES_SUBSCRIPTIONS, { subscriptions: batch }, signal)) {
              const id = str(row["subscriptionId"])?.toLowerCase();
              if (!id) continue;
              visible.add(id);
              const tenantId = str(row["tenantId"]);
              if (tenantId && subs.has(id)) subs.set(id, tenantId);
            }
          } catch (e) {
            for (const s of batch) fail(`/subscriptions/${s}`, e, "scope");
            return;
          }
          for (const s of batch) {
            if (visible.has(s.toLowerCase())) continue;
            fail(
              `/subscriptions/${s}`,
              `subscription ${s} not found or this identity cannot read it (Resource Graph returns no row for it): ` +
                `fix the ID in LINKGATE_SUBSCRIPTIONS / --subscription, or grant the identity Reader (or linkgate's role) on it`,
              "scope",
            );
          }
        }),
      ),
    );

    let done = 0;
    const total = scopes.length * 3;
    const report = (phase: string, d: number, t: number) =>
      progress({ phase, done: d, total: t } satisfies CollectProgress);
    report("resource graph", 0, total);
    await Promise.all(
      scopes.flatMap((sc) =>
        (Object.keys(QUERIES) as (keyof typeof QUERIES)[]).map((kind) =>
          this.limit.run(RESOURCE_GRAPH, async () => {
            try {
              for await (const row of this.query(QUERIES[kind], sc.body, signal)) {
                const sub = str(row["subscriptionId"])?.toLowerCase();
                if (sub && (!subs.has(sub) || subs.get(sub) === undefined))
                  subs.set(sub, str(row["tenantId"]));
                const type = (topType(str(row["id"]) ?? "") ?? "").toLowerCase();
                if (kind === "privateLinkServices") add(inv.privateLinkServices, row);
                else if (kind === "privateEndpoints") add(inv.privateEndpoints, row);
                else if (type !== PRIVATE_LINK_SERVICE_TYPE.toLowerCase() && type !== PE_TYPE.toLowerCase())
                  add(inv.paasResources, row);
              }
            } catch (e) {
              for (const label of sc.labels) fail(label, e, "scope");
            }
            report("resource graph", ++done, total);
          }),
        ),
      ),
    );
    inv.subscriptions = [...subs].map(([subscriptionId, tenantId]) =>
      tenantId ? { subscriptionId, tenantId } : { subscriptionId },
    );

    // 2. Connections, from the targets' own properties.
    for (const target of [...inv.privateLinkServices, ...inv.paasResources]) {
      const targetId = str(target["id"]);
      if (!targetId) continue;
      for (const raw of arr(propsOf(target as Json)["privateEndpointConnections"])) {
        try {
          inv.connections.push(connectionFromArm(raw, targetId));
        } catch (e) {
          fail(targetId, e, "resource");
        }
      }
    }

    // 3. ARM reads of what the lists reference.
    await this.collectReferenced(inv, scopes, signal, report, fail);

    // 4. Metrics and live DNS.
    await this.collectMetrics(inv, options, report, fail);
    await this.collectDns(inv, report, fail);
    return inv;
  }

  private async *query(query: string, scope: Json, signal: AbortSignal | undefined): AsyncIterable<Json> {
    let skipToken: string | undefined;
    do {
      const body = await this.client.post(
        "/providers/Microsoft.ResourceGraph/resources",
        RESOURCE_GRAPH_API_VERSION,
        {
          ...scope,
          query,
          options: {
            resultFormat: "objectArray",
            $top: this.pageSize,
            ...(skipToken ? { $skipToken: skipToken } : {}),
          },
        },
        { abortSignal: signal },
      );
      for (const row of arr(body["data"])) yield row;
      skipToken = str(body["$skipToken"]);
    } while (skipToken);
  }

  private async get(id: string, signal: AbortSignal | undefined): Promise<Json | undefined> {
    const type = topType(id);
    if (!type) throw new Error(`"${id}" is not a resource ID`);
    return this.limit.run(subscriptionKey(id), () =>
      this.client.get(id, apiVersionFor(type), { abortSignal: signal }),
    );
  }

  private async list(collection: string, signal: AbortSignal | undefined): Promise<Json[]> {
    // A collection path ends in a type segment; its api-version is its parent resource's provider's.
    const type = topType(collection.replace(/\/[^/]+\/?$/, ""));
    if (!type) throw new Error(`"${collection}" is not a resource collection path`);
    return this.limit.run(subscriptionKey(collection), async () => {
      const out: Json[] = [];
      try {
        for await (const item of this.client.list(collection, apiVersionFor(type), { abortSignal: signal })) {
          out.push(item);
        }
      } catch (e) {
        // The parent was just listed; a 404 now means it is gone (or has no such children): nothing to report.
        if (e instanceof ArmError && e.notFound) return [];
        throw e;
      }
      return out;
    });
  }

  /**
   * The wanted resources of these types, read through Resource Graph for every scope at once (paged) rather
   * than one GET each. What it does not return (another subscription, Resource Graph's indexing lag, a failed
   * query) is left to the caller's GETs, which read it and tag their own failures as before.
   */
  private async graphLookup(
    types: readonly string[],
    wanted: ReadonlySet<string>,
    scopes: readonly { body: Json }[],
    signal: AbortSignal | undefined,
  ): Promise<Map<string, Json>> {
    const found = new Map<string, Json>();
    if (wanted.size === 0) return found;
    const query = `Resources | where type in~ (${types.map((t) => `'${t.toLowerCase()}'`).join(", ")})`;
    await Promise.all(
      scopes.map((sc) =>
        this.limit.run(RESOURCE_GRAPH, async () => {
          try {
            for await (const row of this.query(query, sc.body, signal)) {
              const id = normalizeResourceId(str(row["id"]) ?? "");
              if (wanted.has(id)) found.set(id, armShape(row));
            }
          } catch {
            // Nothing lost: every wanted resource not found here is read with a GET, which records its error.
          }
        }),
      ),
    );
    return found;
  }

  private async collectReferenced(
    inv: Inventory,
    scopes: readonly { body: Json }[],
    signal: AbortSignal | undefined,
    report: (phase: string, d: number, t: number) => void,
    fail: Fail,
  ): Promise<void> {
    const lbs = new Map<string, string>();
    const subnetIds = new Map<string, string>();
    const nics = new Map<string, string>();
    const keep = (m: Map<string, string>, id: string | undefined) => {
      if (id) m.set(normalizeResourceId(id), id);
    };
    for (const pls of inv.privateLinkServices) {
      const p = propsOf(pls as Json);
      for (const fe of arr(p["loadBalancerFrontendIpConfigurations"])) {
        const id = refId(fe);
        keep(lbs, id ? ancestorOfType(id, "loadBalancers") : undefined);
      }
      for (const ipc of arr(p["ipConfigurations"])) keep(subnetIds, refId(propsOf(ipc)["subnet"]));
    }
    for (const pe of inv.privateEndpoints) {
      const p = propsOf(pe as Json);
      keep(subnetIds, refId(p["subnet"]));
      for (const nic of arr(p["networkInterfaces"])) keep(nics, refId(nic));
    }
    let done = 0;
    let total = lbs.size + nics.size + inv.privateEndpoints.length;
    report("arm", 0, total);
    const step = () => report("arm", ++done, total);
    // Load balancers and NICs (then virtual networks, then NSGs) through Resource Graph; GETs for the rest.
    let viaGraph = await this.graphLookup(
      [LB_TYPE, NIC_TYPE],
      new Set([...lbs.keys(), ...nics.keys()]),
      scopes,
      signal,
    );
    const getInto = async (list: ArmJson[], id: string) => {
      const row = viaGraph.get(normalizeResourceId(id));
      if (row) {
        list.push(row);
        return step();
      }
      try {
        const r = await this.get(id, signal);
        if (r) list.push(r);
      } catch (e) {
        // A private DNS zone may serve endpoints in every subscription: its loss blinds the DNS checks there.
        fail(id, e, isDnsZone(id) ? "dns-zone" : "resource");
      }
      step();
    };
    const zones = new Map<string, string>();
    await Promise.all([
      ...[...lbs.values()].map((id) => getInto(inv.loadBalancers, id)),
      ...[...nics.values()].map((id) => getInto(inv.networkInterfaces, id)),
      ...inv.privateEndpoints.map(async (pe) => {
        const peId = str(pe["id"]);
        if (!peId) return step();
        try {
          for (const g of await this.list(`${peId}/privateDnsZoneGroups`, signal)) {
            inv.privateDnsZoneGroups.push(g);
            for (const cfg of arr(propsOf(g)["privateDnsZoneConfigs"]))
              keep(zones, str(propsOf(cfg)["privateDnsZoneId"]));
          }
        } catch (e) {
          fail(`${peId}/privateDnsZoneGroups`, e, "resource");
        }
        step();
      }),
    ]);
    for (const nic of inv.networkInterfaces) {
      for (const ipc of arr(propsOf(nic as Json)["ipConfigurations"]))
        keep(subnetIds, refId(propsOf(ipc)["subnet"]));
    }

    // Virtual networks carry their subnets: one GET per VNet instead of one per subnet.
    const vnets = new Map<string, string>();
    for (const id of subnetIds.values()) keep(vnets, ancestorOfType(id, "virtualNetworks"));
    total += vnets.size + zones.size * 3;
    // Private DNS zones too (a zone in a subscription outside the sweep is read with a GET, as before).
    viaGraph = await this.graphLookup(
      [VNET_TYPE, DNS_ZONE_TYPE],
      new Set([...vnets.keys(), ...zones.keys()]),
      scopes,
      signal,
    );
    await Promise.all([
      ...[...vnets.values()].map((id) => getInto(inv.virtualNetworks, id)),
      ...[...zones.values()].flatMap((zoneId) => [
        getInto(inv.privateDnsZones, zoneId),
        (async () => {
          try {
            for (const r of await this.list(`${zoneId}/A`, signal)) inv.privateDnsARecords.push(r);
          } catch (e) {
            fail(`${zoneId}/A`, e, "dns-zone");
          }
          step();
        })(),
        (async () => {
          try {
            for (const l of await this.list(`${zoneId}/virtualNetworkLinks`, signal))
              inv.virtualNetworkLinks.push(l);
          } catch (e) {
            fail(`${zoneId}/virtualNetworkLinks`, e, "dns-zone");
          }
          step();
        })(),
      ]),
    ]);
    for (const vnet of inv.virtualNetworks) {
      for (const s of arr(propsOf(vnet as Json)["subnets"])) {
        const id = str(s["id"]);
        if (id && subnetIds.has(normalizeResourceId(id))) inv.subnets.push(s);
      }
    }
    const nsgs = new Map<string, string>();
    for (const s of inv.subnets) keep(nsgs, refId(propsOf(s as Json)["networkSecurityGroup"]));
    total += nsgs.size;
    viaGraph = await this.graphLookup([NSG_TYPE], new Set(nsgs.keys()), scopes, signal);
    await Promise.all([...nsgs.values()].map((id) => getInto(inv.networkSecurityGroups, id)));
  }

  /**
   * PLS and private endpoint metrics through `metrics:getBatch`: one call per 50 resources of one subscription,
   * type and region (what a batch may hold), at most `maxConcurrency` calls at a time. A failed call is a
   * `metrics` error for each resource it held, and so is a resource the answer left out or whose region is
   * unknown: never an empty reading that the traffic checks would take for "no traffic".
   */
  private async collectMetrics(
    inv: Inventory,
    options: CollectOptions,
    report: (phase: string, d: number, t: number) => void,
    fail: Fail,
  ): Promise<void> {
    const groups = new Map<
      string,
      { namespace: string; region: string; names: readonly string[]; ids: string[] }
    >();
    const where = (id: string) => `${id}/providers/Microsoft.Insights/metrics`;
    const add = (r: ArmJson, namespace: string, names: readonly string[]) => {
      const id = str(r["id"]);
      if (!id) return;
      const region = regionSlug(str(r["location"]));
      const sub = tryParseResourceId(id)?.subscriptionId?.toLowerCase();
      if (!region || !sub) {
        fail(
          where(id),
          `no metrics read: the resource has no usable location ("${String(r["location"] ?? "")}")`,
          "metrics",
        );
        return;
      }
      const key = `${sub}|${namespace.toLowerCase()}|${region}`;
      const g = groups.get(key) ?? { namespace, region, names, ids: [] };
      g.ids.push(id);
      groups.set(key, g);
    };
    for (const r of inv.privateLinkServices) add(r, PRIVATE_LINK_SERVICE_TYPE, PLS_METRICS);
    for (const r of inv.privateEndpoints) add(r, PE_TYPE, PE_METRICS);
    const batches = [...groups.values()].flatMap((g) =>
      chunk(g.ids, METRICS_BATCH_MAX_RESOURCES).map((ids) => ({ ...g, ids })),
    );
    let done = 0;
    report("metrics", 0, batches.length);
    await Promise.all(
      batches.map((b) =>
        this.limit.run(`metrics:${subscriptionKey(b.ids[0] ?? "")}`, async () => {
          try {
            const result = await this.metrics.readBatch(
              { namespace: b.namespace, region: b.region, resourceIds: b.ids, metricNames: b.names },
              options,
              { abortSignal: options.abortSignal },
            );
            for (const id of b.ids) {
              const key = normalizeResourceId(id);
              const read = result.metrics.get(key);
              if (read) inv.metrics[key] = read;
              else
                fail(
                  where(id),
                  result.failed.get(key) ?? `metrics:getBatch answered without this resource (${b.region})`,
                  "metrics",
                );
            }
          } catch (e) {
            for (const id of b.ids) fail(where(id), e, "metrics");
          }
          report("metrics", ++done, batches.length);
        }),
      ),
    );
  }

  private async collectDns(
    inv: Inventory,
    report: (phase: string, d: number, t: number) => void,
    fail: Fail,
  ): Promise<void> {
    const dns = this.dns;
    if (!dns) return;
    const fqdns = new Set<string>();
    for (const pe of inv.privateEndpoints) {
      for (const c of arr(propsOf(pe as Json)["customDnsConfigs"])) {
        const f = str(c["fqdn"]);
        if (f) fqdns.add(f.replace(/\.$/, "").toLowerCase());
      }
    }
    let done = 0;
    report("dns", 0, fqdns.size);
    const answers = await Promise.all(
      [...fqdns].map((f) =>
        this.limit.run("dns", async () => {
          const a = await dns.lookup(f);
          report("dns", ++done, fqdns.size);
          return a;
        }),
      ),
    );
    inv.dns.push(...answers);
    for (const a of answers) {
      // An answer (NXDOMAIN, a CNAME loop) is the live check's to report; a resolver that failed to answer
      // (timeout, SERVFAIL, refused) says nothing about the estate, and the sweep must not judge from it.
      if (a.error && !isDnsAnswerError(a.error)) fail(`dns:${a.fqdn}`, a.error, "dns");
    }
  }
}
