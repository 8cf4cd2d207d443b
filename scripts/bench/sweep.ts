/**
 * `npm run bench -- sweep [--connections N] [--latency-ms M] [--reconcile both|yes|no]`: the generated estate
 * (estate.ts) served by the emulator with M ms of latency on every request, swept by a child process
 * (sweepChild.ts) through the real adapters. Prints requests by kind, wall time and the child's peak RSS,
 * and writes the findings and decisions to a file so two runs (before/after a change) can be compared.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type ServedExchange } from "../../src/emulator";
import { buildEstate } from "./estate";
import { argValue, digest, requestKind, type SweepChildResult as ChildResult } from "./util";

export async function runSweepOnce(
  connections: number,
  latencyMs: number,
  reconcile: boolean,
  outDir: string,
): Promise<void> {
  const estate = buildEstate({ connections });
  const byKind = new Map<string, number>();
  const emulator = await startEmulator({
    seed: estate.seed,
    lroRetryAfterSeconds: 0,
    faults: latencyMs > 0 ? [{ id: "bench-latency", latencyMs }] : [],
    onExchange: (e: ServedExchange) => {
      const k = requestKind(e);
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-bench-"));
  try {
    const caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, emulator.caPem);
    const policyFile = path.join(dir, "policy.yaml");
    fs.writeFileSync(policyFile, estate.policy);
    const child = spawn(
      process.execPath,
      [path.join(__dirname, "sweepChild.js"), ...(reconcile ? ["--reconcile"] : [])],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          LINKGATE_EMULATOR: emulator.url,
          LINKGATE_EMULATOR_CA: caFile,
          LINKGATE_SUBSCRIPTIONS: estate.subscriptions.join(","),
          LINKGATE_POLICY_FILE: policyFile,
          ...(process.env["LINKGATE_MAX_CONCURRENCY"]
            ? { LINKGATE_MAX_CONCURRENCY: process.env["LINKGATE_MAX_CONCURRENCY"] }
            : {}),
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString("utf8")));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    if (code !== 0) throw new Error(`sweep child exited ${code}`);
    const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as ChildResult;
    const total = [...byKind.values()].reduce((a, b) => a + b, 0);
    const c = estate.counts;
    console.log(
      `sweep ${reconcile ? "with" : "without"} reconcile: ${c.connections} connections, ${c.subscriptions} subscriptions, ` +
        `${c.targets} targets (${c.privateLinkServices} PLS, ${c.relayNamespaces} Relay), ${c.privateEndpoints} private endpoints, ` +
        `${c.pending} Pending (${c.pendingApprovable} approvable), ${latencyMs} ms latency`,
    );
    console.log(`  requests: ${total}`);
    for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1]))
      console.log(`    ${String(n).padStart(6)}  ${k}`);
    console.log(`  wall: ${(r.wallMs / 1000).toFixed(1)} s`);
    console.log(`  peak RSS (sweep process): ${(r.maxRssKb / 1024).toFixed(0)} MB`);
    const written = r.decisions.filter((d) => d.includes(" written ")).length;
    console.log(
      `  findings: ${r.findings.length} (digest ${digest(r.findings)}); decisions: ${r.decisions.length}, ${written} written ` +
        `(digest ${digest(r.decisions)}); collection errors ${r.collectionErrors}, reconcile failures ${r.reconcileFailures}`,
    );
    for (const e of r.errors) console.log(`  error logged: ${e}`);
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `sweep-${connections}-${reconcile ? "reconcile" : "noreconcile"}.json`);
    fs.writeFileSync(file, `${JSON.stringify({ findings: r.findings, decisions: r.decisions }, null, 1)}\n`);
    console.log(`  findings and decisions written to ${file}`);
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function sweepMode(args: string[]): Promise<void> {
  const connections = Number(argValue(args, "--connections") ?? "10000");
  const latencyMs = Number(argValue(args, "--latency-ms") ?? "50");
  const which = argValue(args, "--reconcile") ?? "both";
  const outDir = argValue(args, "--out") ?? path.join(os.tmpdir(), "linkgate-bench-results");
  if (!Number.isInteger(connections) || connections < 100)
    throw new Error(`--connections must be an integer >= 100, got ${connections}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms must be >= 0`);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`);
  if (which === "both" || which === "no") await runSweepOnce(connections, latencyMs, false, outDir);
  if (which === "both" || which === "yes") await runSweepOnce(connections, latencyMs, true, outDir);
}
