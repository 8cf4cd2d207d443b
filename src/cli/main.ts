/**
 * The `linkgate` command line. Each command lives in ./commands/<name>.ts and registers itself on the
 * program; they share the core and adapters with the Functions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { type CliContext, type CliIo, EXIT_USAGE, processIo } from "./io";
import { registerCommands } from "./commands";

export function buildProgram(ctx: CliContext, argv: readonly string[] = []): Command {
  const program = new Command();
  program
    .name("linkgate")
    .description("Policy-driven approval and health sweeps for Azure Private Link")
    .version(version())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .showHelpAfterError();
  registerCommands(program, ctx, argv);
  return program;
}

/** The package version, found by walking up from this file (it runs from src/ under jest, dist/src/ when built). */
function version(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "linkgate" && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) return "0.0.0";
    dir = up;
  }
}

/** Runs the CLI with argv (without node and script) and resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = buildProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed the message).
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    io.stderr.write(`linkgate: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
  return ctx.exitCode;
}
