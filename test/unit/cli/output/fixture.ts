/** A hand-built sweep result for the formatter tests: findings of each severity, a carried one, IDs in messages. */
import type { Finding, Severity } from "../../../../src/core/findings";
import type { SweepResult } from "../../../../src/core/sweep";
import { sweepView } from "../../../../src/cli/commands/sweep";
import type { SweepView } from "../../../../src/cli/output/view";

export const SUB = "aaaaaaaa-0000-4000-8000-000000000001";
export const PLS = `/subscriptions/${SUB}/resourceGroups/rg-demo/providers/Microsoft.Network/privateLinkServices/pls-basic`;
export const CONN = `${PLS}/privateEndpointConnections/pe-a.conn`;
export const NS = `/subscriptions/${SUB}/resourceGroups/rg-relay-with-a-rather-long-name/providers/Microsoft.Relay/namespaces/relay-namespace-with-a-long-name`;

export function finding(checkId: string, severity: Severity, resourceId: string, message: string): Finding {
  return {
    id: `${checkId}:${resourceId.length.toString(16).padStart(16, "0")}`,
    checkId,
    severity,
    resourceId,
    message,
    remediation: `Fix ${checkId} <now> & "then" | check`,
    docUrl: `docs/checks/${checkId}.md`,
    firstSeen: "2026-12-01T10:00:00.000Z",
    lastSeen: "2026-12-01T10:15:00.000Z",
  };
}

export const FINDINGS: Finding[] = [
  finding("pls-lb-not-standard", "error", PLS, `Private Link Service ${PLS} sits on a Basic load balancer`),
  finding("connection-pending-too-long", "warning", CONN, `connection ${CONN} has been Pending for 30 h`),
  finding(
    "relay-public-access-enabled",
    "warning",
    NS,
    `Relay namespace ${NS} has publicNetworkAccess Enabled`,
  ),
  finding(
    "relay-namespace-limit",
    "info",
    `/subscriptions/${SUB}`,
    `subscription ${SUB} has 60 of 64 namespaces`,
  ),
];

export function result(findings: Finding[] = FINDINGS, over: Partial<SweepResult> = {}): SweepResult {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    findings,
    opened: findings.slice(0, 1),
    resolved: [],
    decisions: [],
    reconcileFailures: [],
    checkErrors: [],
    collectionErrors: [],
    carried: findings.slice(1, 2),
    withheld: [],
    summary: {
      startedAt: "2026-12-01T10:15:00.000Z",
      durationMs: 1234,
      trigger: "cli",
      subscriptions: 1,
      resources: { privateLinkServices: 1, paasResources: 1, privateEndpoints: 1, connections: 1 },
      findings: {
        error: count("error"),
        warning: count("warning"),
        info: count("info"),
        total: findings.length,
      },
      opened: 1,
      resolved: 0,
      unchanged: findings.length - 1,
      suppressed: 0,
      checksRun: 27,
      checkErrors: 0,
      collectionErrors: 0,
      decisions: 0,
      reconcileFailures: 0,
      connectionsByState: {},
      stateful: false,
      degraded: false,
      failedScopes: [],
      failedChecks: [],
      carriedForward: 0,
      withheld: 0,
    },
    ...over,
  };
}

export function view(over: Partial<Omit<SweepView, "result">> = {}, r: SweepResult = result()): SweepView {
  return sweepView(r, { docBase: "https://linkgate.example/repo/", version: "9.9.9", ...over });
}
