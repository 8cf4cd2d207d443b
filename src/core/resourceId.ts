/**
 * ARM resource IDs. ARM treats IDs case-insensitively, so every comparison here does too, while the
 * original spelling is kept for display and for the requests we send back.
 */

export interface ParsedResourceId {
  /** The ID as given (trimmed, no trailing slash). */
  readonly id: string;
  readonly subscriptionId: string;
  /** Empty for subscription-level resources. */
  readonly resourceGroup: string;
  /** e.g. `Microsoft.Network`. Empty for a bare subscription or resource group ID. */
  readonly provider: string;
  /** Type segments below the provider, e.g. `["privateLinkServices", "privateEndpointConnections"]`. */
  readonly types: readonly string[];
  /** Names matching `types`, e.g. `["pls1", "conn1"]`. */
  readonly names: readonly string[];
}

export class ResourceIdError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`invalid ARM resource ID "${value}": ${reason}`);
    this.name = "ResourceIdError";
  }
}

/** Parses `/subscriptions/{s}[/resourceGroups/{rg}][/providers/{ns}/{type}/{name}[/{type}/{name}]...]`. */
export function parseResourceId(value: string): ParsedResourceId {
  const id = value.trim().replace(/\/+$/, "");
  const parts = id.split("/");
  if (parts[0] !== "" || parts.length < 3)
    throw new ResourceIdError(value, "must start with /subscriptions/{id}");
  if ((parts[1] ?? "").toLowerCase() !== "subscriptions" || !parts[2]) {
    throw new ResourceIdError(value, "must start with /subscriptions/{id}");
  }
  const subscriptionId = parts[2];
  let i = 3;
  let resourceGroup = "";
  if ((parts[i] ?? "").toLowerCase() === "resourcegroups") {
    resourceGroup = parts[i + 1] ?? "";
    if (!resourceGroup) throw new ResourceIdError(value, "resourceGroups segment has no name");
    i += 2;
  }
  let provider = "";
  const types: string[] = [];
  const names: string[] = [];
  if (i < parts.length) {
    if ((parts[i] ?? "").toLowerCase() !== "providers" || !parts[i + 1]) {
      throw new ResourceIdError(value, `expected "providers/{namespace}" at segment ${i}`);
    }
    provider = parts[i + 1] ?? "";
    i += 2;
    const rest = parts.slice(i);
    if (rest.length === 0 || rest.length % 2 !== 0) {
      throw new ResourceIdError(value, "resource type and name segments must come in pairs");
    }
    for (let j = 0; j < rest.length; j += 2) {
      const t = rest[j] ?? "";
      const n = rest[j + 1] ?? "";
      if (!t || !n) throw new ResourceIdError(value, "empty type or name segment");
      types.push(t);
      names.push(n);
    }
  }
  return { id, subscriptionId, resourceGroup, provider, types, names };
}

export function tryParseResourceId(value: string | undefined | null): ParsedResourceId | undefined {
  if (!value) return undefined;
  try {
    return parseResourceId(value);
  } catch {
    return undefined;
  }
}

/** Full type, e.g. `Microsoft.Network/privateLinkServices/privateEndpointConnections`. */
export function resourceType(p: ParsedResourceId): string {
  return p.provider ? [p.provider, ...p.types].join("/") : "";
}

/** Last name segment: the resource's own name. */
export function resourceName(p: ParsedResourceId): string {
  return p.names[p.names.length - 1] ?? "";
}

/** ID of the parent resource (one type/name pair fewer), or undefined for a top-level resource. */
export function parentResourceId(id: string): string | undefined {
  const p = parseResourceId(id);
  if (p.types.length < 2) return undefined;
  const segs = id.trim().replace(/\/+$/, "").split("/");
  return segs.slice(0, segs.length - 2).join("/");
}

/** Case-insensitive equality, ignoring trailing slashes. */
export function sameResourceId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return normalizeResourceId(a) === normalizeResourceId(b);
}

/** Lower-cased, trimmed form for map keys. Never send this to ARM: keep the original for requests. */
export function normalizeResourceId(id: string): string {
  return id.trim().replace(/\/+$/, "").toLowerCase();
}

/** `Microsoft.Relay/namespaces` style type comparison (case-insensitive). */
export function sameType(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/**
 * Splits a private endpoint connection ID into its parent (the target resource) and the connection name.
 * Accepts both `.../privateEndpointConnections/{name}` and the `.../privateEndpointConnectionProxies/{name}`
 * form some providers use in operations.
 */
export function splitConnectionId(id: string): { parentId: string; name: string } | undefined {
  const p = tryParseResourceId(id);
  if (!p || p.types.length < 2) return undefined;
  const last = (p.types[p.types.length - 1] ?? "").toLowerCase();
  if (last !== "privateendpointconnections" && last !== "privateendpointconnectionproxies") return undefined;
  const parentId = parentResourceId(id);
  if (!parentId) return undefined;
  return { parentId, name: resourceName(p) };
}

/** Builds a connection ID under a parent. */
export function connectionIdOf(parentId: string, name: string): string {
  return `${parentId.replace(/\/+$/, "")}/privateEndpointConnections/${name}`;
}
