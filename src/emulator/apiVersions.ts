/**
 * Which api-versions the emulator accepts per resource type, like ARM's provider registrations: the versions
 * of the published examples and specs, the version @azure/arm-network sends, and every version that
 * linkgate's own table (src/adapters/arm/apiVersions.ts) names for a type — read at request time, so a type
 * added there is served without touching the emulator.
 */
import { API_VERSIONS } from "../adapters/arm/apiVersions";
import { ArmHttpError, badRequest } from "./errors";

/** The version @azure/arm-network 39 hard-codes for every operation. */
export const ARM_NETWORK_SDK_VERSION = "2026-01-01";

const NETWORK = [
  "2024-07-01",
  "2024-05-01",
  "2024-03-01",
  "2024-01-01",
  "2023-11-01",
  ARM_NETWORK_SDK_VERSION,
];

/** Built-in registrations (lower-case `namespace/type` of the top-level type). */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
  "microsoft.network/privatelinkservices": NETWORK,
  "microsoft.network/privateendpoints": NETWORK,
  "microsoft.network/loadbalancers": NETWORK,
  "microsoft.network/virtualnetworks": NETWORK,
  "microsoft.network/networksecuritygroups": NETWORK,
  "microsoft.network/networkinterfaces": NETWORK,
  "microsoft.network/locations": NETWORK,
  "microsoft.network/privatednszones": ["2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"],
  "microsoft.relay/namespaces": ["2021-11-01", "2024-01-01"],
  "microsoft.relay/locations": ["2021-11-01", "2024-01-01"],
  "microsoft.insights/metrics": ["2023-10-01", "2021-05-01", "2018-01-01"],
  "microsoft.resourcegraph/resources": ["2022-10-01", "2024-04-01", "2021-03-01"],
  subscriptions: ["2022-12-01", "2021-01-01", "2020-01-01", "2016-06-01"],
};

function tableVersions(type: string): string[] {
  const v: unknown = (API_VERSIONS as Readonly<Record<string, unknown>>)[type];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

/** Versions accepted for a lower-case `namespace/type`; empty when the type is unknown. */
export function acceptedVersions(type: string): string[] {
  const t = type.toLowerCase();
  const all = new Set<string>([...(BUILT_IN[t] ?? []), ...tableVersions(t)]);
  // A provider's `locations` (operation status, auto-approval lists) share the provider's versions.
  if (t.endsWith("/locations")) {
    const ns = t.slice(0, -"/locations".length);
    for (const [k, versions] of Object.entries(BUILT_IN))
      if (k.startsWith(`${ns}/`)) versions.forEach((v) => all.add(v));
    for (const k of Object.keys(API_VERSIONS))
      if (k.startsWith(`${ns}/`)) tableVersions(k).forEach((v) => all.add(v));
  }
  return [...all].sort();
}

export function isKnownType(type: string): boolean {
  return acceptedVersions(type).length > 0;
}

const VERSION_SHAPE = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$/i;

/** ARM's checks, in ARM's order: present, well-formed, registered for the type. */
export function checkApiVersion(version: string | null, type: string, displayType: string): void {
  if (version === null || version === "") {
    throw badRequest(
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  const accepted = acceptedVersions(type);
  if (!VERSION_SHAPE.test(version)) {
    throw badRequest(
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${accepted.join(",")}'.`,
    );
  }
  if (accepted.length === 0) {
    const ns = displayType.split("/")[0] ?? displayType;
    throw badRequest(
      "InvalidResourceType",
      `The resource type '${displayType.split("/").slice(1).join("/")}' could not be found in the namespace '${ns}' for api version '${version}'.`,
    );
  }
  if (!accepted.includes(version)) {
    throw new ArmHttpError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${version}' for type '${displayType}'. ` +
        `The supported api-versions are '${accepted.join(", ")}'.`,
    );
  }
}
