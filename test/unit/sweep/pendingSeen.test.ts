/**
 * First-seen-Pending times: the only age a Private Link Service connection has (no systemData, the consumer's
 * endpoint unreadable). Kept between sweeps, forgotten when no longer Pending, kept when the sweep was blind.
 */
import { check as pendingTooLong } from "../../../src/core/checks/connection-pending-too-long";
import { emptyInventory, type CollectionError, type Inventory } from "../../../src/core/inventory";
import type { ConnectionStatus, PrivateEndpointConnection } from "../../../src/core/model";
import { updatePendingSeen } from "../../../src/core/pendingSeen";
import { runSweep } from "../../../src/core/sweep";
import { silentLogger, type Clock } from "../../../src/ports";
import { FakeTenants } from "../reconcile/fakes";
import { FixedCollector, MemoryPendingSeen, MemoryStore, RecordingTelemetry } from "./fakes";

const SUB = "11111111-1111-4111-8111-111111111111";
const PLS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;
const T0 = new Date("2026-11-24T10:00:00Z");
const SETTINGS = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

function conn(name: string, status: ConnectionStatus, target = PLS): PrivateEndpointConnection {
  return {
    id: `${target}/privateEndpointConnections/${name}`,
    name,
    targetId: target,
    // Another tenant's endpoint: never readable, so never dated by its systemData.
    privateEndpointId: `/subscriptions/99999999-9999-4999-8999-999999999999/resourceGroups/x/providers/Microsoft.Network/privateEndpoints/${name}`,
    status,
    rawStatus: status,
  };
}

/** A PLS whose embedded connections carry no systemData, as the Network spec has it. */
function estate(connections: PrivateEndpointConnection[], errors: CollectionError[] = []): Inventory {
  return {
    ...emptyInventory(T0.toISOString(), 60),
    subscriptions: [{ subscriptionId: SUB }],
    privateLinkServices: connections.length
      ? [
          {
            id: PLS,
            name: "pls1",
            type: "Microsoft.Network/privateLinkServices",
            properties: {
              privateEndpointConnections: connections.map((c) => ({
                id: c.id,
                name: c.name,
                properties: { privateLinkServiceConnectionState: { status: c.status } },
              })),
            },
          },
        ]
      : [],
    connections,
    collectionErrors: errors,
  };
}

describe("runSweep dates Pending PLS connections from linkgate's first sighting", () => {
  const setup = () => {
    const pending = new MemoryPendingSeen();
    const collector = new FixedCollector(estate([conn("c1", "Pending")]));
    let now = T0;
    const clock: Clock = { now: () => now };
    const sweep = async (at: Date) => {
      now = at;
      return runSweep(
        {
          collector,
          checks: [pendingTooLong],
          store: new MemoryStore(),
          pendingSeen: pending,
          telemetry: new RecordingTelemetry(),
          logger: silentLogger,
          clock,
          tenants: new FakeTenants(),
        },
        { scope: { subscriptions: [SUB] }, settings: SETTINGS },
      );
    };
    return { pending, collector, sweep };
  };

  test("younger than the threshold: silent; older: reported from the first sighting, saying so", async () => {
    const { pending, sweep } = setup();
    expect((await sweep(T0)).findings).toEqual([]);
    expect([...pending.rows.values()]).toEqual([
      { connectionId: `${PLS}/privateEndpointConnections/c1`, firstSeen: T0.toISOString() },
    ]);
    expect((await sweep(hours(23))).findings).toEqual([]);
    const late = await sweep(hours(30));
    expect(late.findings).toHaveLength(1);
    expect(late.findings[0]?.message).toContain(
      `Pending for at least 30 h (first seen Pending by linkgate at ${T0.toISOString()}, the provider gives no creation time)`,
    );
    // The first sighting is never moved by later sweeps.
    expect(pending.rows.get(`${PLS}/privateEndpointConnections/c1`.toLowerCase())?.firstSeen).toBe(
      T0.toISOString(),
    );
  });

  test("approved or gone: forgotten; a degraded sweep that cannot read it: kept", async () => {
    const { pending, collector, sweep } = setup();
    await sweep(T0);
    // The subscription cannot be read: the connection is missing from the inventory, but not gone.
    collector.inventory = estate([], [{ scope: `/subscriptions/${SUB}`, kind: "scope", message: "403" }]);
    await sweep(hours(10));
    expect(pending.rows.size).toBe(1);
    // Metrics failing is no reason to keep a connection that is really gone.
    collector.inventory = estate(
      [conn("c1", "Approved")],
      [{ scope: `${PLS}/providers/Microsoft.Insights/metrics`, kind: "metrics", message: "500" }],
    );
    await sweep(hours(20));
    expect(pending.rows.size).toBe(0);
  });

  test("an unreadable record: nothing dated from it and nothing written over it", async () => {
    const { pending, sweep } = setup();
    await sweep(T0);
    pending.failRead = new Error("503 ServerBusy");
    const r = await sweep(hours(30));
    expect(r.findings).toEqual([]);
    expect(pending.saves).toBe(1);
    expect(r.summary.stateError).toMatch(/reading first-seen-Pending times from memory pending failed: 503/);
  });
});

describe("updatePendingSeen", () => {
  const c1 = conn("c1", "Pending");
  const c2 = conn("c2", "Pending");
  const row = (c: PrivateEndpointConnection, at: Date) => ({
    connectionId: c.id,
    firstSeen: at.toISOString(),
  });
  const never = () => false;

  test.each([
    {
      name: "new Pending connections are added at now",
      previous: [],
      connections: [c1],
      blind: never,
      add: [c1.id],
      forget: [],
    },
    {
      name: "a known one keeps its time (IDs compare case-insensitively)",
      previous: [{ connectionId: c1.id.toUpperCase(), firstSeen: T0.toISOString() }],
      connections: [c1],
      blind: never,
      add: [],
      forget: [],
    },
    {
      name: "no longer Pending: forgotten",
      previous: [row(c1, T0)],
      connections: [conn("c1", "Approved")],
      blind: never,
      add: [],
      forget: [c1.id],
    },
    {
      name: "absent while its scope was blind: kept",
      previous: [row(c1, T0)],
      connections: [],
      blind: () => true,
      add: [],
      forget: [],
    },
    {
      name: "a row with no valid time is forgotten, then the connection is re-added",
      previous: [{ connectionId: c1.id, firstSeen: "yesterday" }],
      connections: [c1],
      blind: never,
      add: [c1.id],
      forget: [c1.id],
    },
  ])("$name", ({ previous, connections, blind, add, forget }) => {
    const u = updatePendingSeen(previous, connections, hours(1), blind);
    expect(u.add.map((e) => e.connectionId)).toEqual(add);
    expect(u.add.every((e) => e.firstSeen === hours(1).toISOString())).toBe(true);
    expect(u.forget).toEqual(forget);
  });

  test("bounded: past the cap new Pending connections are counted, not tracked", () => {
    const u = updatePendingSeen([row(c1, T0)], [c1, c2, conn("c3", "Pending")], hours(1), never, 2);
    expect(u.firstSeen.size).toBe(2);
    expect(u.add.map((e) => e.connectionId)).toEqual([c2.id]);
    expect(u.dropped).toBe(1);
  });
});
