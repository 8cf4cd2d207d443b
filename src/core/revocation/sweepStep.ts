/**
 * The sweep's revocation step (core/sweep.ts step 3b): plan from the inventory the checks saw, then revoke
 * under the guard. Runs only where reconcile runs (a read-only sweep never writes) and only when the policy
 * opted in with `revocation`.
 */
import type { Inventory } from "../inventory";
import type { DecisionFacts, PrivateEndpointConnection } from "../model";
import type { PolicyRuntime } from "../reconcile";
import type { OperationOptions } from "../../ports";
import { planRevocations, type RevocationPlan } from "./plan";
import { revokePlanned, type RevocationDeps, type RevocationResult } from "./revoke";

export async function revocationStep(
  inv: Inventory,
  policy: PolicyRuntime,
  factsFor: ((c: PrivateEndpointConnection) => DecisionFacts | undefined) | undefined,
  now: Date,
  deps: RevocationDeps,
  options: OperationOptions & {
    cause?: string;
    /** The plan the sweep already built for its checks (planOnce); absent: planned here. */
    plan?: () => RevocationPlan | undefined;
  } = {},
): Promise<RevocationResult | undefined> {
  const plan = options.plan
    ? options.plan()
    : planRevocations(inv, {
        settings: policy.revocation,
        now,
        evaluate: (facts) => policy.decide(facts),
        factsFor,
      });
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
