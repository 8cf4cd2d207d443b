/**
 * The interfaces core depends on. Adapters implement them against Azure (or the emulator); unit tests
 * implement them with in-memory fakes. Conventions (Azure SDK guidelines): options bag last with
 * `abortSignal`; `get*` resolves undefined when the resource does not exist; `list*` returns an async
 * iterable; failures throw ArmError (see core/errors).
 */
import type { ConnectionStatus, PrivateEndpointConnection, TargetResource } from "../core/model";
import type { Finding } from "../core/findings";
import type { Inventory } from "../core/inventory";

export interface OperationOptions {
  abortSignal?: AbortSignal;
}

/** Reads ARM resources. */
export interface ArmReader {
  /** Raw ARM GET of any resource by ID (api-version chosen per type). */
  getResource(id: string, options?: OperationOptions): Promise<Record<string, unknown> | undefined>;
  /** The target of a connection (PLS or PaaS resource) with its common facts. */
  getTarget(id: string, options?: OperationOptions): Promise<TargetResource | undefined>;
  /**
   * The target and, when its body embeds them completely (the provider's spec puts every connection in
   * `properties.privateEndpointConnections`), its connections as read by that same GET; `connections`
   * undefined: list them. Optional: a reader without it is read with getTarget and listConnections.
   */
  getTargetWithConnections?(
    id: string,
    options?: OperationOptions,
  ): Promise<{ target: TargetResource; connections?: PrivateEndpointConnection[] } | undefined>;
  /** All private endpoint connections of a target, current state. */
  listConnections(targetId: string, options?: OperationOptions): AsyncIterable<PrivateEndpointConnection>;
  getConnection(
    connectionId: string,
    options?: OperationOptions,
  ): Promise<PrivateEndpointConnection | undefined>;
  /**
   * False when the provider's published connection schema has no etag (Relay, Service Bus, Event Hubs, Sql
   * servers, Cosmos DB, Key Vault vaults at their api-versions): a GET of one of its connections cannot yield an If-Match value,
   * so a list read under the lock right before a write is as fresh a re-read as a GET. Optional: a reader
   * without it is assumed to expose etags (the connection is read with a GET when its item has none).
   */
  connectionEtagExposed?(targetType: string): boolean;
}

export interface SetConnectionStateOptions extends OperationOptions {
  /** Sent as If-Match when given, so a decision never overwrites a state someone changed meanwhile. */
  etag?: string;
}

/** Approves or rejects a connection with one PUT. */
export interface ConnectionWriter {
  setConnectionState(
    connection: PrivateEndpointConnection,
    status: Extract<ConnectionStatus, "Approved" | "Rejected">,
    description: string,
    options?: SetConnectionStateOptions,
  ): Promise<PrivateEndpointConnection>;
}

export interface AcquireLockOptions extends OperationOptions {
  /** Upper bound on waiting for another holder; past it acquire throws LockTimeoutError (transient). */
  waitTimeoutInMs?: number;
}

/**
 * A write whose outcome linkgate could not learn (the PUT's response was lost and the check GET failed too),
 * kept with the target's lock so the next holder can confirm it and emit the audit record it owes.
 */
export interface UnconfirmedWrite {
  connectionId: string;
  status: "Approved" | "Rejected";
  description: string;
  action: "approve" | "reject";
  ruleId: string;
  reasons: string;
  requesterSubscriptionId?: string;
  requesterTenantId?: string;
  cause?: string;
  /** ISO time of the attempt. */
  at: string;
}

/** A held lock. `release` never throws; `lost` is set when the holder can no longer vouch for the lock. */
export interface TargetLockHandle {
  readonly key: string;
  /** Aborted when the lease could not be renewed (expired, taken over): stop writing, the retry re-reads. */
  readonly lost: AbortSignal;
  /** Unconfirmed writes an earlier holder of this key left behind; empty when none. */
  readonly unconfirmed: readonly UnconfirmedWrite[];
  /** Replaces the unconfirmed writes kept with the lock (an empty list clears them). */
  recordUnconfirmed(writes: readonly UnconfirmedWrite[]): Promise<void>;
  release(): Promise<void>;
}

/**
 * Serializes decisions on one target across invocations, instances and processes (Table lease, a file lock
 * on one machine, an in-process mutex in tests). Keys are normalized target IDs (core/lock's targetLockKey).
 */
export interface TargetLock {
  /** Where the lock lives (table URL without credentials, directory), for logs. */
  readonly description: string;
  acquire(key: string, options?: AcquireLockOptions): Promise<TargetLockHandle>;
}

/** Learns the tenant of any subscription (ARM's unauthenticated 401 + WWW-Authenticate). Cached by adapters. */
export interface TenantResolver {
  tenantOfSubscription(subscriptionId: string, options?: OperationOptions): Promise<string | undefined>;
}

/** Azure services that create private endpoints on a customer's behalf (managed private endpoints). */
export type ManagedService = "frontDoor" | "dataFactory" | "synapse" | "search";

export const MANAGED_SERVICES: readonly ManagedService[] = ["frontDoor", "dataFactory", "synapse", "search"];

/**
 * A definition in the owner's own estate that asks a managed service to create a private endpoint: a Front
 * Door origin's `sharedPrivateLinkResource`, a Data Factory or Synapse managed private endpoint, an AI Search
 * shared private link resource. Read from ARM (or the service's data plane), never from the connection.
 */
export interface ManagedEndpointDefinition {
  readonly service: ManagedService;
  /** The definition's resource ID (origin, managed private endpoint, shared private link resource). */
  readonly id: string;
  /** The service instance owning it (profile, factory, workspace, search service): what `managedBy` globs match. */
  readonly ownerId: string;
  /** The private link resource it asks to reach (PLS or PaaS resource ID). */
  readonly targetId: string;
  /** The group id (sub-resource) it asks for, when the service records one. */
  readonly groupId?: string;
  /** Front Door: `privateLinkLocation`. */
  readonly location?: string;
  /** The request message the service sends with the connection, when it records one. */
  readonly requestMessage?: string;
  /** What the service reports about the connection's state (informational, never trusted for approval). */
  readonly status?: string;
  /** A name the service is documented to give the private endpoint or connection, when it gives one. */
  readonly endpointNameHint?: string;
}

/** Which owners to look under: per service, resource ID globs (the policy's `requester.managedBy`). */
export type ManagedOwnerGlobs = Readonly<Partial<Record<ManagedService, readonly string[]>>>;

/**
 * Reads managed private endpoint definitions. Only owners in the watched subscriptions are read. A listed
 * owner that could not be read makes the call throw (ArmError): an unread definition is an unknown fact, and
 * core decides `pending` for it, never "no corroboration".
 */
export interface ManagedDefinitionReader {
  /** Every definition naming `targetId` under an owner matching `owners` (case-insensitive globs). */
  listForTarget(
    targetId: string,
    owners: ManagedOwnerGlobs,
    options?: OperationOptions,
  ): Promise<ManagedEndpointDefinition[]>;
  /** One definition by its resource ID (for definition write events); undefined when it does not exist. */
  getDefinition(id: string, options?: OperationOptions): Promise<ManagedEndpointDefinition | undefined>;
}

export type TelemetryProperties = Record<string, string | undefined>;
export type TelemetryMeasurements = Record<string, number>;

/** Application Insights (or a fake). Implementations must never throw: telemetry loss never stops work. */
export interface TelemetrySink {
  trackEvent(name: string, properties?: TelemetryProperties, measurements?: TelemetryMeasurements): void;
  trackMetric(name: string, value: number, properties?: TelemetryProperties): void;
  flush(): Promise<void>;
}

/**
 * Open findings kept between sweeps (Table Storage, or a fake), so a sweep can tell opened from resolved.
 * A sweep is the only writer: it reads the open set, then replaces it with its own result.
 */
export interface FindingStore {
  /** Where the state lives (table URL without credentials), for logs. */
  readonly description: string;
  listOpen(options?: OperationOptions): Promise<Finding[]>;
  /** Upserts `open` (with their firstSeen/lastSeen) and removes `resolved`. */
  save(
    change: { open: readonly Finding[]; resolved: readonly Finding[] },
    options?: OperationOptions,
  ): Promise<void>;
}

/** Where a sweep looks: subscriptions, and optionally a management group (Resource Graph resolves it). */
export interface SweepScope {
  subscriptions: readonly string[];
  managementGroup?: string;
}

/** Collection progress, for a progress bar: `done` of `total` units of work in the current phase. */
export interface CollectProgress {
  phase: string;
  done: number;
  total: number;
}

export interface CollectOptions extends OperationOptions {
  /** The sweep's instant (injected clock): also the end of the metrics window. */
  now: Date;
  windowMinutes: number;
  onProgress?: (p: CollectProgress) => void;
}

/** Reads the estate once per sweep. A failure in one scope lands in `collectionErrors`, never throws. */
export interface InventoryCollector {
  collect(scope: SweepScope, options: CollectOptions): Promise<Inventory>;
}

export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export const nullTelemetry: TelemetrySink = {
  trackEvent: () => {},
  trackMetric: () => {},
  flush: async () => {},
};
