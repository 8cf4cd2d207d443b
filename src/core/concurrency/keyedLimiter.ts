/**
 * Bounds calls in flight twice: at most `perKey` for one key (ARM throttles reads per subscription, so the key
 * is the subscription a request is charged to) and at most `total` over all keys (what one worker opens at
 * once). Calls of one key start in arrival order; when a slot frees, the keys with waiting calls take turns
 * (round robin), so a subscription with many requests queued never holds back another subscription's first
 * request. A release costs at most one look at each key with waiting calls (bounded by the subscriptions).
 */
export class KeyedLimiter {
  private active = 0;
  private readonly perKeyActive = new Map<string, number>();
  /** Waiting calls per key, in arrival order; the map's order is the keys' turn order. */
  private readonly waiting = new Map<string, (() => void)[]>();
  readonly total: number;
  readonly perKey: number;

  constructor(total: number, perKey: number) {
    if (!Number.isInteger(total) || total < 1)
      throw new RangeError(`total must be an integer >= 1, got ${total}`);
    if (!Number.isInteger(perKey) || perKey < 1)
      throw new RangeError(`perKey must be an integer >= 1, got ${perKey}`);
    this.total = total;
    this.perKey = Math.min(perKey, total);
  }

  /** Runs `fn` once a slot is free for `key` and overall; the slot is released however `fn` ends. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.hasRoom(key) && !this.waiting.has(key)) this.take(key);
    else
      await new Promise<void>((start) => {
        const queue = this.waiting.get(key);
        if (queue) queue.push(start);
        else this.waiting.set(key, [start]);
      });
    try {
      return await fn();
    } finally {
      this.release(key);
    }
  }

  /** Calls in flight now (for tests and progress). */
  inFlight(key?: string): number {
    return key === undefined ? this.active : (this.perKeyActive.get(key) ?? 0);
  }

  private hasRoom(key: string): boolean {
    return this.active < this.total && (this.perKeyActive.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): void {
    this.active += 1;
    this.perKeyActive.set(key, (this.perKeyActive.get(key) ?? 0) + 1);
  }

  private release(key: string): void {
    this.active -= 1;
    const n = (this.perKeyActive.get(key) ?? 1) - 1;
    if (n === 0) this.perKeyActive.delete(key);
    else this.perKeyActive.set(key, n);
    // Give the freed room to the keys with waiting calls, in turn: a key that starts one goes to the back.
    for (const [k, queue] of [...this.waiting]) {
      if (this.active >= this.total) break;
      if (!this.hasRoom(k)) continue;
      const start = queue.shift() as () => void;
      this.waiting.delete(k);
      if (queue.length > 0) this.waiting.set(k, queue);
      this.take(k);
      start();
    }
  }
}
