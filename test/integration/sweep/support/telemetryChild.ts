/**
 * Runs one sweep with the real App Insights sink (createTelemetrySink from the environment) over in-memory
 * ports, then flushes and prints the result as JSON. Started by telemetry.test.ts with NODE_EXTRA_CA_CERTS.
 */
import { closeTelemetry, createTelemetrySink } from "../../../../src/adapters/telemetry/appInsights";
import type { Check } from "../../../../src/core/checks/types";
import { emptyInventory } from "../../../../src/core/inventory";
import type { Decision, DecisionFacts } from "../../../../src/core/model";
import { runSweep } from "../../../../src/core/sweep";
import type { Logger } from "../../../../src/ports";
import {
  CONSUMER_SUB,
  FakeArm,
  FakeTenants,
  PLS_ID,
  PROVIDER_SUB,
  endpointId,
} from "../../../unit/reconcile/fakes";
import { FixedCollector, MemoryStore } from "../../../unit/sweep/fakes";

const warnings: string[] = [];
const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

const lbBasic: Check = {
  id: "pls-lb-not-standard",
  severity: "error",
  title: "LB not Standard",
  description: "d",
  remediation: "Use a Standard load balancer",
  docUrl: "docs/checks/pls-lb-not-standard.md",
  run: (inv) =>
    inv.loadBalancers.map((lb) => ({
      resourceId: String(lb["id"]),
      message: `${String(lb["name"])} is Basic`,
    })),
};
const missed: Check = {
  id: "connection-missed-event",
  severity: "warning",
  title: "missed",
  description: "d",
  remediation: "r",
  docUrl: "docs/checks/connection-missed-event.md",
  run: (inv, ctx) =>
    inv.connections
      .filter(
        (c) =>
          c.status === "Pending" &&
          ctx.factsFor?.(c) &&
          ctx.evaluate?.(ctx.factsFor(c) as DecisionFacts).action !== "pending",
      )
      .map((c) => ({ resourceId: c.id, message: `${c.name} decidable` })),
};

async function main(): Promise<void> {
  const arm = new FakeArm();
  arm.addTarget(PLS_ID);
  const pending = arm.addConnection(PLS_ID, "c1", "Pending", { endpoint: endpointId("pe1") });
  const lb = (name: string) => ({
    id: `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/${name}`,
    name,
  });
  const inv = {
    ...emptyInventory("2026-11-24T10:00:00Z", 60),
    privateLinkServices: [{ id: PLS_ID, name: "pls1", type: "Microsoft.Network/privateLinkServices" }],
    loadBalancers: [lb("lb-old"), lb("lb-fixed")],
    connections: [pending],
  };
  const store = new MemoryStore();
  const telemetry = createTelemetrySink(process.env, {
    logger,
    flushTimeoutInMs: Number(process.env["CHILD_FLUSH_TIMEOUT_MS"] ?? "8000"),
  });
  const policy = {
    mode: "enforce" as const,
    source: "inline",
    decide: (f: DecisionFacts): Decision =>
      f.requester.subscriptionId === CONSUMER_SUB
        ? { action: "approve", ruleId: "consumers", message: "ok", reasons: ["matched"] }
        : { action: "pending", ruleId: "default", message: "", reasons: [] },
    describe: (d: Decision) => `linkgate ${d.ruleId}`,
  };
  const collector = new FixedCollector(inv);
  const deps = {
    collector,
    checks: [lbBasic, missed],
    store,
    telemetry,
    logger,
    clock: { now: () => new Date("2026-11-24T10:00:00Z") },
    tenants: new FakeTenants(),
    policy,
    approval: { reader: arm, writer: arm },
  };
  const settings = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
  const first = await runSweep(deps, { scope: { subscriptions: [PROVIDER_SUB] }, settings, trigger: "test" });
  // Sweeps are minutes apart in production, each flushed by its trigger; the SDK sums metric values
  // tracked within one export, so flush between the two sweeps as the timer would.
  await telemetry.flush();
  // lb-fixed is fixed before the second sweep: one "resolved" transition.
  collector.inventory = { ...inv, loadBalancers: [lb("lb-old")], connections: [] };
  const second = await runSweep(
    { ...deps, clock: { now: () => new Date("2026-11-24T10:15:00Z") } },
    { scope: { subscriptions: [PROVIDER_SUB] }, settings, trigger: "test" },
  );
  await closeTelemetry(telemetry);
  // Exit like bin/linkgate.js does: the SDK keeps retry timers alive after a failed export.
  process.stdout.write(
    JSON.stringify({
      first: first.summary,
      second: second.summary,
      puts: arm.puts,
      decisions: first.decisions.map((d) => [d.action, d.written]),
      warnings,
    }),
    () => process.exit(0),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`child failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(3);
});
