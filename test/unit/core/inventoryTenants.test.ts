/**
 * core/tenants inventoryTenants: the requester and target subscriptions of the chosen connections, those the
 * inventory already knows not asked again, a failed lookup unknown and handed to onFailure, lookups bounded.
 */
import { inventoryTenants, TENANT_CONCURRENCY } from "../../../src/core/tenants/inventoryTenants";
import type { Inventory } from "../../../src/core/inventory";
import type { PrivateEndpointConnection } from "../../../src/core/model";
import type { TenantResolver } from "../../../src/ports";

const sub = (n: number) => `${String(n).padStart(8, "0")}-0000-4000-8000-000000000000`;
const target = (s: string) =>
  `/subscriptions/${s}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;
const connection = (
  targetSub: string,
  requesterSub: string | undefined,
  status: PrivateEndpointConnection["status"],
  name = `c-${requesterSub ?? "none"}`,
): PrivateEndpointConnection => ({
  id: `${target(targetSub)}/privateEndpointConnections/${name}`,
  name,
  targetId: target(targetSub),
  status,
  ...(requesterSub
    ? {
        privateEndpointId: `/subscriptions/${requesterSub}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`,
      }
    : {}),
});

function inv(
  connections: PrivateEndpointConnection[],
  subscriptions: Inventory["subscriptions"] = [],
): Inventory {
  return { subscriptions, connections, collectionErrors: [] } as unknown as Inventory;
}

/** Answers tenant-of-N for subscription N, throws for those in `failing`, and counts calls and the peak. */
function resolver(failing: string[] = []) {
  const asked: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const r: TenantResolver = {
    async tenantOfSubscription(s) {
      asked.push(s);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((res) => setImmediate(res));
      inFlight -= 1;
      if (failing.includes(s)) throw new Error(`throttled reading ${s}`);
      return `tenant-of-${s}`;
    },
  };
  return { r, asked, peak: () => peak };
}

describe("inventoryTenants", () => {
  it.each([
    {
      name: "requester and target subscriptions, lower-cased, each asked once",
      connections: [
        connection(sub(1), sub(2).toUpperCase(), "Pending"),
        connection(sub(1), sub(2), "Approved"),
      ],
      include: undefined,
      asked: [sub(2), sub(1)],
    },
    {
      name: "a connection without a private endpoint contributes only its target",
      connections: [connection(sub(3), undefined, "Pending")],
      include: undefined,
      asked: [sub(3)],
    },
    {
      name: "only the included connections",
      connections: [connection(sub(1), sub(2), "Rejected"), connection(sub(1), sub(4), "Pending")],
      include: (c: PrivateEndpointConnection) => c.status === "Pending",
      asked: [sub(4), sub(1)],
    },
  ])("$name", async ({ connections, include, asked }) => {
    const t = resolver();
    const failures: string[] = [];
    const map = await inventoryTenants(inv(connections), t.r, {
      include,
      onFailure: (s) => failures.push(s),
    });
    expect(t.asked).toEqual(asked);
    expect([...map.keys()]).toEqual(asked);
    for (const s of asked) expect(map.get(s)).toBe(`tenant-of-${s}`);
    expect(failures).toEqual([]);
  });

  it("does not ask for a tenant the inventory's subscriptions carry", async () => {
    const t = resolver();
    const map = await inventoryTenants(
      inv(
        [connection(sub(1), sub(2), "Pending")],
        [{ subscriptionId: sub(1).toUpperCase(), tenantId: "known" }],
      ),
      t.r,
      { onFailure: () => {} },
    );
    expect(t.asked).toEqual([sub(2)]);
    expect(map.get(sub(1))).toBe("known");
  });

  it("a failed lookup is unknown and reported with its error; the others are still learned", async () => {
    const t = resolver([sub(2)]);
    const failures: [string, string][] = [];
    const map = await inventoryTenants(inv([connection(sub(1), sub(2), "Pending")]), t.r, {
      onFailure: (s, e) => failures.push([s, (e as Error).message]),
    });
    expect(map.has(sub(2))).toBe(true);
    expect(map.get(sub(2))).toBeUndefined();
    expect(map.get(sub(1))).toBe(`tenant-of-${sub(1)}`);
    expect(failures).toEqual([[sub(2), `throttled reading ${sub(2)}`]]);
  });

  it(`asks at most ${TENANT_CONCURRENCY} at a time`, async () => {
    const t = resolver();
    const many = Array.from({ length: 30 }, (_, i) => connection(sub(0), sub(i + 1), "Pending"));
    await inventoryTenants(inv(many), t.r, { onFailure: () => {} });
    expect(t.asked).toHaveLength(31);
    expect(t.peak()).toBe(TENANT_CONCURRENCY);
  });

  it("passes the caller's abort signal to the resolver", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const controller = new AbortController();
    await inventoryTenants(
      inv([connection(sub(1), undefined, "Pending")]),
      { tenantOfSubscription: async (_s, o) => (signals.push(o?.abortSignal), "t") },
      { abortSignal: controller.signal, onFailure: () => {} },
    );
    expect(signals).toEqual([controller.signal]);
  });
});
