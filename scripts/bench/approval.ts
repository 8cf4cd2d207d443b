/**
 * `npm run bench -- approval [--connections N]`: the Event Grid path over the emulator, in process: N Pending
 * connections on Private Link Services and Relay namespaces (the generated estate), one event each, then
 * every event delivered again. Prints ARM requests per decided connection (tenant cache warm after the first)
 * and connection writes caused by the duplicate deliveries (goal 0).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { approvalDeps, loadPolicyRuntime } from "../../src/adapters/compose";
import { createArmContext, StaticTokenCredential } from "../../src/adapters/arm/context";
import { handleEventInput } from "../../src/core/events/handle";
import { startEmulator } from "../../src/emulator";
import { nullTelemetry, silentLogger } from "../../src/ports";
import { buildEstate } from "./estate";
import { argValue, requestKind } from "./util";

export async function approvalMode(args: string[]): Promise<void> {
  const n = Number(argValue(args, "--connections") ?? "1000");
  const estate = buildEstate({ connections: n });
  const byKind = new Map<string, number>();
  let phase = "first";
  const emulator = await startEmulator({
    seed: estate.seed,
    lroRetryAfterSeconds: 0,
    onExchange: (e) => {
      const k = `${phase}: ${requestKind(e)}`;
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-approval-"));
  try {
    const policyFile = path.join(dir, "policy.yaml");
    fs.writeFileSync(policyFile, estate.policy);
    const policy = await loadPolicyRuntime(policyFile, silentLogger);
    const arm = createArmContext({
      endpoint: emulator.url,
      extraCaPem: emulator.caPem,
      credential: new StaticTokenCredential(),
      emulator: true,
    });
    const deps = approvalDeps({
      env: { LINKGATE_SUBSCRIPTIONS: estate.subscriptions.join(",") },
      logger: silentLogger,
      policy: policy.runtime,
      telemetry: nullTelemetry,
      arm,
    });
    const eventFor = (id: string, i: number) => {
      const parts = id.split("/");
      const at = parts.findIndex((p) => p.toLowerCase() === "providers");
      const type = `${parts[at + 1]}/${parts[at + 2]}`;
      return {
        id: `bench-${i}`,
        topic: `/subscriptions/${parts[2]}`,
        subject: id,
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        eventTime: new Date().toISOString(),
        dataVersion: "2",
        metadataVersion: "1",
        data: {
          resourceUri: id,
          operationName: `${type}/privateEndpointConnections/write`,
          status: "Succeeded",
          subscriptionId: parts[2],
          resourceProvider: parts[at + 1],
        },
      };
    };
    // Warm the tenant cache once (one unauthenticated GET per requester subscription), then count.
    let decided = 0;
    let written = 0;
    const t0 = Date.now();
    for (const [i, id] of estate.approvable.entries()) {
      const r = await handleEventInput([eventFor(id, i)], deps);
      decided += r.decisions.length;
      written += r.decisions.filter((d) => d.written).length;
    }
    const firstMs = Date.now() - t0;
    phase = "duplicate";
    let dupWritten = 0;
    for (const [i, id] of estate.approvable.entries()) {
      const r = await handleEventInput([eventFor(id, i)], deps);
      dupWritten += r.decisions.filter((d) => d.written).length;
    }
    const count = (p: string, f: (k: string) => boolean = () => true) =>
      [...byKind].filter(([k]) => k.startsWith(`${p}:`) && f(k)).reduce((a, [, v]) => a + v, 0);
    const tenantGets = count("first", (k) => k.endsWith("GET subscription"));
    console.log(`machine: ${os.cpus().length} cores, node ${process.version}`);
    console.log(
      `approval: ${estate.approvable.length} events naming Pending connections the policy approves`,
    );
    for (const [k, v] of [...byKind].sort()) console.log(`    ${String(v).padStart(6)}  ${k}`);
    console.log(`  decided ${decided}, written ${written} in ${firstMs} ms`);
    console.log(
      `  ARM requests per decided connection (tenant cached): ${((count("first") - tenantGets) / Math.max(1, decided)).toFixed(2)} (goal <= 2; ${tenantGets} tenant look-ups for the requester subscriptions)`,
    );
    console.log(
      `  writes on duplicate events: ${dupWritten} (goal 0); requests on duplicates: ${count("duplicate")}`,
    );
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
