/**
 * One page of a list, as every list route of the emulator answers it: `{value, nextLink}` with ARM's
 * `$skiptoken` (an offset here), and 400 InvalidSkipToken for a token it did not hand out.
 */
import { badRequest } from "./errors";
import { encodePath } from "./paths";
import type { Doc } from "./state";

export interface PageRequest {
  /** The request's URL: its `$skiptoken` and `api-version` are read. */
  url: URL;
  /** Decoded path of the list, for the nextLink. */
  path: string;
  baseUrl: string;
  pageSize: number;
}

export function pageOf(items: readonly Doc[], req: PageRequest): Doc {
  const tokenText = req.url.searchParams.get("$skiptoken");
  const offset = tokenText === null ? 0 : Number(tokenText);
  if (!Number.isInteger(offset) || offset < 0) {
    throw badRequest(
      "InvalidSkipToken",
      `The $skiptoken '${tokenText ?? ""}' is invalid; list again without it.`,
    );
  }
  const body: Doc = { value: items.slice(offset, offset + req.pageSize) };
  if (offset + req.pageSize < items.length) {
    // Spelled as ARM does (`$skiptoken`, not `%24skiptoken`).
    const version = encodeURIComponent(req.url.searchParams.get("api-version") ?? "");
    body["nextLink"] =
      `${req.baseUrl}${encodePath(req.path)}?api-version=${version}&$skiptoken=${offset + req.pageSize}`;
  }
  return body;
}
