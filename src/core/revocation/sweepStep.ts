/**
 * The sweep's revocation step (core/sweep.ts step 3b): revoke what the sweep's plan (the one its checks saw,
 * planOnce) names, under the guard. Runs only where reconcile runs (a read-only sweep never writes) and only
 * when the policy opted in with `revocation`.
 */
import type { Inventory } from "../inventory";
import type { PolicyRuntime } from "../reconcile";
import type { OperationOptions } from "../../ports";
import type { RevocationPlan } from "./plan";
import { revokePlanned, type RevocationDeps, type RevocationResult } from "./revoke";

export async function revocationStep(
  /** The sweep's one plan (planOnce): built on first use, shared with the revocation-guard-tripped check. */
  planned: () => RevocationPlan | undefined,
  inv: Inventory,
  policy: PolicyRuntime,
  deps: RevocationDeps,
  options: OperationOptions & { cause?: string } = {},
): Promise<RevocationResult | undefined> {
  const plan = planned();
  if (!plan) return undefined;
  return revokePlanned(
    plan,
    deps,
    {
      policyHash: policy.hash,
      policySource: policy.source,
      degraded: inv.collectionErrors.length > 0,
      cause: options.cause ?? "sweep",
    },
    { abortSignal: options.abortSignal },
  );
}
