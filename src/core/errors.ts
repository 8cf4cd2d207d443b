/**
 * Error vocabulary shared by core and adapters. Adapters translate SDK errors into ArmError so that core
 * can tell transient failures (throw, Event Grid redelivers) from terminal ones (log and return).
 */

export class ArmError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined for a network failure (no response). */
    readonly statusCode: number | undefined,
    /** ARM error code from `{"error":{"code"}}`, e.g. ResourceNotFound. */
    readonly code: string | undefined,
    /** The resource ID or URL path the failing call was about. */
    readonly resourceId: string | undefined,
  ) {
    super(message);
    this.name = "ArmError";
  }

  /** 408, 429, 5xx and network failures are worth retrying; everything else will fail the same way again. */
  get transient(): boolean {
    const s = this.statusCode;
    return s === undefined || s === 408 || s === 429 || s >= 500;
  }

  get notFound(): boolean {
    return this.statusCode === 404;
  }
}

export function isTransient(err: unknown): boolean {
  if (err instanceof ArmError) return err.transient;
  // Anything we cannot classify is treated as transient: a retry is safer than a lost request.
  return true;
}

/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors from another realm
 * (a vm context, Node's own fs errors under jest) are not instances of this realm's Error, and
 * String() of them would lose the message.
 */
export function errorMessage(err: unknown): string {
  if (typeof err === "object" && err !== null && "message" in err && typeof err.message === "string") {
    return err.message;
  }
  return String(err);
}
