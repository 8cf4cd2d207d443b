/**
 * A client whose Resource Graph refuses the collector's look-ups of referenced resources (`type in~ (...)`
 * queries), so those resources are read with one GET each: how tests reach the GET fallback and its errors.
 */
import type { GenericArmClient } from "../../../../src/adapters/arm/genericClient";
import { ArmError } from "../../../../src/core/errors";

export function withoutGraphLookups(client: GenericArmClient): GenericArmClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "post") {
        return (p: string, v: string, body: unknown, o?: unknown) => {
          const query = String((body as { query?: unknown } | undefined)?.query ?? "");
          if (/\bin~\s*\(/.test(query))
            return Promise.reject(
              new ArmError(`${p}: look-up refused by the test`, 500, "InternalServerError", p),
            );
          return (target.post as (...a: unknown[]) => unknown)(p, v, body, o);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
