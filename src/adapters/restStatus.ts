/** The HTTP status of an Azure SDK error (RestError's `statusCode`); undefined when it carries none. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof s === "number" ? s : undefined;
}
