/** core/concurrency mapLimit: every item once, in order of starting, never more than `limit` in flight. */
import { mapLimit } from "../../../src/core/concurrency/mapLimit";

/** Runs mapLimit where each call waits for the test to release it, recording starts and the peak in flight. */
async function observe(n: number, limit: number) {
  const items = Array.from({ length: n }, (_, i) => i);
  const started: number[] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let peak = 0;
  const done = mapLimit(items, limit, async (i) => {
    started.push(i);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight -= 1;
  });
  // Release one waiting call at a time until all have run.
  while (started.length < n || inFlight > 0) {
    await new Promise((r) => setImmediate(r));
    waiting.shift()?.();
  }
  await done;
  return { started, peak };
}

describe("mapLimit", () => {
  it.each([
    [0, 8, 0],
    [1, 8, 1],
    [5, 2, 2],
    [20, 8, 8],
    [3, 16, 3],
  ])("%i items at limit %i: each once, in order, at most %i in flight", async (n, limit, peak) => {
    const r = await observe(n, limit);
    expect(r.started).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(r.peak).toBe(peak);
  });

  it("rejects with the first failure", async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (i) => {
        if (i === 2) throw new Error("item 2 failed");
      }),
    ).rejects.toThrow("item 2 failed");
  });
});
