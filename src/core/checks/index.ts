/**
 * The registry of health checks. Order here is the order findings are reported in. Ids are stable:
 * test/unit/checks/registry.test.ts snapshots them and fails when a check lacks metadata, a doc page or tests.
 */
import type { Inventory } from "../inventory";
import { runChecks as runSelected, type RunChecksOptions, type RunChecksResult } from "./run";
import type { Check, CheckContext } from "./types";
import { check as connectionPendingTooLong } from "./connection-pending-too-long";
import { check as connectionStaleState } from "./connection-stale-state";
import { check as connectionMissedEvent } from "./connection-missed-event";
import { check as connectionPolicyDrift } from "./connection-policy-drift";
import { check as connectionApprovedOutsidePolicy } from "./connection-approved-outside-policy";
import { check as connectionApprovalExpired } from "./connection-approval-expired";
import { check as connectionManagedUncorroborated } from "./connection-managed-uncorroborated";
import { check as revocationGuardTripped } from "./revocation-guard-tripped";
import { check as peTargetMismatch } from "./pe-target-mismatch";
import { check as plsVisibilityExcludesRequester } from "./pls-visibility-excludes-requester";
import { check as plsAutoApprovalNotInVisibility } from "./pls-auto-approval-not-in-visibility";
import { check as plsProvisioningFailed } from "./pls-provisioning-failed";
import { check as plsLbNotStandard } from "./pls-lb-not-standard";
import { check as plsFrontendMissing } from "./pls-frontend-missing";
import { check as plsNoLbRule } from "./pls-no-lb-rule";
import { check as plsBackendPoolEmpty } from "./pls-backend-pool-empty";
import { check as plsNoHealthProbe } from "./pls-no-health-probe";
import { check as plsSubnetNetworkPoliciesEnabled } from "./pls-subnet-network-policies-enabled";
import { check as plsNoTraffic } from "./pls-no-traffic";
import { check as plsNatPortUsageHigh } from "./pls-nat-port-usage-high";
import { check as peNoTraffic } from "./pe-no-traffic";
import { check as peNoDnsZoneGroup } from "./pe-no-dns-zone-group";
import { check as peDnsRecordMismatch } from "./pe-dns-record-mismatch";
import { check as peDnsZoneNotLinked } from "./pe-dns-zone-not-linked";
import { check as peDnsLiveResolution } from "./pe-dns-live-resolution";
import { check as peVnetRegionMismatch } from "./pe-vnet-region-mismatch";
import { check as relayPeLimit } from "./relay-pe-limit";
import { check as relayNamespaceLimit } from "./relay-namespace-limit";
import { check as relayListenerPortsBlocked } from "./relay-listener-ports-blocked";
import { check as relayPublicAccessEnabled } from "./relay-public-access-enabled";

export type { Check, CheckContext, CheckResult, CheckSettings } from "./types";
export { DEFAULT_SUPPRESS_TAG, type RunChecksOptions, type RunChecksResult } from "./run";

export const ALL_CHECKS: readonly Check[] = [
  connectionPendingTooLong,
  connectionStaleState,
  connectionMissedEvent,
  connectionPolicyDrift,
  connectionApprovedOutsidePolicy,
  connectionApprovalExpired,
  connectionManagedUncorroborated,
  revocationGuardTripped,
  peTargetMismatch,
  plsVisibilityExcludesRequester,
  plsAutoApprovalNotInVisibility,
  plsProvisioningFailed,
  plsLbNotStandard,
  plsFrontendMissing,
  plsNoLbRule,
  plsBackendPoolEmpty,
  plsNoHealthProbe,
  plsSubnetNetworkPoliciesEnabled,
  plsNoTraffic,
  plsNatPortUsageHigh,
  peNoTraffic,
  peNoDnsZoneGroup,
  peDnsRecordMismatch,
  peDnsZoneNotLinked,
  peDnsLiveResolution,
  peVnetRegionMismatch,
  relayPeLimit,
  relayNamespaceLimit,
  relayListenerPortsBlocked,
  relayPublicAccessEnabled,
];

/** Runs the registered checks selected by `options` (see run.ts for selection, suppression and isolation). */
export function runChecks(
  inv: Inventory,
  ctx: CheckContext,
  options: RunChecksOptions = {},
  checks: readonly Check[] = ALL_CHECKS,
): RunChecksResult {
  return runSelected(inv, ctx, options, checks);
}
