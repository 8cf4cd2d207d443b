/**
 * The registry of health checks. Order here is the order findings are reported in. Ids are stable:
 * test/unit/checks/registry.test.ts snapshots them and fails when a check lacks metadata, a doc page or tests.
 */
import type { Inventory } from "../inventory";
import { runChecks as runSelected, type RunChecksOptions, type RunChecksResult } from "./run";
import type { Check, CheckContext } from "./types";

export type { Check, CheckContext, CheckResult, CheckSettings } from "./types";
export { DEFAULT_SUPPRESS_TAG, type RunChecksOptions, type RunChecksResult } from "./run";

export const ALL_CHECKS: readonly Check[] = [];

export function checkById(id: string): Check | undefined {
  return ALL_CHECKS.find((c) => c.id === id);
}

/** Runs the registered checks selected by `options` (see run.ts for selection, suppression and isolation). */
export function runChecks(
  inv: Inventory,
  ctx: CheckContext,
  options: RunChecksOptions = {},
  checks: readonly Check[] = ALL_CHECKS,
): RunChecksResult {
  return runSelected(inv, ctx, options, checks);
}
