import type { Command } from "commander";
import type { CliContext } from "../io";
import { register as registerHandleEvent } from "./handleEvent";
import { register as registerReconcile } from "./reconcile";
import { register as registerPolicy } from "./policy";
import { register as registerDecide } from "./decide";
import { register as registerEmulator } from "./emulator";
import { register as registerDemo } from "./demo";
import { register as registerSweep } from "./sweep";

type Register = (program: Command, ctx: CliContext) => void;

/** Every command module; the order is the order of `linkgate --help`. */
const modules: Register[] = [
  registerPolicy,
  registerDecide,
  registerHandleEvent,
  registerReconcile,
  registerSweep,
  registerEmulator,
  registerDemo,
];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of modules) register(program, ctx);
}
