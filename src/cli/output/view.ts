/**
 * What every `linkgate sweep --output` formatter renders: the sweep's result, the findings left after the
 * filters and the baseline, and the context a formatter needs to be self-contained (tool version, where the
 * check docs live). Helpers shared by the formatters live here too; each format is its own file.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { ALL_CHECKS, type Check } from "../../core/checks";
import type { Finding, Severity } from "../../core/findings";
import type { SweepResult } from "../../core/sweep";

export interface AcceptedFinding {
  finding: Finding;
  reason: string;
  expires?: string;
}

export interface SweepView {
  result: SweepResult;
  /** Open findings after --severity/--check and the baseline, in the sweep's order (errors first). */
  findings: Finding[];
  /** Findings the baseline accepted (not in `findings`). */
  accepted: AcceptedFinding[];
  /** Ids of findings carried forward unchanged by a degraded sweep. */
  carried: ReadonlySet<string>;
  /** Absolute base the check doc paths (`docs/checks/x.md`) are resolved against; ends with `/`. */
  docBase: string;
  version: string;
}

export const SEVERITY_ORDER: readonly Severity[] = ["error", "warning", "info"];

const CHECKS = new Map<string, Check>(ALL_CHECKS.map((c) => [c.id, c]));

export function checkById(id: string): Check | undefined {
  return CHECKS.get(id);
}

export function allChecks(): readonly Check[] {
  return ALL_CHECKS;
}

/** The absolute URL of a finding's doc page (`docs/checks/x.md` against the doc base). */
export function absoluteDocUrl(docUrl: string, docBase: string): string {
  try {
    return new URL(docUrl, docBase).href;
  } catch {
    return docUrl;
  }
}

/** The installed package's own docs (a file: URL), for when no --doc-base is given. */
export function packageDocBase(packageRoot: string): string {
  return pathToFileURL(packageRoot + path.sep).href;
}

export interface ResourceParts {
  /** The subscription GUID, or "" for a tenant-level resource. */
  subscription: string;
  resourceGroup: string;
  /** The names below the provider (`pls1/c1` for a connection), or the ID's last segment. */
  name: string;
}

export function resourceParts(id: string): ResourceParts {
  const parts = id.split("/").filter(Boolean);
  const at = (key: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i >= 0 ? (parts[i + 1] ?? "") : "";
  };
  const subscription = at("subscriptions");
  const resourceGroup = at("resourcegroups");
  const p = parts.findIndex((x) => x.toLowerCase() === "providers");
  // providers/{ns}/{type}/{name}[/{type}/{name}...]: the names are every other segment after the namespace.
  const names = p >= 0 ? parts.slice(p + 2).filter((_, i) => i % 2 === 1) : [];
  // A subscription or resource group itself has no name below it; anything else unparsed keeps its last segment.
  const scopeOnly = p < 0 && parts.length <= (resourceGroup ? 4 : 2) && subscription !== "";
  const name = names.length > 0 ? names.join("/") : scopeOnly ? "" : (parts[parts.length - 1] ?? id);
  return { subscription, resourceGroup, name };
}

/** The first block of a subscription GUID: enough to tell a handful apart in a table. */
export function shortSubscription(id: string): string {
  return id.split("-")[0] ?? id;
}

/** `rg/name` for a resource ID (the table's and the markdown's short form). */
export function shortResource(id: string): string {
  const r = resourceParts(id);
  if (!r.resourceGroup) return r.subscription ? `subscription ${shortSubscription(r.subscription)}` : id;
  return r.name ? `${r.resourceGroup}/${r.name}` : r.resourceGroup;
}

const ARM_ID = /\/subscriptions\/[0-9a-f-]{36}(?:\/[^\s,;()'"`]+)?/gi;

/** The message with every full resource ID replaced by its short form. */
export function shortMessage(message: string): string {
  return message.replace(
    ARM_ID,
    (id) => shortResource(id.replace(/[.:]+$/, "")) + (/[.:]+$/.exec(id)?.[0] ?? ""),
  );
}
