import { PassThrough } from "node:stream";
import { buildProgram, main } from "../../../src/cli/main";
import { COMMAND_NAMES } from "../../../src/cli/commands";
import type { CliIo } from "../../../src/cli/io";

function capture(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = "";
  let e = "";
  stdout.on("data", (d: Buffer) => (o += d.toString()));
  stderr.on("data", (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, env: {}, cwd: process.cwd() }, out: () => o, err: () => e };
}

describe("linkgate main", () => {
  it("prints the package version and help from the source tree (not only from dist/)", async () => {
    const v = capture();
    expect(await main(["--version"], v.io)).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(v.out().trim()).toBe((require("../../../package.json") as { version: string }).version);
    const h = capture();
    expect(await main(["--help"], h.io)).toBe(0);
    expect(h.out()).toMatch(/Usage: linkgate/);
  });

  it("exits 2 with a message on an unknown command", async () => {
    const c = capture();
    expect(await main(["no-such-command"], c.io)).toBe(2);
    expect(c.err()).toMatch(/unknown command/);
  });
});

describe("command registration", () => {
  it("lists every command in help, and loads only the one asked for otherwise", async () => {
    const h = capture();
    await main(["--help"], h.io);
    for (const name of COMMAND_NAMES) expect(h.out()).toContain(name);
    const ctx = { io: capture().io, exitCode: 0 };
    const only = buildProgram(ctx, ["decide", "--policy", "p.yaml"]);
    expect(only.commands.map((c) => c.name())).toEqual(["decide"]);
    const all = buildProgram(ctx, ["nonsense"]);
    expect(all.commands.map((c) => c.name())).toEqual([...COMMAND_NAMES]);
  });
});

describe("every command's --help says whether it can write to Azure (issue 11)", () => {
  it.each([...COMMAND_NAMES])("%s", async (name) => {
    const c = capture();
    expect(await main([name, "--help"], c.io)).toBe(0);
    const help = c.out().replace(/\s+/g, " "); // commander wraps descriptions
    const writes = /WRITES to Azure/.test(help);
    const never = /(Read-only: never writes to Azure|never reads or writes Azure|Never talks to Azure)/.test(
      help,
    );
    expect({ name, writes, never }).toEqual({
      name,
      // sweep is read-only unless --reconcile, whose own help says it writes.
      writes: ["handle-event", "reconcile", "sweep"].includes(name),
      never: !["handle-event", "reconcile"].includes(name),
    });
  });
});
