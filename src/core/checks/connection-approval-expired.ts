import { parseLinkgateDescription } from "../policy";
import { docUrlFor, type Check, type CheckResult } from "./types";

const ID = "connection-approval-expired";

/**
 * Approved connections whose time-bound approval (`approveFor`) has ended, read from linkgate's marker in the
 * description alone, against the sweep's clock. Reports whether or not the policy opted in to revocation.
 */
export const check: Check = {
  id: ID,
  severity: "warning",
  title: "Time-bound approval past its expiry",
  description:
    "A connection linkgate approved with an approveFor rule is still Approved after the expiry written into its description. Without a revocation opt-in nothing removes it; with one, the sweep revokes it (in enforce mode, under the blast-radius guard).",
  remediation:
    "If the access should end, reject the connection or opt in with `revocation: { mode: enforce, maxPerSweep: N }` in the policy so the sweep revokes it; if it should continue, re-approve it under a rule (a new approveFor approval writes a new expiry) or approve it by hand with your own description.",
  docUrl: docUrlFor(ID),
  run(inv, ctx) {
    const out: CheckResult[] = [];
    for (const c of inv.connections) {
      if (c.status !== "Approved") continue;
      const marker = parseLinkgateDescription(c.description);
      if (marker?.expiresAt === undefined || Date.parse(marker.expiresAt) > ctx.now.getTime()) continue;
      const what = !ctx.revocation
        ? "the policy does not opt in to revocation, so it stays until someone rejects it"
        : ctx.revocation.mode === "enforce"
          ? "the policy's revocation (enforce) revokes it unless the guard trips"
          : "the policy's revocation is in audit mode: it is reported, never revoked";
      out.push({
        resourceId: c.id,
        message: `connection ${c.name} on ${c.targetId} was approved by linkgate rule ${marker.ruleId} until ${marker.expiresAt} and is still Approved; ${what}`,
        data: { ruleId: marker.ruleId, expiresAt: marker.expiresAt },
      });
    }
    return out;
  },
};
