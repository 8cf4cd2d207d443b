/**
 * The sharded sweep end to end (issue 10 goal 4): the real timer function fans a 2,000-connection estate in 20
 * subscriptions out as 4 shards on an Azurite queue, and 4 worker PROCESSES (scripts/bench/shardWorker.ts, the
 * real shard function behind a host-like queue loop) sweep them against the ARM emulator, with finding state,
 * leases and the sweep record in Azurite Table.
 * - The union of the shards' findings and decisions equals a single-process sweep of the same estate
 *   (cross-shard endpoint references included).
 * - A shard whose subscriptions the emulator refuses carries its own findings forward, and no other shard
 *   resolves anything.
 * - The same shard message delivered twice at once is swept once.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvocationContext, type Timer } from "@azure/functions";
import { buildEstate } from "../../../scripts/bench/estate";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { loadPolicyRuntime } from "../../../src/adapters/compose";
import { sweepRuntime } from "../../../src/adapters/inventory/sweepRuntime";
import {
  createTableClient,
  stateKey,
  TableFindingStore,
} from "../../../src/adapters/storage/tableFindingStore";
import { createQueueClient } from "../../../src/adapters/queue/storageQueue";
import { encodeShardMessage, planShards } from "../../../src/core/shard";
import { runSweep } from "../../../src/core/sweep";
import { linkgateSweep } from "../../../src/functions/sweepTimer";
import { nullTelemetry, silentLogger } from "../../../src/ports";
import { startChild, tlsDir } from "../lock/support/children";

jest.setTimeout(240_000);

const WORKER = path.resolve(__dirname, "../../../scripts/bench/shardWorker.ts");
const SHARD_SIZE = 5;

interface Line {
  kind: string;
  pid: number;
  status?: string;
  shardId?: string;
  sweepId?: string;
  start?: number;
  end?: number;
  findings?: string[];
  decisions?: string[];
  opened?: number;
  resolved?: number;
  error?: string;
  logs?: string[];
  maxRssKb?: number;
}

const estate = buildEstate({ connections: 2000, subscriptions: 20 });
const subs = estate.subscriptions;
const peDocs = estate.seed.filter(
  (d) => (d as { type?: string }).type === "Microsoft.Network/privateEndpoints",
) as { id: string; properties: Record<string, unknown> }[];

/** Endpoints in the first subscription naming Private Link Services in the last (another shard): one exists, one does not. */
function crossShardSeed(): unknown[] {
  const lastPls = estate.seed.find(
    (d) =>
      (d as { type?: string; id?: string }).type === "Microsoft.Network/privateLinkServices" &&
      (d as { id: string }).id.includes(subs[subs.length - 1] as string),
  ) as { id: string };
  const template = peDocs.find((d) => d.id.includes(subs[0] as string)) as {
    id: string;
    properties: Record<string, unknown>;
  };
  const pe = (name: string, ref: string) => ({
    ...template,
    id: template.id.replace(/privateEndpoints\/.*$/, `privateEndpoints/${name}`),
    name,
    properties: {
      ...template.properties,
      privateLinkServiceConnections: [
        {
          id: `x/${name}/c`,
          name: "c",
          properties: {
            privateLinkServiceId: ref,
            privateLinkServiceConnectionState: { status: "Approved" },
          },
        },
      ],
    },
  });
  return [
    pe("pe-cross-exists", lastPls.id),
    pe("pe-cross-missing", lastPls.id.replace(/privateLinkServices\/.*$/, "privateLinkServices/pls-gone")),
  ];
}

const seed = [...estate.seed, ...crossShardSeed()];
let dir: string;
let policyFile: string;
let single: RunningEmulator;
let sharded: RunningEmulator;
const run = Math.random().toString(36).slice(2, 8);
let env: NodeJS.ProcessEnv;
const servedPaths: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-shard-"));
  policyFile = path.join(dir, "policy.yaml");
  fs.writeFileSync(policyFile, estate.policy);
  [single, sharded] = await Promise.all([
    startEmulator({ seed, lroRetryAfterSeconds: 0 }),
    startEmulator({ seed, lroRetryAfterSeconds: 0, onExchange: (e) => servedPaths.push(e.path) }),
  ]);
  const conn = process.env["LINKGATE_TEST_AZURITE_STORAGE_CONN"];
  if (!conn)
    throw new Error(
      "test/global-setup.ts did not start Azurite Queue (LINKGATE_TEST_AZURITE_STORAGE_CONN unset)",
    );
  fs.writeFileSync(path.join(dir, "arm-ca.pem"), sharded.caPem);
  env = {
    AzureWebJobsStorage: conn,
    LINKGATE_TABLE_CA: path.join(tlsDir(), "ca.pem"),
    LINKGATE_FINDINGS_TABLE: `shardFindings${run}`,
    LINKGATE_LOCK_TABLE: `shardLocks${run}`,
    LINKGATE_SWEEP_QUEUE: `shards-${run}`,
    LINKGATE_SWEEP_SHARD_SIZE: String(SHARD_SIZE),
    LINKGATE_SUBSCRIPTIONS: subs.join(","),
    LINKGATE_EMULATOR: sharded.url,
    LINKGATE_EMULATOR_CA: path.join(dir, "arm-ca.pem"),
    LINKGATE_POLICY_FILE: policyFile,
    LINKGATE_DNS_RESOLVER: "127.0.0.1:9",
  };
});

afterAll(async () => {
  await Promise.all([single?.stop(), sharded?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function timerContext(lines: string[]): InvocationContext {
  return new InvocationContext({
    invocationId: `tick-${lines.length}`,
    functionName: "linkgateSweep",
    logHandler: (level, ...args) => lines.push(`${level} ${String(args[0])}`),
  });
}

const TIMER = { isPastDue: false } as Timer;

async function workers(n: number): Promise<Line[]> {
  const children = Array.from({ length: n }, () =>
    startChild(WORKER, { ...env, LINKGATE_WORKER_IDLE_EXIT_MS: "1500", LINKGATE_WORKER_RETRY_MS: "1000" }),
  );
  const results = await Promise.all(children.map((c) => c.done));
  for (const r of results)
    if (r.code !== 0) throw new Error(`worker exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return results.flatMap((r) =>
    r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Line),
  );
}

const shards = planShards(subs, SHARD_SIZE);

async function openPerShard(): Promise<Map<string, string[]>> {
  const client = createTableClient({
    kind: "connectionString",
    connectionString: env["AzureWebJobsStorage"] as string,
    table: env["LINKGATE_FINDINGS_TABLE"] as string,
    extraCaPem: fs.readFileSync(env["LINKGATE_TABLE_CA"] as string, "utf8"),
  });
  const out = new Map<string, string[]>();
  for (const s of shards) {
    const store = new TableFindingStore(
      client,
      stateKey({ subscriptions: s.subscriptions }, { only: [], disabled: [] }),
    );
    out.set(s.shardId, (await store.listOpen()).map((f) => `${f.checkId} ${f.resourceId}`).sort());
  }
  return out;
}

describe("sharded sweep over Azurite queues with 4 worker processes", () => {
  let reference: { findings: string[]; decisions: string[] };
  let firstOpen: Map<string, string[]>;

  test("yields the same findings and decisions as a single-process sweep of the same estate", async () => {
    const loaded = await loadPolicyRuntime(policyFile, silentLogger);
    const runtime = sweepRuntime({
      env: {
        LINKGATE_EMULATOR: single.url,
        LINKGATE_EMULATOR_CA: env["LINKGATE_EMULATOR_CA"],
        LINKGATE_SUBSCRIPTIONS: subs.join(","),
        LINKGATE_POLICY_FILE: policyFile,
        LINKGATE_DNS_RESOLVER: "127.0.0.1:9",
      },
      logger: silentLogger,
      policy: loaded.runtime,
      telemetry: nullTelemetry,
      useStore: false,
      trigger: "test",
    });
    const r = await runSweep(runtime.deps, { ...runtime.options, reconcile: true });
    reference = {
      findings: r.findings.map((f) => `${f.checkId} ${f.resourceId}`).sort(),
      decisions: r.decisions
        .map((d) => `${d.action} ${d.written ? "written" : "-"} ${d.connectionId}`)
        .sort(),
    };
    expect(reference.decisions.filter((d) => d.includes(" written ")).length).toBe(
      estate.counts.pendingApprovable,
    );
    expect(
      reference.findings.some((f) => f.startsWith("pe-target-mismatch ") && f.endsWith("/pe-cross-missing")),
    ).toBe(true);
    expect(reference.findings.some((f) => f.endsWith("/pe-cross-exists"))).toBe(false);

    const tick: string[] = [];
    await expect(linkgateSweep(TIMER, timerContext(tick), env)).resolves.toBeUndefined();
    expect(tick.join("\n")).toMatch(/fanned out as 4 of 4 shard\(s\) over 20 subscription/);

    const lines = await workers(4);
    const swept = lines.filter((l) => l.kind === "message" && l.status === "swept");
    expect(lines.filter((l) => l.kind === "message" && l.status !== "swept")).toEqual([]);
    expect(swept.map((l) => l.shardId).sort()).toEqual(shards.map((s) => s.shardId).sort());
    // More than one process did the work.
    expect(new Set(swept.map((l) => l.pid)).size).toBeGreaterThan(1);
    const findings = swept.flatMap((l) => l.findings ?? []).sort();
    const decisions = swept.flatMap((l) => l.decisions ?? []).sort();
    expect(findings).toEqual(reference.findings);
    expect(decisions).toEqual(reference.decisions);
    firstOpen = await openPerShard();
    expect([...firstOpen.values()].flat().sort()).toEqual(reference.findings);
  });

  test("a shard whose subscriptions fail carries its findings forward and resolves none of another shard's", async () => {
    // Between the sweeps only what the first sweep decided changed: its approvals end their missed-event
    // findings, which a shard that can see them resolves, and a blind shard carries forward.
    const approved = new Set(
      reference.decisions
        .filter((d) => d.startsWith("approve written "))
        .map((d) => d.split(" ")[2]?.toLowerCase()),
    );
    const failing = shards[1]!;
    const faults = failing.subscriptions.map((s) =>
      sharded.faults.add({ path: `^/subscriptions/${s}/?$`, status: 403, code: "AuthorizationFailed" }),
    );
    try {
      await linkgateSweep(TIMER, timerContext([]), env);
      const lines = await workers(2);
      const swept = lines.filter((l) => l.kind === "message" && l.status === "swept");
      expect(swept.map((l) => l.shardId).sort()).toEqual(shards.map((s) => s.shardId).sort());
      expect(swept.reduce((n, l) => n + (l.opened ?? 0), 0)).toBe(0);
      const failed = swept.find((l) => l.shardId === failing.shardId)!;
      expect(failed.resolved).toBe(0);
      expect(failed.logs?.join("\n")).toMatch(/DEGRADED/);
      expect(failed.logs?.join("\n")).toContain(failing.subscriptions[0]);
      const after = await openPerShard();
      for (const s of shards) {
        const before = firstOpen.get(s.shardId) ?? [];
        const expected =
          s.shardId === failing.shardId
            ? before
            : before.filter(
                (f) =>
                  !(f.startsWith("connection-missed-event ") && approved.has(f.split(" ")[1]?.toLowerCase())),
              );
        expect({ shard: s.shardId, open: after.get(s.shardId) }).toEqual({
          shard: s.shardId,
          open: expected,
        });
      }
      expect((after.get(failing.shardId) ?? []).length).toBeGreaterThan(0);
      // The blind shard kept the missed-event findings its approvals ended: it could not see them.
      expect((after.get(failing.shardId) ?? []).some((f) => f.startsWith("connection-missed-event "))).toBe(
        true,
      );
    } finally {
      for (const id of faults) sharded.faults.remove(id);
    }
  });

  test("the same shard message delivered twice at once is swept once; a malformed one is rejected and sweeps nothing", async () => {
    const queue = createQueueClient({
      kind: "connectionString",
      connectionString: env["AzureWebJobsStorage"] as string,
      queue: env["LINKGATE_SWEEP_QUEUE"] as string,
      extraCaPem: fs.readFileSync(env["LINKGATE_TABLE_CA"] as string, "utf8"),
    });
    const b64 = (t: string) => Buffer.from(t).toString("base64");
    const s = shards[2]!;
    const text = b64(
      encodeShardMessage({
        sweepId: `redelivered-${run}`,
        shardId: s.shardId,
        subscriptions: s.subscriptions,
        attempt: 0,
      }),
    );
    const outside = "ffffffff-0000-4000-8000-000000000000";
    const foreignShard = planShards([outside], 1)[0]!.shardId;
    await queue.sendMessage(text);
    await queue.sendMessage(text);
    await queue.sendMessage(
      b64(JSON.stringify({ sweepId: "x", shardId: foreignShard, subscriptions: [outside], attempt: 0 })),
    );
    const lines = (await workers(2)).filter((l) => l.kind === "message");
    const swept = lines.filter((l) => l.status === "swept");
    expect(swept.map((l) => l.shardId)).toEqual([s.shardId]);
    // The other delivery waited for the lease and found the shard done, or was retried and found it done.
    expect(lines.filter((l) => l.status === "duplicate").map((l) => l.shardId)).toEqual([s.shardId]);
    expect(
      lines
        .filter((l) => l.status === "failed")
        .every((l) => /being swept by another delivery/.test(l.error ?? "")),
    ).toBe(true);
    const rejected = lines.filter((l) => l.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.logs?.join("\n")).toMatch(
      /message rejected, nothing swept: .*outside LINKGATE_SUBSCRIPTIONS/,
    );
    // Nothing of the foreign subscription was read.
    expect(servedPaths.filter((p) => p.toLowerCase().includes(outside))).toEqual([]);
  });
});
