/**
 * api-version per resource type for calls that do not go through @azure/arm-network (which hard-codes its
 * own). Keys are lower-case `Namespace/type` of the *parent* resource (the private link target) or of the
 * resource read. Values are versions that the provider publishes as stable and that serve
 * `privateEndpointConnections`.
 */
export const API_VERSIONS: Readonly<Record<string, string>> = {
  // Microsoft.Network resources read generically (e.g. by ID from the sweep); arm-network sends its own.
  "microsoft.network/privatelinkservices": "2024-07-01",
  "microsoft.network/privateendpoints": "2024-07-01",
  "microsoft.network/loadbalancers": "2024-07-01",
  "microsoft.network/virtualnetworks": "2024-07-01",
  "microsoft.network/networksecuritygroups": "2024-07-01",
  "microsoft.network/networkinterfaces": "2024-07-01",
  "microsoft.network/privatednszones": "2024-06-01",
  "microsoft.relay/namespaces": "2021-11-01",
  "microsoft.insights/metrics": "2023-10-01",
  "microsoft.resourcegraph/resources": "2022-10-01",
  subscriptions: "2022-12-01",
};

export class UnsupportedResourceTypeError extends Error {
  constructor(readonly resourceType: string) {
    super(
      `no api-version known for resource type "${resourceType}": add it to src/adapters/arm/apiVersions.ts ` +
        `(a stable version of the provider that serves privateEndpointConnections)`,
    );
    this.name = "UnsupportedResourceTypeError";
  }
}

/** The api-version for a type such as `Microsoft.Relay/namespaces` (case-insensitive). */
export function apiVersionFor(resourceType: string): string {
  const v = API_VERSIONS[resourceType.toLowerCase()];
  if (!v) throw new UnsupportedResourceTypeError(resourceType);
  return v;
}

export function isSupportedType(resourceType: string): boolean {
  return API_VERSIONS[resourceType.toLowerCase()] !== undefined;
}
