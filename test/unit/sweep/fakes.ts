/** In-memory stand-ins for the sweep's own ports (store, collector, telemetry with metrics). */
import type { Finding } from "../../../src/core/findings";
import type { Inventory } from "../../../src/core/inventory";
import type {
  CollectOptions,
  FindingStore,
  InventoryCollector,
  SweepScope,
  TelemetryMeasurements,
  TelemetryProperties,
  TelemetrySink,
} from "../../../src/ports";
import type { PendingSeenEntry, PendingSeenStore } from "../../../src/ports/pendingSeen";

export class MemoryStore implements FindingStore {
  readonly description = "memory";
  readonly rows = new Map<string, Finding>();
  failRead: Error | undefined;
  failSave: Error | undefined;
  saves = 0;
  async listOpen(): Promise<Finding[]> {
    if (this.failRead) throw this.failRead;
    return [...this.rows.values()];
  }
  async save(change: { open: readonly Finding[]; resolved: readonly Finding[] }): Promise<void> {
    if (this.failSave) throw this.failSave;
    this.saves += 1;
    for (const f of change.resolved) this.rows.delete(f.id);
    for (const f of change.open) this.rows.set(f.id, f);
  }
}

/** First-seen-Pending times in memory, keyed case-insensitively like the table store. */
export class MemoryPendingSeen implements PendingSeenStore {
  readonly description = "memory pending";
  readonly rows = new Map<string, PendingSeenEntry>();
  failRead: Error | undefined;
  saves = 0;
  async list(): Promise<PendingSeenEntry[]> {
    if (this.failRead) throw this.failRead;
    return [...this.rows.values()];
  }
  async save(change: { add: readonly PendingSeenEntry[]; forget: readonly string[] }): Promise<void> {
    this.saves += 1;
    for (const id of change.forget) this.rows.delete(id.toLowerCase());
    for (const e of change.add) this.rows.set(e.connectionId.toLowerCase(), e);
  }
}

/** Hands out whatever inventory the test sets, like a collector over a changing estate. */
export class FixedCollector implements InventoryCollector {
  calls: { scope: SweepScope; options: CollectOptions }[] = [];
  constructor(public inventory: Inventory) {}
  async collect(scope: SweepScope, options: CollectOptions): Promise<Inventory> {
    this.calls.push({ scope, options });
    return this.inventory;
  }
}

export interface Tracked {
  kind: "event" | "metric";
  name: string;
  properties: TelemetryProperties;
  measurements: TelemetryMeasurements;
  value?: number;
}

export class RecordingTelemetry implements TelemetrySink {
  readonly items: Tracked[] = [];
  trackEvent(
    name: string,
    properties: TelemetryProperties = {},
    measurements: TelemetryMeasurements = {},
  ): void {
    this.items.push({ kind: "event", name, properties, measurements });
  }
  trackMetric(name: string, value: number, properties: TelemetryProperties = {}): void {
    this.items.push({ kind: "metric", name, properties, measurements: {}, value });
  }
  async flush(): Promise<void> {}
  events(name: string): Tracked[] {
    return this.items.filter((i) => i.kind === "event" && i.name === name);
  }
  metrics(name: string): Tracked[] {
    return this.items.filter((i) => i.kind === "metric" && i.name === name);
  }
}

/** A sink that throws on every call: a broken sink must not cost the sweep. */
export const throwingTelemetry: TelemetrySink = {
  trackEvent: () => {
    throw new Error("telemetry down");
  },
  trackMetric: () => {
    throw new Error("telemetry down");
  },
  flush: async () => {
    throw new Error("telemetry down");
  },
};
