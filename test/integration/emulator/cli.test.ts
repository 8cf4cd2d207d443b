import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createArmContext, StaticTokenCredential } from "../../../src/adapters/arm/context";
import { runDemo } from "../../../src/cli/commands/demo";
import { runEmulatorCommand } from "../../../src/cli/commands/emulator";
import { main } from "../../../src/cli/main";
import { memoryIo } from "../memoryIo";

const io = () => memoryIo({}, path.resolve(__dirname, "../../.."));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("linkgate emulator", () => {
  it("prints exactly one listening line, writes its CA, serves the seed and stops on abort", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-emu-"));
    const caOut = path.join(dir, "ca.pem");
    const t = io();
    const stop = new AbortController();
    const run = runEmulatorCommand(t, { seed: "examples/demo-estate", caOut }, stop.signal);
    await until(() => t.out().includes("\n"));
    const lines = t.out().trim().split("\n");
    expect(lines).toHaveLength(1);
    const m = /^listening (https:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0] ?? "");
    expect(m).not.toBeNull();
    const arm = createArmContext({
      endpoint: m?.[1],
      extraCaPem: fs.readFileSync(caOut, "utf8"),
      credential: new StaticTokenCredential(),
      emulator: true,
    });
    const pls = await arm
      .network("aaaaaaaa-0000-4000-8000-000000000001")
      .privateLinkServices.get("rg-platform", "pls-api");
    expect(pls.privateEndpointConnections).toHaveLength(2);
    stop.abort();
    await expect(run).resolves.toBe(0);
  });

  it("fails with exit 2 and names the problem for a missing seed directory", async () => {
    const t = io();
    const code = await runEmulatorCommand(t, { seed: "no/such/dir" }, AbortSignal.abort());
    expect(code).toBe(2);
    expect(t.err()).toContain("seed directory");
    expect(t.out()).toBe("");
  });

  it("is registered on the CLI with its options", async () => {
    const t = io();
    expect(await main(["emulator", "--help"], t)).toBe(0);
    expect(t.out()).toContain("--seed <dir>");
    expect(t.out()).toContain("--ca-out <file>");
  });
});

describe("linkgate demo", () => {
  it("lists the sample estate through the real SDK clients", async () => {
    const t = io();
    expect(await runDemo(t)).toBe(0);
    const out = t.out();
    expect(out).toContain(
      "subscription aaaaaaaa-0000-4000-8000-000000000001 (contoso-connectivity, tenant bbbbbbbb-0000-4000-8000-000000000001)",
    );
    expect(out).toMatch(/connection pe-partner\.conn: Pending from \/subscriptions\/cccccccc/);
    expect(out).toMatch(/connection pe-internal\.conn: Approved/);
    expect(out).toMatch(/microsoft\.relay\/namespaces .*relay-prod\n\s+connection pe-app\.relay: Pending/);
  });
});
