/**
 * In-memory stand-ins for the approval ports: enough of ARM's behaviour (etags, If-Match, 404 as
 * undefined, injected failures) to test reconcile and the event handler without a network.
 */
import { ArmError } from "../../../src/core/errors";
import type {
  ConnectionStatus,
  Decision,
  DecisionFacts,
  PrivateEndpointConnection,
  TargetResource,
} from "../../../src/core/model";
import { InProcessTargetLock } from "../../../src/core/lock";
import type { PolicyRuntime, ReconcileDeps } from "../../../src/core/reconcile";
import {
  normalizeResourceId,
  parseResourceId,
  resourceName,
  resourceType,
} from "../../../src/core/resourceId";
import type {
  ArmReader,
  ConnectionWriter,
  Logger,
  SetConnectionStateOptions,
  TargetLock,
  TelemetryMeasurements,
  TelemetryProperties,
  TelemetrySink,
  TenantResolver,
} from "../../../src/ports";

export const PROVIDER_SUB = "11111111-1111-1111-1111-111111111111";
export const CONSUMER_SUB = "22222222-2222-2222-2222-222222222222";
export const PROVIDER_TENANT = "aaaaaaaa-0000-0000-0000-000000000001";
export const CONSUMER_TENANT = "bbbbbbbb-0000-0000-0000-000000000002";

export const RELAY_ID = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-prod/providers/Microsoft.Relay/namespaces/relay1`;
export const PLS_ID = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/pls1`;

export function endpointId(name: string, sub = CONSUMER_SUB, rg = "rg-app-1"): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;
}

export interface PutRecord {
  connectionId: string;
  status: string;
  description: string;
  etag?: string;
}

export class FakeArm implements ArmReader, ConnectionWriter {
  readonly targets = new Map<string, TargetResource>();
  readonly connections = new Map<string, PrivateEndpointConnection>();
  readonly resources = new Map<string, Record<string, unknown>>();
  readonly puts: PutRecord[] = [];
  reads = 0;
  /** Fails every read/write with this status while set (e.g. 503 storm). */
  failWith: number | undefined;
  /** Fails only the next write with this status. */
  failNextWriteWith: number | undefined;
  /** Like a provider that exposes no etag (Relay): lists and GETs carry none, writes check none. */
  noEtags = false;
  /**
   * Whether the reader says the provider's schema has connection etags (connectionEtagExposed); undefined:
   * the reader does not say (the method answers undefined, as a reader without it).
   */
  declaresEtags: boolean | undefined;
  /** Runs at the start of every write, before any check: a concurrent writer landing just before ours. */
  beforeWrite: ((connection: PrivateEndpointConnection) => void) | undefined;
  /** Runs before every connection GET (a human acting between our list and our re-read). */
  beforeGet: ((id: string) => void) | undefined;
  /** The next N writes land but their response is lost: 412 (SDK retry with the old etag) or no response. */
  loseNextResponses: { times: number; as: 412 | "network" } | undefined;
  /** Fails every connection GET with this status while set (list and target reads still work). */
  failGetWith: number | undefined;
  /** Runs after the n-th list was read (n from 1): a writer acting between our read and our write. */
  afterList: ((n: number) => void) | undefined;
  lists = 0;
  gets = 0;
  private etagCounter = 0;

  addTarget(id: string, tags: Record<string, string> = {}, location = "westeurope"): TargetResource {
    const p = parseResourceId(id);
    const t: TargetResource = {
      id,
      type: resourceType(p),
      name: resourceName(p),
      subscriptionId: p.subscriptionId,
      resourceGroup: p.resourceGroup,
      location,
      tags,
    };
    this.targets.set(normalizeResourceId(id), t);
    return t;
  }

  addConnection(
    targetId: string,
    name: string,
    status: ConnectionStatus,
    opts: { endpoint?: string; description?: string; groupIds?: string[] } = {},
  ): PrivateEndpointConnection {
    const c: PrivateEndpointConnection = {
      id: `${targetId}/privateEndpointConnections/${name}`,
      name,
      targetId,
      privateEndpointId: opts.endpoint ?? endpointId(`pe-${name}`),
      status,
      rawStatus: status,
      description: opts.description,
      groupIds: opts.groupIds,
      etag: this.nextEtag(),
    };
    this.connections.set(normalizeResourceId(c.id), c);
    return c;
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `W/"${this.etagCounter}"`;
  }

  private check(id: string): void {
    this.reads += 1;
    if (this.failWith !== undefined)
      throw new ArmError(`${id}: ${this.failWith} injected`, this.failWith, "Injected", id);
  }

  async getResource(id: string): Promise<Record<string, unknown> | undefined> {
    this.check(id);
    return this.resources.get(normalizeResourceId(id));
  }

  async getTarget(id: string): Promise<TargetResource | undefined> {
    this.check(id);
    return this.targets.get(normalizeResourceId(id));
  }

  async *listConnections(targetId: string): AsyncIterable<PrivateEndpointConnection> {
    this.check(targetId);
    this.lists += 1;
    const prefix = normalizeResourceId(targetId) + "/privateendpointconnections/";
    const snapshot = [...this.connections].filter(([k]) => k.startsWith(prefix)).map(([, c]) => c);
    this.afterList?.(this.lists);
    for (const c of snapshot) yield this.asServed(c);
  }

  connectionEtagExposed(): boolean {
    return this.declaresEtags ?? true;
  }

  async getConnection(id: string): Promise<PrivateEndpointConnection | undefined> {
    this.check(id);
    this.gets += 1;
    this.beforeGet?.(id);
    if (this.failGetWith !== undefined)
      throw new ArmError(`${id}: ${this.failGetWith} injected`, this.failGetWith, "Injected", id);
    const c = this.connections.get(normalizeResourceId(id));
    return c ? this.asServed(c) : undefined;
  }

  private asServed(c: PrivateEndpointConnection): PrivateEndpointConnection {
    return this.noEtags ? { ...c, etag: undefined } : c;
  }

  /** Approved connections of a target, as ARM holds them now. */
  approvedOn(targetId: string): number {
    const prefix = normalizeResourceId(targetId) + "/privateendpointconnections/";
    return [...this.connections].filter(([k, c]) => k.startsWith(prefix) && c.status === "Approved").length;
  }

  async setConnectionState(
    connection: PrivateEndpointConnection,
    status: "Approved" | "Rejected",
    description: string,
    options: SetConnectionStateOptions = {},
  ): Promise<PrivateEndpointConnection> {
    this.beforeWrite?.(connection);
    if (this.failWith !== undefined)
      throw new ArmError("write: injected", this.failWith, "Injected", connection.id);
    if (this.failNextWriteWith !== undefined) {
      const s = this.failNextWriteWith;
      this.failNextWriteWith = undefined;
      throw new ArmError(`write: injected ${s}`, s, "Injected", connection.id);
    }
    const key = normalizeResourceId(connection.id);
    const current = this.connections.get(key);
    if (!current) throw new ArmError(`${connection.id} not found`, 404, "NotFound", connection.id);
    if (options.etag && options.etag !== current.etag) {
      throw new ArmError(`${connection.id}: etag mismatch`, 412, "PreconditionFailed", connection.id);
    }
    this.puts.push({ connectionId: connection.id, status, description, etag: options.etag });
    const next: PrivateEndpointConnection = {
      ...current,
      status,
      rawStatus: status,
      description,
      etag: this.nextEtag(),
    };
    this.connections.set(key, next);
    const lose = this.loseNextResponses;
    if (lose && lose.times > 0) {
      lose.times -= 1;
      if (lose.as === 412)
        throw new ArmError(
          `${connection.id}: etag mismatch on retry`,
          412,
          "PreconditionFailed",
          connection.id,
        );
      throw new ArmError(`${connection.id}: socket hang up`, undefined, "ECONNRESET", connection.id);
    }
    return this.asServed(next);
  }

  /** Somebody else changes a connection (portal click) without us knowing. */
  externalChange(id: string, status: ConnectionStatus, description?: string): void {
    const key = normalizeResourceId(id);
    const c = this.connections.get(key);
    if (c)
      this.connections.set(key, {
        ...c,
        status,
        rawStatus: status,
        description: description ?? c.description,
        etag: this.nextEtag(),
      });
  }
}

export class FakeTenants implements TenantResolver {
  readonly known = new Map<string, string>([
    [PROVIDER_SUB, PROVIDER_TENANT],
    [CONSUMER_SUB, CONSUMER_TENANT],
  ]);
  calls = 0;
  async tenantOfSubscription(subscriptionId: string): Promise<string | undefined> {
    this.calls += 1;
    return this.known.get(subscriptionId.toLowerCase());
  }
}

export interface TrackedEvent {
  name: string;
  properties: TelemetryProperties;
  measurements: TelemetryMeasurements;
}

export class FakeTelemetry implements TelemetrySink {
  readonly events: TrackedEvent[] = [];
  trackEvent(
    name: string,
    properties: TelemetryProperties = {},
    measurements: TelemetryMeasurements = {},
  ): void {
    this.events.push({ name, properties, measurements });
  }
  trackMetric(): void {}
  async flush(): Promise<void> {}
  named(name: string): TrackedEvent[] {
    return this.events.filter((e) => e.name === name);
  }
}

export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; properties?: Record<string, unknown> }[] = [];
  info(message: string, properties?: Record<string, unknown>): void {
    this.lines.push({ level: "info", message, properties });
  }
  warn(message: string, properties?: Record<string, unknown>): void {
    this.lines.push({ level: "warn", message, properties });
  }
  error(message: string, properties?: Record<string, unknown>): void {
    this.lines.push({ level: "error", message, properties });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.properties ?? {})}`).join("\n");
  }
}

/** A policy runtime from a decide function; the real engine is tested by its own suite. */
export function policyOf(
  decide: (facts: DecisionFacts) => Decision,
  mode: "enforce" | "audit" = "enforce",
): PolicyRuntime & { seen: DecisionFacts[] } {
  const seen: DecisionFacts[] = [];
  return {
    mode,
    source: "test-policy",
    seen,
    decide(facts) {
      seen.push(facts);
      return decide(facts);
    },
    describe: (d) => `linkgate ${d.action} by rule ${d.ruleId}`,
  };
}

export const approveAll = (): Decision => ({
  action: "approve",
  ruleId: "allow-all",
  message: "ok",
  reasons: ["allow-all matched"],
});

export function makeDeps(
  arm: FakeArm,
  policy: PolicyRuntime,
  extra: { telemetry?: FakeTelemetry; logger?: MemoryLogger; tenants?: FakeTenants; lock?: TargetLock } = {},
): ReconcileDeps & {
  telemetry: FakeTelemetry;
  logger: MemoryLogger;
  tenants: FakeTenants;
  lock: TargetLock;
} {
  let t = Date.parse("2025-03-04T10:00:00Z");
  return {
    reader: arm,
    writer: arm,
    tenants: extra.tenants ?? new FakeTenants(),
    telemetry: extra.telemetry ?? new FakeTelemetry(),
    logger: extra.logger ?? new MemoryLogger(),
    // Each reading advances 5 ms, so latency is measured from real differences, not a constant.
    clock: { now: () => new Date((t += 5)) },
    policy,
    // A lock of its own per test, so nothing one test leaves with a lock reaches another.
    lock: extra.lock ?? new InProcessTargetLock(),
  };
}
