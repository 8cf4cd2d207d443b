import type { Command } from "commander";
import type { CliContext } from "../io";

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every command module by its command name; the order is the order of `linkgate --help`. Loaded lazily:
 * the Azure-facing commands pull in the SDKs and App Insights (about a second to load), which
 * `policy validate` in a pre-commit hook or CI step should not pay for.
 */
type Module = { register: Register };

/* eslint-disable @typescript-eslint/no-require-imports -- synchronous lazy loading; CommonJS output keeps import() as ESM */
const loaders: Readonly<Record<string, () => Module>> = {
  policy: () => require("./policy") as Module,
  decide: () => require("./decide") as Module,
  facts: () => require("./facts") as Module,
  "handle-event": () => require("./handleEvent") as Module,
  reconcile: () => require("./reconcile") as Module,
  sweep: () => require("./sweep") as Module,
  emulator: () => require("./emulator") as Module,
  demo: () => require("./demo") as Module,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const COMMAND_NAMES: readonly string[] = Object.keys(loaders);

/**
 * Registers the command argv names (its first non-option word) or, for anything else (help, an unknown
 * command, no command), all of them so that help and "unknown command" messages stay complete.
 */
export function registerCommands(program: Command, ctx: CliContext, argv: readonly string[] = []): void {
  const first = argv.find((a) => !a.startsWith("-"));
  const names = first !== undefined && loaders[first] ? [first] : COMMAND_NAMES;
  for (const name of names) {
    const load = loaders[name];
    if (load) load().register(program, ctx);
  }
}
