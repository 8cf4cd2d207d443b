/**
 * The domain vocabulary shared by approval (reconcile) and the sweep. Adapters map ARM JSON to these
 * shapes; core never sees raw SDK types.
 */

/** `privateLinkServiceConnectionState.status` values (PaaS says Disconnected, PLS says Removed). */
export type ConnectionStatus = "Pending" | "Approved" | "Rejected" | "Disconnected" | "Removed";

export const CONNECTION_STATUSES: readonly ConnectionStatus[] = [
  "Pending",
  "Approved",
  "Rejected",
  "Disconnected",
  "Removed",
];

/** Maps whatever casing ARM returned to our enum; unknown values stay undefined (never guessed). */
export function toConnectionStatus(value: string | undefined | null): ConnectionStatus | undefined {
  if (!value) return undefined;
  return CONNECTION_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
}

/** One private endpoint connection on a target (a PLS or a PaaS resource). */
export interface PrivateEndpointConnection {
  /** Connection resource ID as ARM returned it. */
  readonly id: string;
  readonly name: string;
  /** ID of the resource the connection belongs to (the PLS or the PaaS resource). */
  readonly targetId: string;
  /** The consumer's private endpoint ID, filled in by ARM: a trustworthy fact. May be absent. */
  readonly privateEndpointId?: string;
  readonly status?: ConnectionStatus;
  /** Raw status text, kept when it is not one we know. */
  readonly rawStatus?: string;
  /** While Pending: the requester's message (untrusted). After a decision: the owner's description. */
  readonly description?: string;
  readonly actionsRequired?: string;
  readonly provisioningState?: string;
  /** PLS only: the consumer's private endpoint location. */
  readonly privateEndpointLocation?: string;
  /** PLS only: LinkIdentifier. */
  readonly linkIdentifier?: string;
  /** PaaS only (some providers): group ids the connection asks for. */
  readonly groupIds?: readonly string[];
  readonly etag?: string;
}

/** The resource a private endpoint connects to. */
export interface TargetResource {
  readonly id: string;
  /** e.g. `Microsoft.Network/privateLinkServices`, `Microsoft.Relay/namespaces`. */
  readonly type: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** PLS alias, when the target is a PLS. */
  readonly alias?: string;
  /** Group ids the resource exposes (private link resources), when known. */
  readonly groupIds?: readonly string[];
  /** The raw ARM body, for checks that need more than the common facts. */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** Services that create private endpoints on an owner's behalf (the same list as ports' ManagedService). */
export type ManagedServiceName = "frontDoor" | "dataFactory" | "synapse" | "search";

/** How strongly a definition is tied to a connection (src/core/managed, docs/managed-endpoints.md). */
export type ManagedMatchStrength = "strong" | "weak";

/** A definition that may vouch for a connection: named when the outcome is ambiguous. */
export interface ManagedCandidate {
  readonly service: ManagedServiceName;
  readonly definitionId: string;
  readonly ownerId: string;
}

/**
 * Whether a definition in the owner's estate (Front Door origin, Data Factory / Synapse managed private
 * endpoint, AI Search shared private link) vouches for this request (src/core/managed):
 * - `corroborated`: exactly one definition, claimed by no other live connection;
 * - `none`: no definition read names this request (`detail` says what was looked for);
 * - `ambiguous`: the request matches several definitions, or its definition is claimed by another live
 *   connection too (`candidates`, `rivalConnectionIds`): decides `pending`;
 * - `unknown`: the definitions could not be read (`detail` says why): decides `pending`.
 */
export interface ManagedByFacts {
  readonly outcome: "corroborated" | "none" | "ambiguous" | "unknown";
  readonly service?: ManagedServiceName;
  /** The corroborating definition's resource ID. */
  readonly definitionId?: string;
  readonly ownerId?: string;
  readonly strength?: ManagedMatchStrength;
  /** Fields that matched, e.g. `targetId`, `groupId`, `location`, `requestMessage`, `endpointName`. */
  readonly matchedFields?: readonly string[];
  readonly candidates?: readonly ManagedCandidate[];
  /** Other live connections claiming the same definition (ambiguous). */
  readonly rivalConnectionIds?: readonly string[];
  readonly detail?: string;
}

/** Facts about the party asking for a connection. Missing facts are unknown: no condition on them matches. */
export interface RequesterFacts {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly endpointName?: string;
  readonly tenantId?: string;
  readonly privateEndpointId?: string;
  /** Set only when the policy uses `requester.managedBy` (src/core/managed). */
  readonly managedBy?: ManagedByFacts;
}

/** Everything the policy sees about one request. The same shape as the `decide --request` file. */
export interface DecisionFacts {
  readonly requester: RequesterFacts;
  readonly target: {
    readonly id?: string;
    readonly type?: string;
    readonly location?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly groupIds?: readonly string[];
  };
  /** Untrusted text written by the requester. */
  readonly requestMessage?: string;
  /** Connections already Approved on the target (excluding this one). */
  readonly approvedCount?: number;
  readonly targetTenantId?: string;
  readonly targetSubscriptionId?: string;
  /** ISO 8601 instant of the decision. */
  readonly at?: string;
}

export type DecisionAction = "approve" | "reject" | "pending";

export interface Decision {
  readonly action: DecisionAction;
  /** The rule that decided, or `default` (or `invalid-policy` when the policy failed to load). */
  readonly ruleId: string;
  readonly message: string;
  /** Rule by rule, why earlier rules did not match (and why the deciding one did). */
  readonly reasons: readonly string[];
  /** An approval by an `approveFor` rule: when it ends (ISO 8601 UTC, whole minutes). */
  readonly expiresAt?: string;
  /** A reject by a `revoke: true` rule: Approved connections it matches may be revoked (see revocation). */
  readonly revoke?: boolean;
}

export type PolicyMode = "enforce" | "audit";
