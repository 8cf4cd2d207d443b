/**
 * ARM paths as the emulator sees them: decoded segments, matched case-insensitively, original spelling
 * kept for what goes back to the client.
 */

export interface ArmPath {
  /** Decoded, without trailing slash, leading slash guaranteed. */
  readonly path: string;
  /** Lower-cased `path`: the key for storage and comparisons. */
  readonly key: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** Provider namespace, e.g. `Microsoft.Network`; empty when the path names no provider. */
  readonly provider: string;
  readonly types: readonly string[];
  readonly names: readonly string[];
}

export function normalizePath(path: string): string {
  const p = path.trim().replace(/\/+$/, "");
  return p.startsWith("/") ? p : `/${p}`;
}

export function keyOf(path: string): string {
  return normalizePath(path).toLowerCase();
}

/** Decodes a URL pathname segment by segment (IDs in examples carry spaces and braces). */
export function decodePathname(pathname: string): string {
  return normalizePath(
    pathname
      .split("/")
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      })
      .join("/"),
  );
}

/** Encodes a decoded path for use in a URL the client will follow (nextLink, polling). */
export function encodePath(path: string): string {
  return path
    .split("/")
    .map((s) => encodeURIComponent(s))
    .join("/");
}

/**
 * Parses an ARM path: subscription, resource group, then the *first* provider's type/name pairs. An extension
 * below a resource (`{resourceId}/providers/Microsoft.Insights/metrics`) is not split off: a route serving one
 * strips its suffix first (server.ts, metrics).
 */
export function parseArmPath(path: string): ArmPath {
  const p = normalizePath(path);
  const segs = p.split("/").slice(1);
  let i = 0;
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  if ((segs[0] ?? "").toLowerCase() === "subscriptions" && segs[1]) {
    subscriptionId = segs[1];
    i = 2;
    if ((segs[2] ?? "").toLowerCase() === "resourcegroups" && segs[3]) {
      resourceGroup = segs[3];
      i = 4;
    }
  }
  let provider = "";
  const types: string[] = [];
  const names: string[] = [];
  if ((segs[i] ?? "").toLowerCase() === "providers" && segs[i + 1]) {
    provider = segs[i + 1] ?? "";
    const rest = segs.slice(i + 2);
    for (let j = 0; j < rest.length; j += 2) {
      types.push(rest[j] ?? "");
      if (j + 1 < rest.length) names.push(rest[j + 1] ?? "");
    }
  }
  return { path: p, key: p.toLowerCase(), subscriptionId, resourceGroup, provider, types, names };
}

/** `microsoft.network/privatelinkservices` for any path below a PLS (lower case), or "" without provider. */
export function topLevelType(p: ArmPath): string {
  return p.provider && p.types[0] ? `${p.provider}/${p.types[0]}`.toLowerCase() : "";
}

/** Full type of the path, `Microsoft.Network/privateLinkServices/privateEndpointConnections`. */
export function fullType(p: ArmPath): string {
  return p.provider ? [p.provider, ...p.types].join("/") : "";
}

export function isCollection(p: ArmPath): boolean {
  return p.provider !== "" && p.types.length > p.names.length;
}

export function parentPath(path: string): string {
  const segs = normalizePath(path).split("/");
  return segs.slice(0, segs.length - 2).join("/");
}

export function collectionOf(path: string): string {
  const segs = normalizePath(path).split("/");
  return segs.slice(0, segs.length - 1).join("/");
}
