/**
 * A child process that runs the Event Grid function's code path (compose's approvalDeps + handleEventInput),
 * configured from its environment alone, on the events in EVENT_FILE with the policy in POLICY_FILE. Prints
 * {"decisions":[{connectionId, action, outcome, written}...]} on stdout; exits 1 with the error on stderr
 * when handling throws (what Event Grid would redeliver).
 */
import * as fs from "node:fs";
import { approvalDeps, loadPolicyRuntime, streamLogger } from "../../../../src/adapters/compose";
import { handleEventInput } from "../../../../src/core/events/handle";

async function main(): Promise<void> {
  const logger = streamLogger(process.stderr, "warn");
  const policy = await loadPolicyRuntime(process.env["POLICY_FILE"] ?? "", logger);
  if (policy.errors.length > 0) throw new Error(policy.errors.join("\n"));
  const events: unknown = JSON.parse(fs.readFileSync(process.env["EVENT_FILE"] ?? "", "utf8"));
  const deps = approvalDeps({ env: process.env, logger, policy: policy.runtime });
  // Everything is loaded: say so, and wait for the go (GO_FILE), so that all workers act at once.
  process.stdout.write("ready\n");
  const go = process.env["GO_FILE"];
  while (go && !fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
  const result = await handleEventInput(events, deps);
  process.stdout.write(
    `${JSON.stringify({
      lock: deps.lock.description,
      decisions: result.decisions.map((d) => ({
        connectionId: d.connectionId,
        action: d.action,
        outcome: d.outcome,
        written: d.written,
      })),
      failures: result.failures,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`handle worker failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
