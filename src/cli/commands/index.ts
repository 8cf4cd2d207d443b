import type { Command } from "commander";
import type { CliContext } from "../io";

type Register = (program: Command, ctx: CliContext) => void;

/** Every command module; the order is the order of `linkgate --help`. */
const modules: Register[] = [];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of modules) register(program, ctx);
}
