/**
 * The shape of a health check. Modelled on a typescript-eslint rule crossed with kube-linter/PSRule: one
 * object holds the metadata (stable id, severity, mandatory remediation, doc page) and the logic; the logic
 * sees the whole inventory snapshot but reports per resource.
 *
 * Shared contract between the checks (H4a) and the sweep runner (H4b): change only additively.
 */
import type { Severity } from "../findings";
import type { Inventory } from "../inventory";
import type { RevocationSettings } from "../policy/types";
import type { RevocationPlan } from "../revocation/plan";
import type { Decision, DecisionFacts, PolicyMode, PrivateEndpointConnection } from "../model";

export interface CheckSettings {
  /** A Pending connection older than this is reported. */
  pendingThresholdHours: number;
  /** PLSNatPortsUsage average (percent) at or above this is reported. */
  natPortThresholdPercent: number;
  /** The metrics window the sweep collected; reported in messages. */
  trafficWindowMinutes: number;
  /**
   * When set, a tag with this name and value `true` on a resource demands private-only access. Without it
   * the tag `linkgate-private-only` is used (see relay-public-access-enabled).
   */
  privateOnlyTagName?: string;
  /** When true, every Relay namespace with private endpoints must have public network access disabled. */
  relayPrivateOnly?: boolean;
}

export interface CheckContext {
  settings: CheckSettings;
  /** The sweep's instant (injected clock), never Date.now(). */
  now: Date;
  /** The policy's decision for a request; absent when the sweep runs without a policy. */
  evaluate?: (facts: DecisionFacts) => Decision;
  policyMode?: PolicyMode;
  /** The decision facts for a connection (requester tenant etc. resolved by the runner); undefined when they cannot be built. */
  factsFor?: (c: PrivateEndpointConnection) => DecisionFacts | undefined;
  /**
   * When linkgate first saw this connection Pending (kept between sweeps next to the finding state); undefined
   * when it is not tracked (stateless run, state unreadable). The age of last resort. Additive.
   */
  pendingFirstSeen?: (c: PrivateEndpointConnection) => Date | undefined;
  /** The policy's revocation opt-in; absent: the policy never revokes. Additive. */
  revocation?: RevocationSettings;
  /**
   * The sweep's revocation plan (core/revocation planOnce), shared with its revocation step so the plan is
   * built once per sweep; absent: a check that needs it plans from the fields above. Additive.
   */
  revocationPlan?: () => RevocationPlan | undefined;
}

export interface CheckResult {
  /** The resource the finding is about (the one to fix). */
  resourceId: string;
  message: string;
  /** Distinguishes several findings of one check on one resource (e.g. the rule name); part of the finding id. */
  discriminator?: string;
  /**
   * Overrides the check's severity for this result, for checks with graded thresholds (warning near a
   * limit, error at it). Additive to the shared shape; absent means the check's severity.
   */
  severity?: Severity;
  /** Machine-readable facts for telemetry (never secrets). */
  data?: Record<string, string | number>;
}

export interface Check {
  /** Stable kebab-case id: renaming it re-opens every finding. */
  id: string;
  severity: Severity;
  title: string;
  description: string;
  remediation: string;
  docUrl: string;
  run(inv: Inventory, ctx: CheckContext): CheckResult[];
}

/**
 * Where the doc pages live, relative to the repository root: the project has no canonical hosting URL yet,
 * so a finding points at the page in the repo that deployed it.
 */
export const CHECK_DOCS_BASE = "docs/checks/";

export function docUrlFor(id: string): string {
  return `${CHECK_DOCS_BASE}${id}.md`;
}
