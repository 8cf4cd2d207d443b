/**
 * Which api-versions the emulator accepts per resource type, like ARM's provider registrations: for every
 * private link target, the versions of the spec its profile models (providers/catalog.ts); for the other
 * types the emulator serves, the versions of the published examples and specs, plus the version
 * @azure/arm-network sends. Nothing here is read from linkgate's client (src/adapters): the emulator must be
 * able to say no to a version the client wrongly sends.
 */
import { ArmHttpError, badRequest } from "./errors";
import { ARM_NETWORK_SDK_VERSION, NETWORK_VERSIONS, allProfiles } from "./providers/catalog";

export { ARM_NETWORK_SDK_VERSION };

/** Types that are not private link targets (lower-case `namespace/type` of the top-level type). */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
  "microsoft.network/privateendpoints": NETWORK_VERSIONS,
  "microsoft.network/loadbalancers": NETWORK_VERSIONS,
  "microsoft.network/virtualnetworks": NETWORK_VERSIONS,
  "microsoft.network/networksecuritygroups": NETWORK_VERSIONS,
  "microsoft.network/networkinterfaces": NETWORK_VERSIONS,
  "microsoft.network/locations": NETWORK_VERSIONS,
  "microsoft.network/privatednszones": ["2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"],
  "microsoft.insights/metrics": ["2023-10-01", "2021-05-01", "2018-01-01"],
  "microsoft.resourcegraph/resources": ["2022-10-01", "2024-04-01", "2021-03-01"],
  subscriptions: ["2022-12-01", "2021-01-01", "2020-01-01", "2016-06-01"],
};

const REGISTRATIONS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, Set<string>>();
  const add = (type: string, versions: readonly string[]): void => {
    const set = m.get(type) ?? new Set<string>();
    versions.forEach((v) => set.add(v));
    m.set(type, set);
  };
  for (const [t, v] of Object.entries(BUILT_IN)) add(t, v);
  for (const p of allProfiles()) add(p.type.toLowerCase(), p.apiVersions);
  return new Map([...m].map(([k, v]) => [k, [...v].sort()]));
})();

/** Versions accepted for a lower-case `namespace/type`; empty when the type is unknown. */
export function acceptedVersions(type: string): string[] {
  const t = type.toLowerCase();
  const all = new Set<string>(REGISTRATIONS.get(t) ?? []);
  // A provider's `locations` (operation status, auto-approval lists) share the provider's versions.
  if (t.endsWith("/locations")) {
    const ns = t.slice(0, -"/locations".length);
    for (const [k, versions] of REGISTRATIONS)
      if (k.startsWith(`${ns}/`)) versions.forEach((v) => all.add(v));
  }
  return [...all].sort();
}

export function isKnownType(type: string): boolean {
  return acceptedVersions(type).length > 0;
}

const VERSION_SHAPE = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$/i;

/** ARM's first check, on every route: an api-version is present. */
export function requireApiVersion(version: string | null): string {
  if (version === null || version === "") {
    throw badRequest(
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  return version;
}

/** ARM's checks, in ARM's order: present, well-formed, registered for the type. */
export function checkApiVersion(asked: string | null, type: string, displayType: string): void {
  const version = requireApiVersion(asked);
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
