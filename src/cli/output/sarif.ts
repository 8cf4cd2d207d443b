/**
 * `--output sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One rule per check (title,
 * description, remediation as help text, absolute doc URL), one result per finding located at its resource:
 * the ID as an artifact URI under the uriBaseId AZURE (https://management.azure.com/) and as a logical location.
 * The finding's stable id is the partial fingerprint, so viewers track a finding across sweeps. Validated
 * against the OASIS 2.1.0 schema in test/unit/cli/output.test.ts and test/acceptance/output.test.ts.
 */
import type * as Sarif from "sarif";
import type { Severity } from "../../core/findings";
import { absoluteDocUrl, allChecks, type SweepView } from "./view";

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: "error",
  warning: "warning",
  info: "note",
};

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

export function toSarif(v: SweepView): Sarif.Log {
  const checks = allChecks();
  const index = new Map(checks.map((c, i) => [c.id, i]));
  const rules: Sarif.ReportingDescriptor[] = checks.map((c) => {
    const url = absoluteDocUrl(c.docUrl, v.docBase);
    return {
      id: c.id,
      name: c.id,
      shortDescription: { text: c.title },
      fullDescription: { text: c.description },
      help: { text: `${c.remediation}\n\nMore: ${url}`, markdown: `${c.remediation}\n\n[${c.id}](${url})` },
      helpUri: url,
      defaultConfiguration: { level: LEVEL[c.severity] },
      properties: { tags: ["azure", "private-link"] },
    };
  });
  const results: Sarif.Result[] = v.findings.map((f) => {
    const ruleIndex = index.get(f.checkId);
    return {
      ruleId: f.checkId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.resourceId.replace(/^\/+/, "")), uriBaseId: "AZURE" },
          },
          logicalLocations: [{ fullyQualifiedName: f.resourceId, kind: "resource" }],
        },
      ],
      partialFingerprints: { "linkgateFindingId/v1": f.id },
      properties: {
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen,
        ...(v.carried.has(f.id) ? { carriedForward: true } : {}),
      },
    };
  });
  const r = v.result;
  const notifications: Sarif.Notification[] = [
    ...r.collectionErrors.map((e) => ({
      level: "error" as const,
      message: { text: `could not read ${e.scope}: ${e.message}` },
    })),
    ...r.checkErrors.map((e) => ({
      level: "error" as const,
      message: { text: `check ${e.checkId} failed: ${e.message}` },
    })),
  ];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "linkgate",
            version: v.version,
            informationUri: absoluteDocUrl("docs/sweep.md", v.docBase),
            rules,
          },
        },
        originalUriBaseIds: { AZURE: { uri: "https://management.azure.com/" } },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
            properties: { degraded: r.summary.degraded, trigger: r.summary.trigger },
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(v: SweepView): string {
  return `${JSON.stringify(toSarif(v), null, 2)}\n`;
}
