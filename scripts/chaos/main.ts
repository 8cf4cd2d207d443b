/**
 * `npm run chaos`: the chaos benchmark of issue 8. Drives the real Event Grid function (in separate worker
 * processes) and the real CLI sweep against the ARM emulator, with Azurite Table as the app's storage, and
 * prints one table; exits 1 when a must-be-zero column is not zero. See docs/chaos.md.
 *
 *   node dist/scripts/chaos/main.js [--events 1000] [--deliveries 3] [--workers 8] [--per-worker 2]
 *     [--fault-rate 0.3] [--fuzz 10000] [--tenant-events 30] [--telemetry-events 200] [--seed 1]
 *     [--scenarios 1,2,3,4,5] [--max-attempts 10] [--fault-max-attempts 2] [--missed-share 0.3] [--retry-base-ms 100] [--delivery-timeout-ms 30000]
 *     [--json FILE]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startAzurite, writeTlsIdentity, type Azurite, type TlsIdentity } from "./infra";
import {
  concurrencyScenarios,
  fuzzScenario,
  telemetryScenario,
  tenantScenario,
  type ChaosOptions,
  type Context,
  type ScenarioResult,
} from "./scenarios";
import { failures, formatTable, type Row } from "./score";

export const DEFAULTS: Omit<ChaosOptions, "log" | "scenarios"> & { scenarios: string } = {
  events: 1000,
  deliveriesPerEvent: 3,
  workers: 8,
  perWorker: 2,
  faultRate: 0.3,
  fuzz: 10_000,
  tenantEvents: 30,
  telemetryEvents: 200,
  seed: 1,
  maxAttempts: 10,
  faultMaxAttempts: 2,
  missedShare: 0.3,
  retryBaseMs: 100,
  deliveryTimeoutMs: 30_000,
  scenarios: "1,2,3,4,5",
};

const FLAGS: Record<string, keyof typeof DEFAULTS> = {
  "--events": "events",
  "--deliveries": "deliveriesPerEvent",
  "--workers": "workers",
  "--per-worker": "perWorker",
  "--fault-rate": "faultRate",
  "--fuzz": "fuzz",
  "--tenant-events": "tenantEvents",
  "--telemetry-events": "telemetryEvents",
  "--seed": "seed",
  "--max-attempts": "maxAttempts",
  "--fault-max-attempts": "faultMaxAttempts",
  "--missed-share": "missedShare",
  "--retry-base-ms": "retryBaseMs",
  "--delivery-timeout-ms": "deliveryTimeoutMs",
  "--scenarios": "scenarios",
};

export class UsageError extends Error {}

export function parseArgs(argv: string[]): { options: Omit<ChaosOptions, "log">; json?: string } {
  const values: Record<string, number | string> = { ...DEFAULTS };
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    const value = argv[i + 1];
    if (flag === "--json") {
      if (value === undefined) throw new UsageError("--json needs a file name");
      json = value;
      i++;
      continue;
    }
    const key = FLAGS[flag];
    if (!key)
      throw new UsageError(
        `unknown option "${flag}" (known: ${[...Object.keys(FLAGS), "--json"].join(", ")})`,
      );
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (key === "scenarios") values[key] = value;
    else {
      const n = Number(value);
      const ok = key === "faultRate" ? n >= 0 && n < 1 : Number.isInteger(n) && n >= (key === "fuzz" ? 0 : 1);
      if (!ok)
        throw new UsageError(
          `${flag} "${value}" is not a valid ${key === "faultRate" ? "rate in [0, 1)" : "count"}`,
        );
      values[key] = n;
    }
    i++;
  }
  const scenarios = new Set(
    String(values["scenarios"])
      .split(",")
      .map((s) => Number(s.trim())),
  );
  for (const s of scenarios)
    if (![1, 2, 3, 4, 5].includes(s)) throw new UsageError(`--scenarios: "${s}" is not 1-5`);
  const { scenarios: _ignored, ...numbers } = values as typeof DEFAULTS;
  void _ignored;
  return { options: { ...numbers, scenarios }, json };
}

export interface ChaosReport {
  rows: Row[];
  details: string[];
  table: string;
  failed: number;
  wallMs: number;
  peakRssMb: { coordinator: number; workerMax: number; azurite?: number };
}

function vmHwmMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** An Azurite Table already running (the test suite's), with the TLS identity it serves. */
export interface ExistingStorage {
  tlsDir: string;
  connectionString: string;
}

export async function runChaos(options: ChaosOptions, storage?: ExistingStorage): Promise<ChaosReport> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-chaos-"));
  const tls: TlsIdentity = storage
    ? {
        dir,
        caFile: path.join(storage.tlsDir, "ca.pem"),
        certFile: path.join(storage.tlsDir, "cert.pem"),
        keyFile: path.join(storage.tlsDir, "key.pem"),
      }
    : writeTlsIdentity(dir);
  const azurite: Azurite = storage
    ? { connectionString: storage.connectionString, pid: 0, stop: async () => {} }
    : await startAzurite(tls);
  const ctx: Context = { dir, tls, azurite, options };
  // Interrupted: stop Azurite (workers exit on their own when the IPC channel closes).
  const onSignal = (): void => {
    void azurite.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const results: ScenarioResult[] = [];
  let azuriteMb: number | undefined;
  try {
    if (options.scenarios.has(1) || options.scenarios.has(2)) {
      options.log("chaos: scenarios 1-2 (concurrent duplicates, ARM faults + sweeps)");
      results.push(await concurrencyScenarios(ctx));
    }
    if (options.scenarios.has(3)) {
      options.log("chaos: scenario 3 (fuzzed events)");
      results.push(await fuzzScenario(ctx));
    }
    if (options.scenarios.has(4)) {
      options.log("chaos: scenario 4 (tenant discovery failures)");
      results.push(await tenantScenario(ctx));
    }
    if (options.scenarios.has(5)) {
      options.log("chaos: scenario 5 (telemetry endpoint down)");
      results.push(await telemetryScenario(ctx));
    }
    if (azurite.pid) azuriteMb = vmHwmMb(azurite.pid);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rows = results.flatMap((r) => r.rows);
  const workerRss = results.flatMap((r) => r.workerMaxRssKb);
  return {
    rows,
    details: results.flatMap((r) => r.details),
    table: formatTable(rows),
    failed: rows.reduce((n, r) => n + failures(r), 0),
    wallMs: Date.now() - started,
    peakRssMb: {
      coordinator: Math.round(process.resourceUsage().maxRSS / 1024),
      workerMax: Math.round(Math.max(0, ...workerRss) / 1024),
      azurite: azuriteMb,
    },
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`chaos: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const o = parsed.options;
  const report = await runChaos({ ...o, log: (line) => process.stderr.write(`${line}\n`) });
  const out = process.stdout;
  out.write(
    `linkgate chaos: ${os.cpus().length} cores, node ${process.version}; ${o.events} events x ${o.deliveriesPerEvent} deliveries, ` +
      `${o.workers} worker processes x ${o.perWorker} concurrent invocations, fault rate ${o.faultRate}, seed ${o.seed}\n\n`,
  );
  out.write(`${report.table}\n\n`);
  for (const d of report.details) out.write(`- ${d}\n`);
  out.write(
    `\ntotal wall time ${(report.wallMs / 1000).toFixed(1)} s; peak RSS: coordinator ${report.peakRssMb.coordinator} MB, ` +
      `largest worker ${report.peakRssMb.workerMax} MB (x ${o.workers}), Azurite ${report.peakRssMb.azurite ?? "?"} MB\n`,
  );
  if (parsed.json) fs.writeFileSync(parsed.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`chaos: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
