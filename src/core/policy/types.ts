/**
 * The policy language's data model (the parsed, validated form of a policy file). See docs/policy.md for
 * the reference; the JSON Schema in ./schema.ts is the source of truth for which keys exist.
 */
import type { DecisionAction, PolicyMode } from "../model";

export const POLICY_API_VERSION = "linkgate/v1";

/** What happens when no rule matches. Never `approve`: approval must always be a deliberate rule. */
export type DefaultAction = "pending" | "reject";

export type Weekday = "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun";

export const WEEKDAYS: readonly Weekday[] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export interface RequesterConditions {
  /** Entra tenant IDs (GUIDs, exact, case-insensitive). */
  readonly tenants?: readonly string[];
  /** Subscription IDs or globs. */
  readonly subscriptions?: readonly string[];
  /** Resource group globs (of the consumer's private endpoint). */
  readonly resourceGroups?: readonly string[];
  /** Private endpoint name globs. */
  readonly endpointNames?: readonly string[];
  /**
   * Holds only when a definition in the owner's own estate (a Front Door origin, a Data Factory or Synapse
   * managed private endpoint, an AI Search shared private link) under one of these owner ID globs vouches for
   * the request (src/core/managed). Keys: the services of MANAGED_SERVICE_KEYS.
   */
  readonly managedBy?: ManagedByConditions;
}

/** The services `requester.managedBy` knows, in the order the policy reference lists them. */
export const MANAGED_SERVICE_KEYS = ["frontDoor", "dataFactory", "synapse", "search"] as const;

export type ManagedByConditions = Readonly<
  Partial<Record<(typeof MANAGED_SERVICE_KEYS)[number], readonly string[]>>
>;

export interface TargetConditions {
  /** Resource type globs, e.g. `Microsoft.Relay/namespaces`. */
  readonly types?: readonly string[];
  /** Resource ID globs. */
  readonly ids?: readonly string[];
  /** Every listed tag must be present (name case-insensitive) with a value matching one of the globs. */
  readonly tags?: Readonly<Record<string, string | readonly string[]>>;
  /** Azure regions; `West Europe` and `westeurope` are the same. */
  readonly locations?: readonly string[];
  /** Every group id the connection asks for must be listed. */
  readonly groupIds?: readonly string[];
}

export interface Schedule {
  /** Days on which a window *starts*; all days when absent. */
  readonly days?: readonly Weekday[];
  /** `HH:MM` local time, inclusive. */
  readonly from: string;
  /** `HH:MM` local time, exclusive; `24:00` is the end of the day; earlier than `from` = overnight window. */
  readonly to: string;
  /** IANA time zone, e.g. `Europe/Amsterdam`. */
  readonly timeZone: string;
}

export interface Conditions {
  readonly requester?: RequesterConditions;
  readonly target?: TargetConditions;
  /** A regular expression (RE2 syntax, linear time) searched for in the requester's message. */
  readonly requestMessage?: { readonly matches: string };
  readonly sameSubscription?: boolean;
  readonly sameTenant?: boolean;
  readonly schedule?: Schedule;
}

export interface Limits {
  /** Approving must not bring the target's Approved connections above this number. */
  readonly maxApprovedPerTarget?: number;
}

export interface Rule {
  readonly id: string;
  readonly description?: string;
  /** Absent or empty: the rule matches every request (a catch-all). */
  readonly when?: Conditions;
  /** Only allowed on `approve` rules. */
  readonly limits?: Limits;
  readonly action: DecisionAction;
  /** Written onto the connection (after the rule id). Trusted: comes from the policy author. */
  readonly message?: string;
  /**
   * Only on `approve` rules: an ISO-8601 duration (at most a year) after which the approval expires. The
   * expiry is written into the connection's description; the sweep reports and (opted in) revokes it.
   */
  readonly approveFor?: string;
  /**
   * Only on `reject` rules: an Approved connection this rule now matches is revoked by the sweep, when the
   * policy opts in with `revocation`. Otherwise the rule only decides Pending requests.
   */
  readonly revoke?: boolean;
}

/** Opt-in to revocation by the sweep. Absent: linkgate never revokes an Approved connection. */
export interface RevocationSettings {
  /** `audit` reports what would be revoked (LinkGate.Revocation events, never a write); `enforce` writes. */
  readonly mode: "audit" | "enforce";
  /** More revocations than this in one sweep revoke none and raise `revocation-guard-tripped`. */
  readonly maxPerSweep: number;
}

export interface Policy {
  readonly apiVersion: typeof POLICY_API_VERSION;
  /** `enforce` writes decisions; `audit` decides and logs only. Defaults to `enforce`. */
  readonly mode: PolicyMode;
  /** Decision when no rule matches. Defaults to `pending`. */
  readonly default: DefaultAction;
  readonly rules: readonly Rule[];
  /** Absent: never revoke. */
  readonly revocation?: RevocationSettings;
}

/** One problem in a policy file, positioned for `FILE:LINE:COL field: message` output. */
export interface PolicyError {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** Dotted path into the document, e.g. `rules[2].when.requester.tenants[0]`; `(document)` for the root. */
  readonly field: string;
  readonly message: string;
}

export type ParseResult = { readonly policy: Policy } | { readonly errors: readonly PolicyError[] };
