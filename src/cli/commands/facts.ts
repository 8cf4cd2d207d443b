/**
 * `linkgate facts --connection ID`: prints the facts linkgate would decide on for a real connection, as one
 * JSON object in exactly the format `linkgate decide --request FILE` reads, so a real case can become a policy
 * test case. Read-only: never writes to Azure.
 */
import type { Command } from "commander";
import { connectionFacts } from "../../core/connectionFacts";
import { errorMessage } from "../../core/errors";
import { approvalPorts, streamLogger } from "../../adapters/compose";
import { checkSignIn } from "../../adapters/arm/signIn";
import { EXIT_OK, EXIT_USAGE, type CliContext } from "../io";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("facts")
    .description(
      "print the decision facts of a real connection, in the format decide --request reads. Read-only: never writes to Azure",
    )
    .requiredOption("--connection <id>", "resource ID of a private endpoint connection")
    .action(async (opts: { connection: string }) => {
      const { io } = ctx;
      const signIn = await checkSignIn(io.env);
      if (signIn) {
        io.stderr.write(`linkgate: ${signIn}\n`);
        ctx.exitCode = EXIT_USAGE;
        return;
      }
      try {
        const ports = approvalPorts({ env: io.env, logger: streamLogger(io.stderr, "warn") });
        const r = await connectionFacts(opts.connection, ports);
        if ("error" in r) {
          io.stderr.write(`linkgate: ${r.error}\n`);
          ctx.exitCode = EXIT_USAGE;
          return;
        }
        io.stdout.write(`${JSON.stringify(r.facts, null, 2)}\n`);
        ctx.exitCode = EXIT_OK;
      } catch (e) {
        io.stderr.write(`linkgate: facts of ${opts.connection} failed: ${errorMessage(e)}\n`);
        ctx.exitCode = EXIT_USAGE;
      }
    });
}
