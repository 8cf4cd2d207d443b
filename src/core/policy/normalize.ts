/** `West Europe`, `westeurope` and `WestEurope` are one region: ARM accepts the display and the short name. */
export function normalizeLocation(value: string): string {
  return value.replace(/[\s_-]+/g, "").toLowerCase();
}
