/**
 * `linkgate emulator --seed DIR [--port N] [--ca-out FILE] [--record DIR] [--page-size N]`: runs the local
 * Azure stand-in until SIGINT/SIGTERM. Prints exactly one line on stdout when ready —
 * `listening https://127.0.0.1:PORT` — so scripts can wait for it; diagnostics go to stderr.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { startEmulator } from "../../emulator";
import { EXIT_OK, EXIT_USAGE, type CliContext, type CliIo } from "../io";

export interface EmulatorCommandOptions {
  seed: string;
  port?: number;
  caOut?: string;
  record?: string;
  pageSize?: number;
}

function parsePositiveInt(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be an integer between ${min} and ${max}, got "${v}"`);
    return n;
  };
}

/** Runs until `stop` aborts; resolves to the exit code. */
export async function runEmulatorCommand(
  io: CliIo,
  options: EmulatorCommandOptions,
  stop: AbortSignal,
): Promise<number> {
  let emulator;
  try {
    emulator = await startEmulator({
      seedDir: path.resolve(io.cwd, options.seed),
      port: options.port ?? 0,
      caFile: options.caOut ? path.resolve(io.cwd, options.caOut) : undefined,
      recordDir: options.record ? path.resolve(io.cwd, options.record) : undefined,
      pageSize: options.pageSize,
    });
  } catch (e) {
    io.stderr.write(`linkgate emulator: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(`listening ${emulator.url}\n`);
  if (!options.caOut) {
    io.stderr.write(
      "linkgate emulator: no --ca-out given; clients cannot trust this emulator's CA without it\n",
    );
  }
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener("abort", () => resolve(), { once: true });
  });
  await emulator.stop();
  return EXIT_OK;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("emulator")
    .description(
      "run the local Azure emulator (HTTPS on 127.0.0.1) serving the seeded estate. Never talks to Azure",
    )
    .requiredOption("--seed <dir>", "directory of ARM JSON documents (and optional faults.json) to serve")
    .option("--port <n>", "port on 127.0.0.1 (0 = any free port)", parsePositiveInt("--port", 0, 65535), 0)
    .option("--ca-out <file>", "write the emulator's CA certificate (PEM) here, for LINKGATE_EMULATOR_CA")
    .option("--record <dir>", "record every exchange in oav live-traffic format into this directory")
    .option(
      "--page-size <n>",
      "items per list page (nextLink paging)",
      parsePositiveInt("--page-size", 1, 1000),
    )
    .action(async (opts: EmulatorCommandOptions) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        ctx.exitCode = await runEmulatorCommand(ctx.io, opts, controller.signal);
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
