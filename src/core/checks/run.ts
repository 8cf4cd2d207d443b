/**
 * Runs a selection of checks over one inventory. A check that throws becomes a check error and the others
 * still run: one buggy check must not blind the whole sweep.
 */
import { findingId, type NewFinding } from "../findings";
import type { ArmJson, Inventory } from "../inventory";
import { errorMessage } from "../errors";
import { normalizeResourceId } from "../resourceId";
import { allResources, byId, tagValue } from "./arm";
import { safeParent } from "./estate";
import type { Check, CheckContext } from "./types";

export const DEFAULT_SUPPRESS_TAG = "linkgate-suppress";

export interface RunChecksOptions {
  /** Check ids to run; empty or absent means all. */
  only?: string[];
  /** Check ids never to run (wins over `only`). */
  disabled?: string[];
  /** Tag name listing suppressed check ids (comma-separated) or `*`; default `linkgate-suppress`. */
  suppressTag?: string;
}

export interface RunChecksResult {
  findings: NewFinding[];
  checkErrors: { checkId: string; message: string }[];
  /** Findings dropped by a suppression tag. */
  suppressed: number;
  /** How many checks the selection ran (a check that threw counts: it ran and failed). */
  checksRun: number;
}

/** Suppression entries on a resource's tag: `*` or check ids, comma- or semicolon-separated, any case. */
export function suppressedIds(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(/[,;]/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The resources whose tags govern a finding: the resource itself and its ancestors (a tag on a PLS
 * covers findings on its connections; a tag on a DNS zone covers its record sets).
 */
function governingIds(resourceId: string): string[] {
  const out = [normalizeResourceId(resourceId)];
  for (let p = safeParent(resourceId); p; p = safeParent(p)) out.push(normalizeResourceId(p));
  return out;
}

export function runChecks(
  inv: Inventory,
  ctx: CheckContext,
  options: RunChecksOptions,
  checks: readonly Check[],
): RunChecksResult {
  const known = new Map(checks.map((c) => [c.id, c]));
  const checkErrors: { checkId: string; message: string }[] = [];
  const only = (options.only ?? []).map((s) => s.trim()).filter(Boolean);
  const disabled = new Set((options.disabled ?? []).map((s) => s.trim()).filter(Boolean));
  // A typo in the selection would silently switch a check off: say so, once per id.
  for (const id of new Set([...only, ...disabled])) {
    if (!known.has(id)) {
      checkErrors.push({
        checkId: id,
        message: `unknown check id "${id}" in the check selection; known ids: ${[...known.keys()].join(", ")}`,
      });
    }
  }
  const selected = checks.filter((c) => (only.length === 0 || only.includes(c.id)) && !disabled.has(c.id));

  const tagName = options.suppressTag ?? DEFAULT_SUPPRESS_TAG;
  const resources = byId(allResources(inv));
  const suppressionCache = new Map<string, Set<string>>();
  const suppressionsFor = (resourceId: string): Set<string> => {
    const key = normalizeResourceId(resourceId);
    const cached = suppressionCache.get(key);
    if (cached) return cached;
    const all = new Set<string>();
    for (const id of governingIds(resourceId)) {
      const r: ArmJson | undefined = resources.get(id);
      for (const s of suppressedIds(tagValue(r, tagName))) all.add(s);
    }
    suppressionCache.set(key, all);
    return all;
  };

  const findings: NewFinding[] = [];
  let suppressed = 0;
  for (const check of selected) {
    let results;
    try {
      results = check.run(inv, ctx);
    } catch (err) {
      checkErrors.push({ checkId: check.id, message: `check ${check.id} failed: ${errorMessage(err)}` });
      continue;
    }
    const ids = new Set<string>();
    for (const r of results) {
      const s = suppressionsFor(r.resourceId);
      if (s.has("*") || s.has(check.id.toLowerCase())) {
        suppressed++;
        continue;
      }
      const id = findingId(check.id, r.resourceId, r.discriminator);
      if (ids.has(id)) continue;
      ids.add(id);
      findings.push({
        id,
        checkId: check.id,
        severity: r.severity ?? check.severity,
        resourceId: r.resourceId,
        message: r.message,
        remediation: check.remediation,
        docUrl: check.docUrl,
      });
    }
  }
  return { findings, checkErrors, suppressed, checksRun: selected.length };
}
