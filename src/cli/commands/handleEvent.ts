/**
 * `linkgate handle-event --policy FILE --event FILE [--dry-run]`: runs exactly the Event Grid function's code path
 * (handleEventInput with the same composition root) on an event file holding one event or an array, in
 * either schema. Prints one JSON line per decided connection on stdout; logs go to stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { handleEventInput } from "../../core/events/handle";
import { errorMessage } from "../../core/errors";
import { approvalDeps, loadPolicyRuntime, streamLogger } from "../../adapters/compose";
import { EXIT_OK, EXIT_USAGE, type CliContext } from "../io";
import { printDecisions } from "./reconcile";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("handle-event")
    .description(
      "handle Event Grid event(s) from a file exactly as the Event Grid function does. WRITES to Azure " +
        "(approves/rejects) when the policy's mode is enforce, unless --dry-run",
    )
    .requiredOption("--policy <file>", "policy file (YAML or JSON)")
    .requiredOption("--event <file>", "event file: one event or an array (Event Grid or CloudEvents schema)")
    .option("--dry-run", "decide and print, never write (audit mode)", false)
    .action(async (opts: { policy: string; event: string; dryRun: boolean }) => {
      const { io } = ctx;
      const logger = streamLogger(io.stderr);
      const eventFile = path.resolve(io.cwd, opts.event);
      let input: unknown;
      try {
        input = JSON.parse(fs.readFileSync(eventFile, "utf8")) as unknown;
      } catch (e) {
        io.stderr.write(`linkgate: ${eventFile}: cannot read the event file as JSON: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const loaded = await loadPolicyRuntime(path.resolve(io.cwd, opts.policy), logger);
      try {
        const deps = approvalDeps({ env: io.env, logger, policy: loaded.runtime });
        const result = await handleEventInput(input, { ...deps, logger }, { dryRun: opts.dryRun });
        printDecisions(io.stdout, result.decisions);
        const malformed = result.events.filter((e) => e.status === "malformed");
        for (const m of malformed) io.stderr.write(`linkgate: ${eventFile}: ${m.reason}\n`);
        for (const f of result.failures) io.stderr.write(`linkgate: ${f.targetId}: ${f.error}\n`);
        await deps.telemetry.flush();
        ctx.exitCode =
          loaded.errors.length > 0 || malformed.length > 0 || result.failures.length > 0
            ? EXIT_USAGE
            : EXIT_OK;
      } catch (e) {
        io.stderr.write(`linkgate: handle-event failed: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
      }
    });
}
