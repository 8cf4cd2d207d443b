/** ARM's error envelope `{"error":{"code","message"}}`, raised anywhere in the emulator and rendered once. */
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

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (code: string, message: string): ArmHttpError =>
  new ArmHttpError(400, code, message);
export const notFound = (code: string, message: string): ArmHttpError => new ArmHttpError(404, code, message);
