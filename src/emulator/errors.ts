/**
 * An error raised anywhere in the emulator and rendered once: as ARM's envelope `{"error":{"code","message"}}`,
 * or, for a provider whose contract says so (App Service), flat `{"Code","Message"}`.
 */
export class ArmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ArmHttpError";
  }

  body(shape: "arm" | "flat" = "arm"): Record<string, unknown> {
    return shape === "flat"
      ? { Code: this.code, Message: this.message }
      : { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (code: string, message: string): ArmHttpError =>
  new ArmHttpError(400, code, message);
export const notFound = (code: string, message: string): ArmHttpError => new ArmHttpError(404, code, message);

/** Every route's 405: names the method and path, and (`served`) what the emulator does serve there. */
export function methodNotAllowed(
  method: string,
  pathname: string,
  served = "resources are read-only except private endpoint connections (PUT/DELETE), Resource Graph queries and metrics batches (POST)",
): ArmHttpError {
  return new ArmHttpError(
    405,
    "MethodNotAllowed",
    `The emulator does not serve ${method} on '${pathname}': ${served}.`,
  );
}

/** A request body as JSON; an empty or malformed one is ARM's 400 InvalidRequestContent. */
export function parseJson(text: string): unknown {
  if (text.trim() === "")
    throw badRequest("InvalidRequestContent", "The request body is empty; a JSON body is required.");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: ${(e as Error).message}`,
    );
  }
}
