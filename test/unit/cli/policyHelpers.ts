import { Writable } from "node:stream";
import { main } from "../../../src/cli/main";
import type { CliIo } from "../../../src/cli/io";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = "";
  return w;
}

/** Runs the CLI in-process with captured streams; files are resolved against `cwd`. */
export async function run(argv: string[], cwd: string): Promise<RunResult> {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = { stdout, stderr, env: {}, cwd };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
