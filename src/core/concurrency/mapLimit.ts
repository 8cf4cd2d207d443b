/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in item order of starting. The first
 * rejection rejects the whole (the calls already started run on); callers that must not stop catch inside
 * `fn`. Shared by the sweep and policy what-if, which bound their tenant lookups and reconciles with it.
 */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
