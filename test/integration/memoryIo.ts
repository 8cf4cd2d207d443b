import type { CliIo } from "../../src/cli/io";

/** A CliIo that keeps what a command writes, for running CLI commands in-process (commands only call write). */
export function memoryIo(
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => ((out += s), true), isTTY: false } as unknown as CliIo["stdout"],
    stderr: { write: (s: string) => ((err += s), true), isTTY: false } as unknown as CliIo["stderr"],
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
