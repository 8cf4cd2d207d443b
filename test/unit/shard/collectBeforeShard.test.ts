/**
 * The shard function collects garbage before each shard (adapters/queue/shardRuntime.ts collectBeforeShard), so a
 * worker's heap does not carry one shard's garbage into the next. Without --expose-gc (jest does not pass it),
 * the collector is reached at run time; what it frees is measured, not assumed.
 */
import { collectBeforeShard } from "../../../src/adapters/queue/shardRuntime";

test("a full collection is available without --expose-gc and frees unreachable objects", () => {
  // Not asserted: that `gc` is absent here. Jest runs several test files in one worker process, and a file that
  // ran collectBeforeShard before this one has already turned --expose-gc on for every later context.
  expect(collectBeforeShard()).toBe(true);
  const before = process.memoryUsage().heapUsed;
  // About 40 MB of objects that become garbage at once.
  let garbage: { n: number; text: string }[] | undefined = Array.from({ length: 400_000 }, (_, n) => ({
    n,
    text: `object ${n}`,
  }));
  expect(garbage.length).toBe(400_000);
  const full = process.memoryUsage().heapUsed;
  garbage = undefined;
  expect(collectBeforeShard()).toBe(true);
  const after = process.memoryUsage().heapUsed;
  expect(full - before).toBeGreaterThan(20 * 1024 * 1024);
  expect(after - before).toBeLessThan((full - before) / 4);
});
