/**
 * The two entry points over the emulator with a real policy file: the CLI (`handle-event`, `reconcile`)
 * in-process with the commands main() registers, and the Event Grid function handler invoked with an InvocationContext.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvocationContext } from "@azure/functions";
import { Command } from "commander";
import type { CliContext } from "../../../src/cli/io";
import { register as registerHandleEvent } from "../../../src/cli/commands/handleEvent";
import { register as registerReconcile } from "../../../src/cli/commands/reconcile";
import { linkgateEvents, resetRuntimeForTests } from "../../../src/functions/eventGrid";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { memoryIo } from "../memoryIo";
import {
  CONSUMER_SUB,
  countPuts,
  PLS_ID,
  PROVIDER_SUB,
  RELAY_ID,
  paasDoc,
  plsDoc,
  subscriptions,
} from "./seed";

let emu: RunningEmulator;
let dir: string;

const GOOD_POLICY = `apiVersion: linkgate/v1
mode: enforce
default: pending
rules:
  - id: consumer-sub-approve
    description: the consumer subscription may connect
    when:
      requester:
        subscriptions: ["${CONSUMER_SUB}"]
    action: approve
    message: Approved by linkgate
`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-h3-"));
  emu = await startEmulator({ port: 0, caFile: path.join(dir, "ca.pem") });
  fs.writeFileSync(path.join(dir, "good.yaml"), GOOD_POLICY);
  fs.writeFileSync(path.join(dir, "audit.yaml"), GOOD_POLICY.replace("mode: enforce", "mode: audit"));
  // Invalid: an unknown action and a missing id. Must approve nothing.
  fs.writeFileSync(
    path.join(dir, "bad.yaml"),
    GOOD_POLICY.replace("action: approve", "action: allow").replace(
      "  - id: consumer-sub-approve\n",
      "  -\n",
    ),
  );
});

afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function seed(): void {
  emu.state.reset();
  emu.faults.clear();
  for (const s of subscriptions())
    emu.state.setSubscription(s as { subscriptionId: string; tenantId: string });
  emu.state.add(
    plsDoc([
      ["pending1", "Pending"],
      ["approved1", "Approved"],
    ]),
  );
  emu.state.add(paasDoc("Microsoft.Relay/namespaces", "relay1", [["c1", "Pending"]]));
}

function env(): NodeJS.ProcessEnv {
  return { LINKGATE_EMULATOR: emu.url, LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem") };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(env(), dir);
  // Same registrations as src/cli/main.ts; main() itself reads package.json relative to dist/, which
  // does not resolve from src/ under jest.
  const ctx: CliContext = { io, exitCode: 0 };
  const program = new Command().exitOverride();
  registerHandleEvent(program, ctx);
  registerReconcile(program, ctx);
  await program.parseAsync(args, { from: "user" });
  return { code: ctx.exitCode, out: io.out(), err: io.err() };
}

function lines(out: string): Record<string, unknown>[] {
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function writeEvent(name: string, event: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(event));
  return file;
}

const plsConnectionWrite = {
  id: "e-1",
  eventType: "Microsoft.Resources.ResourceWriteSuccess",
  subject: `${PLS_ID}/privateEndpointConnections/pending1`,
  topic: `/subscriptions/${PROVIDER_SUB}`,
  dataVersion: "2",
  metadataVersion: "1",
  data: {
    operationName: "Microsoft.Network/privateLinkServices/privateEndpointConnections/write",
    resourceUri: `${PLS_ID}/privateEndpointConnections/pending1`,
  },
};

describe("linkgate handle-event", () => {
  it("prints one JSON line per decided connection and approves with one PUT", async () => {
    seed();
    const puts = countPuts(emu);
    const file = writeEvent("e1.json", [plsConnectionWrite]);
    const r = await cli(["handle-event", "--policy", "good.yaml", "--event", file]);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([
      {
        connectionId: `${PLS_ID}/privateEndpointConnections/pending1`,
        targetId: PLS_ID,
        action: "approve",
        ruleId: "consumer-sub-approve",
        message: "Approved by linkgate",
        reasons: expect.any(Array),
        mode: "enforce",
        written: true,
      },
    ]);
    expect(puts()).toBe(1);
    const again = await cli(["handle-event", "--policy", "good.yaml", "--event", file]);
    expect(again.out).toBe("");
    expect(puts()).toBe(1);
  });

  it("an invalid policy approves nothing: prints fail-closed decisions and exits 2", async () => {
    seed();
    const puts = countPuts(emu);
    const r = await cli([
      "handle-event",
      "--policy",
      "bad.yaml",
      "--event",
      writeEvent("e2.json", plsConnectionWrite),
    ]);
    expect(r.code).toBe(2);
    expect(lines(r.out)).toEqual([
      expect.objectContaining({ action: "pending", ruleId: "invalid-policy", written: false }),
    ]);
    expect(r.err).toMatch(/bad\.yaml:\d+:\d+/);
    expect(puts()).toBe(0);
  });

  it("a malformed event file exits 2 with the file named", async () => {
    fs.writeFileSync(path.join(dir, "broken.json"), "{ not json");
    const r = await cli(["handle-event", "--policy", "good.yaml", "--event", "broken.json"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("broken.json");
  });
});

describe("linkgate reconcile", () => {
  it("--dry-run decides and prints without writing; then a real run writes once", async () => {
    seed();
    const puts = countPuts(emu);
    const dry = await cli(["reconcile", "--policy", "good.yaml", "--resource", RELAY_ID, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(lines(dry.out)).toEqual([
      expect.objectContaining({ action: "approve", mode: "audit", written: false }),
    ]);
    expect(puts()).toBe(0);
    const real = await cli(["reconcile", "--policy", "good.yaml", "--resource", RELAY_ID]);
    expect(lines(real.out)).toEqual([
      expect.objectContaining({ action: "approve", mode: "enforce", written: true }),
    ]);
    expect(puts()).toBe(1);
  });

  it("audit-mode policy writes nothing", async () => {
    seed();
    const puts = countPuts(emu);
    const r = await cli(["reconcile", "--policy", "audit.yaml", "--resource", PLS_ID]);
    expect(r.code).toBe(0);
    expect(lines(r.out)).toEqual([expect.objectContaining({ mode: "audit", written: false })]);
    expect(puts()).toBe(0);
  });

  it("rejects an ID that is not a supported target with exit 2", async () => {
    const r = await cli([
      "reconcile",
      "--policy",
      "good.yaml",
      "--resource",
      "/subscriptions/x/resourceGroups/y/providers/Microsoft.Foo/bars/z",
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is not the ID of a Private Link Service");
  });
});

describe("the Event Grid function handler", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("handles an event with an InvocationContext: approves once, logs, and is a no-op on redelivery", async () => {
    seed();
    const puts = countPuts(emu);
    Object.assign(process.env, env(), { LINKGATE_POLICY_FILE: path.join(dir, "good.yaml") });
    resetRuntimeForTests();
    const logs: string[] = [];
    const context = new InvocationContext({
      functionName: "linkgateEvents",
      invocationId: "inv-1",
      logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
    });
    const result = await linkgateEvents(plsConnectionWrite, context);
    expect(result.decisions).toHaveLength(1);
    await linkgateEvents(plsConnectionWrite, context);
    expect(puts()).toBe(1);
    expect(logs.join("\n")).toContain("decision: approve by consumer-sub-approve");
  });

  it("a malformed sweep-only setting does not stop approvals: it is ignored with a warning", async () => {
    seed();
    const puts = countPuts(emu);
    Object.assign(process.env, env(), {
      LINKGATE_POLICY_FILE: path.join(dir, "good.yaml"),
      LINKGATE_SWEEP_SCHEDULE: "every five minutes",
    });
    resetRuntimeForTests();
    const logs: string[] = [];
    const context = new InvocationContext({
      functionName: "linkgateEvents",
      invocationId: "inv-3",
      logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(" ")}`),
    });
    const result = await linkgateEvents(plsConnectionWrite, context);
    expect(result.decisions).toHaveLength(1);
    expect(puts()).toBe(1);
    expect(logs.join("\n")).toMatch(/warn.*LINKGATE_SWEEP_SCHEDULE.*only the sweep reads it/);
  });

  it("rethrows a 503 storm so Event Grid redelivers", async () => {
    seed();
    Object.assign(process.env, env(), { LINKGATE_POLICY_FILE: path.join(dir, "good.yaml") });
    resetRuntimeForTests();
    // Retry-After: 0 keeps the SDK's retries (which honour it on 503) fast; the storm outlasts them all.
    emu.faults.add({ status: 503, retryAfterSeconds: 0 });
    const context = new InvocationContext({
      functionName: "linkgateEvents",
      invocationId: "inv-2",
      logHandler: () => {},
    });
    await expect(linkgateEvents(plsConnectionWrite, context)).rejects.toMatchObject({ statusCode: 503 });
    emu.faults.clear();
  }, 60_000);
});
