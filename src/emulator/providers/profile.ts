/**
 * What one provider's published contract says about its private endpoint connections: how a write is
 * answered and how it ends, whether the connections can be listed, how the state fields are spelled, where
 * group ids come from and how errors look. The emulator serves each supported type by its profile
 * (catalog.ts); nothing here is read from linkgate's client, so the client is tested against the specs and
 * not against itself.
 */

/** Headers a long-running write answers with. */
export type AsyncHeader = "azure-asyncoperation" | "location";

export type WriteContract =
  /** Done when answered: the body is the connection in its final state. */
  | { readonly kind: "sync"; readonly status: 200 | 201 }
  /**
   * `200` whose body is not done yet (`provisioningState` = `intermediate`), with `Azure-AsyncOperation` and
   * `Retry-After` "only if the operation does not finish synchronously" (Key Vault).
   */
  | { readonly kind: "updating-200"; readonly intermediate: string }
  /**
   * `status` (201/202) with the headers to poll; `body` says whether the answer carries the connection (in
   * `intermediate`) or nothing.
   */
  | {
      readonly kind: "async";
      readonly status: 201 | 202;
      readonly headers: readonly AsyncHeader[];
      readonly body: boolean;
      readonly intermediate: string;
    };

/** Where the status resource of a long-running write lives. */
export type OperationStatusPath =
  /** `/subscriptions/{s}/providers/{RP}/locations/{l}/operations/{id}` (ARM's usual shape). */
  | "provider-location"
  /** `{connectionId}/operationsStatus/{id}` (Recovery Services' `PrivateEndpoint_GetOperationStatus`). */
  | "connection-operations-status";

export type ConnectionListing =
  /** `GET {parent}/privateEndpointConnections` answers `{"value":[...],"nextLink"?}`. */
  | "pageable"
  /** The list operation answers a bare JSON array (IoT Hub). */
  | "array"
  /** No list operation: connections are only embedded in the parent's `properties.privateEndpointConnections`. */
  | "embedded-only";

export type GroupIdSource =
  /** The connection carries them, in `field` (`groupIds` array, or Cosmos DB's / Kusto's singular `groupId`). */
  | { readonly on: "connection"; readonly field: "groupIds" | "groupId" }
  /** The connection carries none: they are the type's private link resources' `groupId`s (`values`, when fixed). */
  | { readonly on: "private-link-resource"; readonly values: readonly string[] }
  /** The type has no group ids (a Private Link Service is reached by ID or alias). */
  | { readonly on: "none" };

export interface ProviderProfile {
  /** ARM's spelling, `Microsoft.Sql/servers`. */
  readonly type: string;
  /** The OpenAPI file the profile models, below Azure/azure-rest-api-specs' `specification/`. */
  readonly spec: string;
  /**
   * How the profile was established: `reference` = read in ../shared/reference (arm-specs or arm-specs-next);
   * `example` = the write example at that path was read; `searched` = the spec, its TypeSpec or a generated
   * SDK sample of the connection write was found and read through a search of the published repositories
   * (`notes` says what was read and what was not); `recalled` = the spec's operation as remembered, not
   * re-read (the doubtful ones; docs/approval.md says so too).
   */
  readonly source: "reference" | "example" | "searched" | "recalled";
  /** The api-versions whose spec/examples the profile models: the emulator accepts exactly these. */
  readonly apiVersions: readonly string[];
  /** HTTP method of the owner's state change (Batch updates with PATCH; everyone else PUTs). */
  readonly writeMethod: "PUT" | "PATCH";
  readonly write: WriteContract;
  /** Where the status of a long-running write is polled. */
  readonly operationStatus: OperationStatusPath;
  /** Sql says `Rejecting` (not `Approving`) while a rejection runs; other providers use one intermediate state. */
  readonly rejectingState?: string;
  /** `provisioningState` once a write is done (`Ready` for Sql). */
  readonly doneState: string;
  readonly listing: ConnectionListing;
  /** Name of the "actions required" field of `privateLinkServiceConnectionState`, or none in the schema. */
  readonly actionsField: "actionsRequired" | "actionRequired" | "none";
  /** The spec marks that field read-only: a writer must not send it. */
  readonly actionsReadOnly: boolean;
  readonly groupIds: GroupIdSource;
  /** `arm` = `{"error":{"code","message"}}`; `flat` = App Service's `{"Code","Message"}`. */
  readonly errorShape: "arm" | "flat";
  /** Anything else a reader of the profile should know. */
  readonly notes?: string;
}
