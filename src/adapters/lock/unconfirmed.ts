/**
 * The unconfirmed writes a lock carries to its next holder (lease entity property or a file beside the lock
 * file), read back as JSON: anything that is not a well-formed write is dropped, never trusted.
 */
import type { UnconfirmedWrite } from "../../ports";

export function parseUnconfirmed(text: unknown): UnconfirmedWrite[] {
  if (typeof text !== "string" || text === "") return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed)
      ? parsed.filter(
          (w): w is UnconfirmedWrite =>
            typeof w === "object" &&
            w !== null &&
            typeof (w as UnconfirmedWrite).connectionId === "string" &&
            ((w as UnconfirmedWrite).status === "Approved" ||
              (w as UnconfirmedWrite).status === "Rejected") &&
            typeof (w as UnconfirmedWrite).description === "string",
        )
      : [];
  } catch {
    return [];
  }
}
