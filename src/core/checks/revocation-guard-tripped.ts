import { guardMessage, planRevocations } from "../revocation/plan";
import { docUrlFor, type Check } from "./types";

const ID = "revocation-guard-tripped";

/** The guard's finding is about the policy's revocation, not one resource: one stable pseudo resource ID. */
export const REVOCATION_GUARD_RESOURCE_ID = "/providers/linkgate/revocation";

/**
 * The blast-radius guard: more revocations in one sweep than the policy's `revocation.maxPerSweep` means the
 * sweep revokes none (core/revocation) and this error stays open until a human raises the limit or fixes the
 * policy. Computed from the same plan the sweep acts on (the sweep hands it over: ctx.revocationPlan).
 */
export const check: Check = {
  id: ID,
  severity: "error",
  title: "Revocation blast-radius guard tripped: nothing was revoked",
  description:
    "More Approved connections would be revoked in one sweep than the policy's revocation.maxPerSweep allows, so the sweep revoked none. A policy edit (a broad revoke rule, a wrong tenant) or a burst of expiring approvals can cut off many consumers at once; the guard waits for a human.",
  remediation:
    "Review what would be revoked with `linkgate policy what-if --policy POLICY --subscription ID`; if it is intended, raise revocation.maxPerSweep (or revoke in batches); if not, fix the revoke rule or approveFor rule before the next sweep.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const plan = ctx.revocationPlan
      ? ctx.revocationPlan()
      : planRevocations(inv, {
          settings: ctx.revocation,
          now: ctx.now,
          evaluate: ctx.evaluate,
          factsFor: ctx.factsFor,
        });
    if (!plan?.guardTripped) return [];
    return [
      {
        resourceId: REVOCATION_GUARD_RESOURCE_ID,
        message: guardMessage(plan),
        data: { wouldRevoke: plan.candidates.length, maxPerSweep: plan.settings.maxPerSweep },
      },
    ];
  },
};
