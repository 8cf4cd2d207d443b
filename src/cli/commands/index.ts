import type { Command } from "commander";
import type { CliContext } from "../io";
import { register as registerHandleEvent } from "./handleEvent";
import { register as registerReconcile } from "./reconcile";

type Register = (program: Command, ctx: CliContext) => void;

/** Every command module; the order is the order of `linkgate --help`. */
const modules: Register[] = [registerHandleEvent, registerReconcile];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of modules) register(program, ctx);
}
