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
    const prefix = normalizeResourceId(targetId) + "/privateendpointconnections/";
    for (const [k, c] of this.connections) if (k.startsWith(prefix)) yield c;
  }

  async getConnection(id: string): Promise<PrivateEndpointConnection | undefined> {
    this.check(id);
    return this.connections.get(normalizeResourceId(id));
  }

  async setConnectionState(
    connection: PrivateEndpointConnection,
    status: "Approved" | "Rejected",
    description: string,
    options: SetConnectionStateOptions = {},
  ): Promise<PrivateEndpointConnection> {
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
    return next;
  }

  /** Somebody else changes a connection (portal click) without us knowing. */
  externalChange(id: string, status: ConnectionStatus): void {
    const key = normalizeResourceId(id);
    const c = this.connections.get(key);
    if (c) this.connections.set(key, { ...c, status, rawStatus: status, etag: this.nextEtag() });
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
  extra: { telemetry?: FakeTelemetry; logger?: MemoryLogger; tenants?: FakeTenants } = {},
): ReconcileDeps & { telemetry: FakeTelemetry; logger: MemoryLogger; tenants: FakeTenants } {
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
  };
}
