/**
 * The collector bounds its reads per subscription (ARM throttles reads per subscription) and over all
 * subscriptions, so an estate spread over many subscriptions is read in parallel while no single subscription
 * sees more than LINKGATE_MAX_CONCURRENCY reads at once. Measured on the real client over the emulator.
 */
import { ArmInventoryCollector } from "../../../src/adapters/inventory/armCollector";
import type { GenericArmClient } from "../../../src/adapters/arm/genericClient";
import { batchMetricsFor } from "../../../src/adapters/metrics/batchMetrics";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { buildEstate } from "../../../scripts/bench/estate";
import { emulatorArm, FAST_RETRY } from "../emulator/helpers";

const NOW = new Date("2025-01-06T10:00:00Z");

/** The real client, counting the ARM reads (GETs and lists) in flight per subscription and in all. */
function counting(client: GenericArmClient): {
  client: GenericArmClient;
  maxPerSubscription: () => number;
  maxTotal: () => number;
  subscriptionsAtOnce: () => number;
} {
  const now = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  let maxPer = 0;
  let maxSubs = 0;
  const enter = (p: string) => {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(p)?.[1]?.toLowerCase() ?? "tenant";
    now.set(sub, (now.get(sub) ?? 0) + 1);
    total += 1;
    maxTotal = Math.max(maxTotal, total);
    maxPer = Math.max(maxPer, now.get(sub) ?? 0);
    maxSubs = Math.max(maxSubs, [...now.values()].filter((n) => n > 0).length);
    return () => {
      now.set(sub, (now.get(sub) ?? 1) - 1);
      total -= 1;
    };
  };
  const wrapped = new Proxy(client, {
    get(target, prop) {
      if (prop === "get") {
        return async (p: string, ...rest: unknown[]) => {
          const leave = enter(p);
          try {
            return await (target.get as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
          } finally {
            leave();
          }
        };
      }
      if (prop === "list") {
        return (p: string, ...rest: unknown[]) =>
          (async function* () {
            const leave = enter(p);
            try {
              yield* (target.list as (...a: unknown[]) => AsyncIterable<unknown>)(p, ...rest);
            } finally {
              leave();
            }
          })();
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    client: wrapped,
    maxPerSubscription: () => maxPer,
    maxTotal: () => maxTotal,
    subscriptionsAtOnce: () => maxSubs,
  };
}

describe("collector concurrency: per subscription and in all", () => {
  const estate = buildEstate({ connections: 400, subscriptions: 4 });
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmulator({
      seed: estate.seed,
      lroRetryAfterSeconds: 0,
      // Long enough that reads overlap: what is in flight at once is what the limiter allows.
      faults: [{ id: "slow-zone-groups", path: "privateDnsZoneGroups", latencyMs: 25 }],
    });
  }, 60_000);
  afterAll(() => emu.stop());

  const collect = async (maxConcurrency: number, maxConcurrencyTotal: number) => {
    const c = counting(emulatorArm(emu, FAST_RETRY).generic);
    const inv = await new ArmInventoryCollector({
      client: c.client,
      metrics: batchMetricsFor(emulatorArm(emu, FAST_RETRY)),
      maxConcurrency,
      maxConcurrencyTotal,
    }).collect({ subscriptions: estate.subscriptions }, { now: NOW, windowMinutes: 60 });
    return { inv, c };
  };

  it.each([
    // [per subscription, total]
    [2, 4],
    [1, 3],
    [3, 6],
  ])("at most %i per subscription and %i in all, several subscriptions at once", async (per, total) => {
    const { inv, c } = await collect(per, total);
    expect(inv.collectionErrors).toEqual([]);
    expect(inv.privateDnsZoneGroups.length).toBeGreaterThan(0);
    expect(c.maxPerSubscription()).toBe(per);
    expect(c.maxTotal()).toBeLessThanOrEqual(total);
    expect(c.maxTotal()).toBeGreaterThan(per);
    expect(c.subscriptionsAtOnce()).toBeGreaterThan(1);
  });

  it("reads the same inventory whatever the bounds", async () => {
    const ids = (inv: Awaited<ReturnType<typeof collect>>["inv"]) =>
      inv.privateDnsZoneGroups.map((g) => String(g["id"]).toLowerCase()).sort();
    const one = await collect(1, 1);
    const many = await collect(4, 16);
    expect(ids(many.inv)).toEqual(ids(one.inv));
    expect(one.c.maxTotal()).toBe(1);
  });
});
