/**
 * `npm run bench -- shard [--connections 100000] [--subscriptions 500] [--workers 4] [--shard-size 25]
 * [--latency-ms 0] [--reconcile yes|no] [--out DIR] [--single yes|no] [--worker-node-args "..."] [--memory-trace] [--worker-env K=V,...]`:
 * the sharded sweep (core/shard) against a single-process sweep of the same generated estate (estate.ts).
 * `--single no` skips the single process (no digest comparison: for memory investigations only);
 * `--worker-node-args` passes V8/Node flags to the workers (e.g. "--max-old-space-size=128");
 * `--memory-trace` prints each worker's memory after each shard (rss, heap used/total, external, array buffers).
 *
 * 1. Single process: the estate served by the emulator, swept with reconcile by one child (sweepChild.ts): wall,
 *    peak RSS, findings and decisions.
 * 2. Sharded: a fresh emulator with the same estate, Azurite Table and Queue over HTTPS; the coordinator (what the
 *    timer runs when LINKGATE_SWEEP_SHARD_SIZE > 0) records the sweep and enqueues the shards; N worker processes
 *    (shardWorker.ts: the real queue-triggered function behind a host-like loop) sweep them. Wall (first enqueue to
 *    last shard done), ARM requests, each worker's peak RSS, and the digests of the union of the shards' findings
 *    and decisions, which must equal the single sweep's.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type ServedExchange } from "../../src/emulator";
import { startShardedSweep, sweepIdAt } from "../../src/core/shard";
import { coordinatorDeps } from "../../src/adapters/queue/shardRuntime";
import { silentLogger } from "../../src/ports";
import { startAzurite, writeTlsIdentity } from "../chaos/infra";
import { buildEstate, type Estate } from "./estate";
import { argValue, digest, requestKind, type SweepChildResult } from "./util";

function run(
  script: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<string> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
  return new Promise((resolve, reject) =>
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(script)} exited ${code}`)),
    ),
  );
}

async function emulatorFor(
  estate: Estate,
  latencyMs: number,
  byKind: Map<string, number>,
): Promise<RunningEmulator> {
  return startEmulator({
    seed: estate.seed,
    lroRetryAfterSeconds: 0,
    faults: latencyMs > 0 ? [{ id: "bench-latency", latencyMs }] : [],
    onExchange: (e: ServedExchange) => {
      const k = requestKind(e);
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    },
  });
}

function printKinds(byKind: Map<string, number>): void {
  const total = [...byKind.values()].reduce((a, b) => a + b, 0);
  console.log(`  requests: ${total}`);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`    ${String(n).padStart(7)}  ${k}`);
}

interface WorkerLine {
  kind: string;
  pid: number;
  status?: string;
  shardId?: string;
  start?: number;
  end?: number;
  findings?: string[];
  decisions?: string[];
  error?: string;
  maxRssKb?: number;
  handled?: number;
  reconcileFailures?: string[];
  memory?: Record<string, number>;
  atPeak?: Record<string, number>;
  peakRssMb?: number;
}

export async function shardMode(args: string[]): Promise<void> {
  const connections = Number(argValue(args, "--connections") ?? "100000");
  const subscriptions = Number(argValue(args, "--subscriptions") ?? "500");
  const workers = Number(argValue(args, "--workers") ?? "4");
  const shardSize = Number(argValue(args, "--shard-size") ?? "25");
  const latencyMs = Number(argValue(args, "--latency-ms") ?? "0");
  const reconcileArg = argValue(args, "--reconcile") ?? "yes";
  if (reconcileArg !== "yes" && reconcileArg !== "no") throw new Error(`--reconcile must be yes or no`);
  const reconcile = reconcileArg === "yes";
  const outDir = argValue(args, "--out") ?? path.join(os.tmpdir(), "linkgate-bench-results");
  const singleArg = argValue(args, "--single") ?? "yes";
  if (singleArg !== "yes" && singleArg !== "no") throw new Error(`--single must be yes or no`);
  const workerNodeArgs = (argValue(args, "--worker-node-args") ?? "").split(/\s+/).filter(Boolean);
  const memoryTrace = args.includes("--memory-trace");
  const workerEnv = Object.fromEntries(
    (argValue(args, "--worker-env") ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  for (const [name, v, min] of [
    ["--connections", connections, 100],
    ["--subscriptions", subscriptions, 1],
    ["--workers", workers, 1],
    ["--shard-size", shardSize, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms must be >= 0`);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`);
  const estate = buildEstate({ connections, subscriptions });
  const c = estate.counts;
  console.log(
    `estate: ${c.connections} connections, ${c.subscriptions} subscriptions, ${c.targets} targets (${c.privateLinkServices} PLS, ` +
      `${c.relayNamespaces} Relay), ${c.privateEndpoints} private endpoints, ${c.pending} Pending (${c.pendingApprovable} approvable), ` +
      `${latencyMs} ms latency`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-bench-shard-"));
  const policyFile = path.join(dir, "policy.yaml");
  fs.writeFileSync(policyFile, estate.policy);
  const base = {
    PATH: process.env["PATH"] ?? "",
    LINKGATE_SUBSCRIPTIONS: estate.subscriptions.join(","),
    LINKGATE_POLICY_FILE: policyFile,
  };
  try {
    // 1. Single process (skipped with --single no).
    const singleKinds = new Map<string, number>();
    let single: SweepChildResult | undefined;
    if (singleArg === "yes") {
      const emulator = await emulatorFor(estate, latencyMs, singleKinds);
      try {
        fs.writeFileSync(path.join(dir, "ca-single.pem"), emulator.caPem);
        const out = await run(
          path.join(__dirname, "sweepChild.js"),
          {
            ...base,
            LINKGATE_EMULATOR: emulator.url,
            LINKGATE_EMULATOR_CA: path.join(dir, "ca-single.pem"),
          },
          reconcile ? ["--reconcile"] : [],
        );
        single = JSON.parse(out.trim().split("\n").pop() ?? "{}") as NonNullable<typeof single>;
      } finally {
        await emulator.stop();
      }
      console.log(`single process (sweepChild, ${reconcile ? "with" : "without"} reconcile):`);
      printKinds(singleKinds);
      console.log(`  wall: ${(single.wallMs / 1000).toFixed(1)} s`);
      console.log(`  peak RSS: ${(single.maxRssKb / 1024).toFixed(0)} MB`);
      console.log(
        `  findings: ${single.findings.length} (digest ${digest(single.findings)}); decisions: ${single.decisions.length}, ` +
          `${single.decisions.filter((d) => d.includes(" written ")).length} written (digest ${digest(single.decisions)}); ` +
          `collection errors ${single.collectionErrors}, reconcile failures ${single.reconcileFailures}`,
      );
      for (const e of single.errors) console.log(`  error logged: ${e}`);
    } else {
      console.log("single process: skipped (--single no): no digest comparison");
    }

    // 2. Sharded.
    const shardKinds = new Map<string, number>();
    const tls = writeTlsIdentity(dir);
    const [table, queue] = await Promise.all([startAzurite(tls), startAzurite(tls, "queue")]);
    const emulator = await emulatorFor(estate, latencyMs, shardKinds);
    try {
      fs.writeFileSync(path.join(dir, "ca-shard.pem"), emulator.caPem);
      const queueEndpoint = /QueueEndpoint=[^;]+;/.exec(queue.connectionString)?.[0] ?? "";
      const env: NodeJS.ProcessEnv = {
        ...base,
        HOME: process.env["HOME"] ?? "",
        AzureWebJobsStorage: `${table.connectionString}${queueEndpoint}`,
        LINKGATE_TABLE_CA: tls.caFile,
        LINKGATE_SWEEP_SHARD_SIZE: String(shardSize),
        LINKGATE_SWEEP_RECONCILE: String(reconcile),
        LINKGATE_EMULATOR: emulator.url,
        LINKGATE_EMULATOR_CA: path.join(dir, "ca-shard.pem"),
        LINKGATE_WORKER_IDLE_EXIT_MS: "3000",
        ...(process.env["LINKGATE_WORKER_HEAP_SNAPSHOTS"]
          ? { LINKGATE_WORKER_HEAP_SNAPSHOTS: process.env["LINKGATE_WORKER_HEAP_SNAPSHOTS"] }
          : {}),
        ...workerEnv,
      };
      const deps = coordinatorDeps({ env, logger: silentLogger, trigger: "bench" });
      const t0 = Date.now();
      const plan = await startShardedSweep(deps, {
        subscriptions: estate.subscriptions,
        shardSize,
        sweepId: sweepIdAt(new Date(t0), deps.newSweepId()),
      });
      const outs = await Promise.all(
        Array.from({ length: workers }, () =>
          run(path.join(__dirname, "shardWorker.js"), env, [], workerNodeArgs),
        ),
      );
      if (memoryTrace) {
        // Whatever else the workers printed (e.g. --trace-gc lines from --worker-node-args), for reading.
        fs.mkdirSync(outDir, { recursive: true });
        outs.forEach((o, i) => fs.writeFileSync(path.join(outDir, `shard-worker-${i}.log`), o));
      }
      const lines = outs.flatMap((o) =>
        o
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as WorkerLine),
      );
      const messages = lines.filter((l) => l.kind === "message");
      const swept = messages.filter((l) => l.status === "swept");
      const wallMs = Math.max(...messages.map((l) => l.end ?? t0)) - t0;
      const findings = swept.flatMap((l) => l.findings ?? []).sort();
      const decisions = swept.flatMap((l) => l.decisions ?? []).sort();
      console.log(
        `sharded (${plan.shards.length} shards of <= ${shardSize} subscriptions, ${workers} worker processes):`,
      );
      printKinds(shardKinds);
      console.log(`  wall: ${(wallMs / 1000).toFixed(1)} s (first enqueue to last shard done)`);
      for (const e of lines.filter((l) => l.kind === "exit")) {
        const own = swept.filter((l) => l.pid === e.pid);
        console.log(
          `  worker ${e.pid}: peak RSS ${((e.maxRssKb ?? 0) / 1024).toFixed(0)} MB, ${own.length} shard(s), ` +
            `${(own.reduce((n, l) => n + ((l.end ?? 0) - (l.start ?? 0)), 0) / 1000).toFixed(1)} s sweeping`,
        );
        if (memoryTrace) {
          const started = lines.find((l) => l.kind === "start" && l.pid === e.pid);
          console.log(`    at start: ${JSON.stringify(started?.memory ?? {})}`);
          for (const l of messages.filter((m) => m.pid === e.pid))
            console.log(
              `    after ${l.shardId ?? l.status}: peak ${l.peakRssMb ?? "?"} MB, ${JSON.stringify(l.memory ?? {})}; ` +
                `at this shard's highest sampled RSS ${JSON.stringify(l.atPeak ?? {})}`,
            );
          console.log(`    at exit: ${JSON.stringify(e.memory ?? {})}`);
        }
      }
      for (const l of swept)
        for (const f of l.reconcileFailures ?? []) console.log(`  reconcile failure in ${l.shardId}: ${f}`);
      const failed = messages.filter((l) => l.status !== "swept");
      for (const f of failed) console.log(`  not swept: ${f.status} ${f.shardId ?? ""} ${f.error ?? ""}`);
      const findingsDigest = digest(findings);
      const decisionsDigest = digest(decisions);
      console.log(
        `  findings: ${findings.length} (digest ${findingsDigest}); decisions: ${decisions.length}, ` +
          `${decisions.filter((d) => d.includes(" written ")).length} written (digest ${decisionsDigest})`,
      );
      // Compared as lists (a digest is for reading), each hashed once.
      const same =
        single !== undefined &&
        findings.join("\n") === single.findings.join("\n") &&
        decisions.join("\n") === single.decisions.join("\n");
      if (single) console.log(`  same findings and decisions as the single process: ${same ? "yes" : "NO"}`);
      fs.mkdirSync(outDir, { recursive: true });
      const file = path.join(
        outDir,
        `shard-${connections}-${subscriptions}-${reconcile ? "reconcile" : "noreconcile"}.json`,
      );
      fs.writeFileSync(
        file,
        `${JSON.stringify({ single: single ? { findings: single.findings, decisions: single.decisions } : null, sharded: { findings, decisions } }, null, 1)}\n`,
      );
      console.log(`  findings and decisions of both written to ${file}`);
      if ((single && !same) || swept.length !== plan.shards.length) process.exitCode = 1;
    } finally {
      await Promise.all([emulator.stop(), table.stop(), queue.stop()]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
