/**
 * One sweep in its own process (spawned by `npm run bench -- sweep`), so its peak RSS is the sweep's alone and
 * not the emulator's. Settings come from the environment the parent gives it (LINKGATE_EMULATOR and _CA,
 * LINKGATE_SUBSCRIPTIONS, LINKGATE_POLICY_FILE); prints one JSON line: wall, peak RSS, findings, decisions.
 */
import { performance } from "node:perf_hooks";
import { runSweep } from "../../src/core/sweep";
import { loadPolicyRuntime } from "../../src/adapters/compose";
import { sweepRuntime } from "../../src/adapters/inventory/sweepRuntime";
import { nullTelemetry, type Logger } from "../../src/ports";

async function main(): Promise<void> {
  const reconcile = process.argv.includes("--reconcile");
  const errors: string[] = [];
  const logger: Logger = {
    info: () => {},
    warn: () => {},
    error: (m) => errors.push(m),
  };
  const loaded = await loadPolicyRuntime(process.env["LINKGATE_POLICY_FILE"] ?? "", logger);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.join("\n"));
  const runtime = sweepRuntime({
    env: process.env,
    logger,
    policy: loaded.runtime,
    telemetry: nullTelemetry,
    useStore: false,
    trigger: "bench",
  });
  const t0 = performance.now();
  const result = await runSweep(runtime.deps, { ...runtime.options, reconcile });
  const wallMs = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({
      wallMs,
      maxRssKb: process.resourceUsage().maxRSS,
      findings: result.findings.map((f) => `${f.checkId} ${f.resourceId}`).sort(),
      decisions: result.decisions
        .map((d) => `${d.action} ${d.written ? "written" : "-"} ${d.connectionId}`)
        .sort(),
      collectionErrors: result.collectionErrors.length,
      reconcileFailures: result.reconcileFailures.length,
      errors: errors.slice(0, 5),
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench sweep child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
