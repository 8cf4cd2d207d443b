import { KeyedLimiter } from "../../../src/core/concurrency/keyedLimiter";

/** Runs `keys.length` calls (one per entry, keyed by it); each takes `ticks` event-loop turns. */
async function drive(
  limiter: KeyedLimiter,
  keys: readonly string[],
  ticks = 3,
): Promise<{ maxTotal: number; maxPerKey: Map<string, number>; order: number[] }> {
  let maxTotal = 0;
  const maxPerKey = new Map<string, number>();
  const order: number[] = [];
  await Promise.all(
    keys.map((key, i) =>
      limiter.run(key, async () => {
        order.push(i);
        maxTotal = Math.max(maxTotal, limiter.inFlight());
        maxPerKey.set(key, Math.max(maxPerKey.get(key) ?? 0, limiter.inFlight(key)));
        for (let t = 0; t < ticks; t++) await new Promise<void>((r) => setImmediate(r));
      }),
    ),
  );
  return { maxTotal, maxPerKey, order };
}

describe("KeyedLimiter", () => {
  it.each([
    // [name, total, perKey, keys, expected max in flight overall, expected max per key]
    ["one key is held to perKey", 16, 4, Array(40).fill("a"), 4, { a: 4 }],
    [
      "four keys fill the total",
      16,
      4,
      Array.from({ length: 80 }, (_, i) => `s${i % 4}`),
      16,
      { s0: 4, s3: 4 },
    ],
    ["the total caps even when keys have room", 3, 4, ["a", "b", "c", "d", "e", "a", "b"], 3, { a: 1 }],
    ["perKey above total is the total", 2, 8, Array(6).fill("a"), 2, { a: 2 }],
    ["a single slot runs one at a time", 1, 1, ["a", "b", "a", "b"], 1, { a: 1, b: 1 }],
  ] as const)("%s", async (_name, total, perKey, keys, maxTotal, maxPerKey) => {
    const limiter = new KeyedLimiter(total, perKey);
    const r = await drive(limiter, keys);
    expect(r.maxTotal).toBe(maxTotal);
    for (const [k, n] of Object.entries(maxPerKey)) expect(r.maxPerKey.get(k)).toBe(n);
    expect(r.order).toHaveLength(keys.length);
    expect(limiter.inFlight()).toBe(0);
  });

  it("a busy key does not hold back another key's first call", async () => {
    const limiter = new KeyedLimiter(4, 2);
    // 20 calls of "a" arrive first, then one of "b": "b" must start while "a" still has calls waiting.
    const keys = [...Array(20).fill("a"), "b"];
    const r = await drive(limiter, keys);
    expect(r.order.indexOf(20)).toBeLessThan(5);
  });

  it("calls of one key start in arrival order", async () => {
    const limiter = new KeyedLimiter(8, 2);
    const r = await drive(limiter, Array(12).fill("a"));
    expect(r.order).toEqual([...r.order].sort((x, y) => x - y));
  });

  it("a failing call frees its slot and its error reaches the caller", async () => {
    const limiter = new KeyedLimiter(1, 1);
    const failed = limiter.run("a", async () => {
      throw new Error("boom");
    });
    const next = limiter.run("a", async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
    expect(limiter.inFlight()).toBe(0);
  });

  it.each([
    [0, 1],
    [1, 0],
    [1.5, 1],
  ])("refuses total %s / perKey %s", (total, perKey) => {
    expect(() => new KeyedLimiter(total, perKey)).toThrow(RangeError);
  });
});
