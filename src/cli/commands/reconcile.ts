/**
 * `linkgate reconcile --policy FILE --resource ID [--dry-run] [--explain]`: reconciles one private link target (a PLS
 * or a PaaS resource; a connection ID stands for its parent) with the same core function the Event Grid
 * function uses. `--dry-run` decides and prints but never writes (audit mode).
 */
import * as path from "node:path";
import type { Command } from "commander";
import { errorMessage } from "../../core/errors";
import { reconcileTarget, type DecisionRecord } from "../../core/reconcile";
import { resourceType, splitConnectionId, tryParseResourceId } from "../../core/resourceId";
import { isPrivateLinkTargetType, PRIVATE_LINK_TARGET_API_VERSIONS } from "../../adapters/arm/apiVersions";
import { approvalDeps, loadPolicyRuntime, streamLogger } from "../../adapters/compose";
import { checkSignIn } from "../../adapters/arm/signIn";
import { EXIT_OK, EXIT_USAGE, type CliContext } from "../io";

/** The stable JSON-lines shape: one object per decided connection. */
export function printDecisions(out: NodeJS.WritableStream, decisions: readonly DecisionRecord[]): void {
  for (const d of decisions) {
    const line = {
      connectionId: d.connectionId,
      targetId: d.targetId,
      action: d.action,
      ruleId: d.ruleId,
      message: d.message,
      reasons: d.reasons,
      mode: d.mode,
      written: d.written,
    };
    out.write(`${JSON.stringify(line)}\n`);
  }
}

/** The `--explain` text: per decided connection, the decision and the policy's reasons, one per line. */
export function explainDecisions(decisions: readonly DecisionRecord[]): string {
  const lines: string[] = [];
  for (const d of decisions) {
    lines.push(
      `${d.connectionId}`,
      `  => ${d.action} (rule ${d.ruleId}, ${d.mode}${d.written ? ", written" : ", not written"}): ${d.message}`,
    );
    for (const r of d.reasons) lines.push(`     ${r}`);
  }
  if (decisions.length === 0) lines.push("no Pending connection to decide");
  return `${lines.join("\n")}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("reconcile")
    .description(
      "decide the Pending private endpoint connections of one resource. WRITES to Azure (approves/rejects) " +
        "when the policy's mode is enforce, unless --dry-run",
    )
    .requiredOption("--policy <file>", "policy file (YAML or JSON)")
    .requiredOption(
      "--resource <id>",
      "resource ID of a Private Link Service or PaaS resource (or of a connection)",
    )
    .option("--dry-run", "decide and print, never write (audit mode)", false)
    .option("--explain", "also print, per connection, why the policy decided as it did (stderr)", false)
    .action(async (opts: { policy: string; resource: string; dryRun: boolean; explain: boolean }) => {
      const { io } = ctx;
      const logger = streamLogger(io.stderr);
      const parsed = tryParseResourceId(opts.resource);
      const targetId = parsed ? (splitConnectionId(parsed.id)?.parentId ?? parsed.id) : undefined;
      const target = tryParseResourceId(targetId);
      if (!target || !isPrivateLinkTargetType(resourceType(target))) {
        io.stderr.write(
          `linkgate: --resource "${opts.resource}" is not the ID of a Private Link Service or of a supported PaaS ` +
            `resource (types: Microsoft.Network/privateLinkServices, ${Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS).length} ` +
            `PaaS types listed in docs/approval.md)\n`,
        );
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const signIn = await checkSignIn(io.env);
      if (signIn) {
        io.stderr.write(`linkgate: ${signIn}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      const loaded = await loadPolicyRuntime(path.resolve(io.cwd, opts.policy), logger);
      try {
        const deps = approvalDeps({ env: io.env, logger, policy: loaded.runtime });
        const result = await reconcileTarget(target.id, deps, { dryRun: opts.dryRun, cause: "cli" });
        printDecisions(io.stdout, result.decisions);
        if (opts.explain) io.stderr.write(explainDecisions(result.decisions));
        if (!result.found) io.stderr.write(`linkgate: ${target.id} does not exist; nothing to reconcile\n`);
        for (const f of result.failures) io.stderr.write(`linkgate: ${f.connectionId}: ${f.error}\n`);
        await deps.telemetry.flush();
        ctx.exitCode = loaded.errors.length > 0 || result.failures.length > 0 ? EXIT_USAGE : EXIT_OK;
      } catch (e) {
        io.stderr.write(`linkgate: reconcile of ${target.id} failed: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
      }
    });
}
