/** Counts the emulator's exchanges by a short kind (method + last path segment), to check read shapes. */
import type { ServedExchange } from "../../../src/emulator";

export interface ExchangeCounter {
  onExchange(e: ServedExchange): void;
  reset(): void;
  kinds(): Record<string, number>;
}

export function countExchanges(): ExchangeCounter {
  let seen: Record<string, number> = {};
  return {
    onExchange(e) {
      const last = e.path.toLowerCase().includes("/microsoft.resourcegraph/")
        ? "resourcegraph"
        : (e.path.split("/").at(-1) ?? "");
      const key = `${e.method} ${last}`;
      seen[key] = (seen[key] ?? 0) + 1;
    },
    reset() {
      seen = {};
    },
    kinds() {
      return { ...seen };
    },
  };
}
