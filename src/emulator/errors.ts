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
