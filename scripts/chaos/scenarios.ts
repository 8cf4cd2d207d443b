/**
 * The five chaos scenarios of issue 8. Each one seeds a fresh emulator, drives the real Event Grid function
 * in separate worker processes (and, in scenario 2, the real CLI sweep), then scores the final ARM state
 * against a reference decided sequentially in one process without faults.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { approvalRuntimeFromEnv } from "../../src/adapters/compose";
import { handleEventInput } from "../../src/core/events/handle";
import { startEmulator, type RunningEmulator } from "../../src/emulator";
import { logConnectionWrites } from "../../src/emulator/writeLog";
import type { FaultRule } from "../../src/emulator/faults";
import { nullTelemetry, silentLogger } from "../../src/ports";
import {
  CORP_SUB,
  DENIED_SUBS_BY_FAILURE,
  PROVIDER_SUB,
  RELAY_TYPE,
  SB_TYPE,
  buildEstate,
  chaosPolicy,
  connectionEvent,
  denyThenApprovePolicy,
  estateForEvents,
  seededRandom,
  shuffle,
  subscriptionDocs,
  type Estate,
} from "./estate";
import type { Azurite, Ingestion, IngestionMode, TlsIdentity } from "./infra";
import { startIngestion } from "./infra";
import { childEntry, percentile, WorkerPool, type Delivery, type PoolStats } from "./pool";
import {
  capOverruns,
  compareWithReference,
  doubleWrites,
  unaudited,
  type AuditRecord,
  type ConnectionSnapshot,
  type Row,
} from "./score";

export interface ChaosOptions {
  events: number;
  deliveriesPerEvent: number;
  workers: number;
  perWorker: number;
  faultRate: number;
  fuzz: number;
  tenantEvents: number;
  telemetryEvents: number;
  seed: number;
  maxAttempts: number;
  /** Delivery attempts per event in scenario 2 (under faults) before it is dead-lettered. */
  faultMaxAttempts: number;
  /** Share of targets (0..1) whose events scenario 2 never delivers: missed events only a sweep can decide. */
  missedShare: number;
  retryBaseMs: number;
  deliveryTimeoutMs: number;
  scenarios: Set<number>;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface Context {
  dir: string;
  tls: TlsIdentity;
  azurite: Azurite;
  options: ChaosOptions;
}

export interface ScenarioResult {
  rows: Row[];
  details: string[];
  workerMaxRssKb: number[];
}

type Doc = Record<string, unknown>;

function stateOf(doc: Doc | undefined): { status: string; description?: string } {
  const props = (doc?.["properties"] ?? {}) as Doc;
  const s = (props["privateLinkServiceConnectionState"] ?? {}) as Doc;
  return {
    status: typeof s["status"] === "string" ? s["status"] : doc ? "Pending" : "Missing",
    description: typeof s["description"] === "string" ? s["description"] : undefined,
  };
}

/** Every connection of the estate's targets as the emulator holds it now. */
function snapshot(emu: RunningEmulator, estate: Estate): ConnectionSnapshot[] {
  const out: ConnectionSnapshot[] = [];
  for (const t of estate.targets) {
    const seeded = ((t.doc["properties"] as Doc)["privateEndpointConnections"] ?? []) as Doc[];
    for (const c of seeded) {
      const id = String(c["id"]);
      const initial = stateOf(c);
      const endpoint = String(((c["properties"] as Doc)["privateEndpoint"] as Doc)["id"]);
      const sub = endpoint.split("/")[2] ?? "";
      out.push({
        id,
        targetId: t.id,
        ...stateOf(emu.state.get(id)),
        requesterKey: `${initial.status}|${sub}|${initial.description ?? ""}`,
      });
    }
  }
  return out;
}

function targetOfConnection(connectionId: string): string {
  return connectionId.slice(0, connectionId.toLowerCase().lastIndexOf("/privateendpointconnections/"));
}

const wasPending = (c: ConnectionSnapshot) => c.requesterKey.startsWith("Pending|");

function baseEnv(ctx: Context, emu: RunningEmulator, caFile: string, policyFile: string): NodeJS.ProcessEnv {
  // LINKGATE_* set by whoever runs the benchmark pass through (e.g. a lock setting under test); ours win.
  const passthrough: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("LINKGATE_")) passthrough[k] = v;
  return {
    ...passthrough,
    PATH: process.env["PATH"],
    HOME: process.env["HOME"],
    TMPDIR: ctx.dir,
    LINKGATE_EMULATOR: emu.url,
    LINKGATE_EMULATOR_CA: caFile,
    LINKGATE_POLICY_FILE: policyFile,
    LINKGATE_SUBSCRIPTIONS: PROVIDER_SUB,
    AzureWebJobsStorage: ctx.azurite.connectionString,
    LINKGATE_TABLE_CA: ctx.tls.caFile,
  };
}

let emulatorCount = 0;

async function seededEmulator(ctx: Context, docs: Doc[]): Promise<{ emu: RunningEmulator; caFile: string }> {
  const caFile = path.join(ctx.dir, `emulator-${++emulatorCount}-ca.pem`);
  const emu = await startEmulator({ port: 0, caFile, seed: docs });
  return { emu, caFile };
}

function writePolicy(ctx: Context, name: string, text: string): string {
  const file = path.join(ctx.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * The reference: one process, no faults, through handleEventInput. Handling is level-based (an event only
 * names a target to reconcile), so after a target has been reconciled without faults another event for it
 * changes nothing; the reference therefore handles, in event order, the first event naming each target. (If
 * the handler were not idempotent, the concurrent run would show it as double writes.)
 */
async function referenceRun(
  ctx: Context,
  estate: Estate,
  events: unknown[],
  targetOf: (i: number) => string,
  policyFile: string,
) {
  const { emu, caFile } = await seededEmulator(ctx, estate.docs);
  try {
    // One process: the storage lease adds nothing but time, so the reference takes the machine-local lock.
    const { AzureWebJobsStorage: _storage, ...env } = baseEnv(ctx, emu, caFile, policyFile);
    void _storage;
    const deps = await approvalRuntimeFromEnv({ env, logger: silentLogger, telemetry: nullTelemetry });
    const seen = new Set<string>();
    for (const [i, event] of events.entries()) {
      const target = targetOf(i).toLowerCase();
      if (seen.has(target)) continue;
      seen.add(target);
      let lastError: unknown;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await handleEventInput(event, deps);
          lastError = undefined;
          break;
        } catch (e) {
          lastError = e;
        }
      }
      if (lastError) ctx.options.log(`reference: an event kept failing: ${String(lastError)}`);
    }
    return snapshot(emu, estate);
  } finally {
    await emu.stop();
  }
}

function auditRecords(ingestion: Ingestion): AuditRecord[] {
  return ingestion.envelopes
    .filter((e) => e.data?.baseData?.name === "LinkGate.Decision")
    .map((e) => ({
      connectionId: e.data?.baseData?.properties?.["connectionId"] ?? "",
      action: e.data?.baseData?.properties?.["action"] ?? "",
    }));
}

function poolFor(ctx: Context, env: NodeJS.ProcessEnv, workers = ctx.options.workers): WorkerPool {
  const o = ctx.options;
  return new WorkerPool({
    workers,
    perWorker: o.perWorker,
    env,
    maxAttempts: o.maxAttempts,
    retryBaseMs: o.retryBaseMs,
    deliveryTimeoutMs: o.deliveryTimeoutMs,
    progress: o.log,
  });
}

function repeated(events: unknown[], times: number, random: () => number): Delivery[] {
  const out: Delivery[] = [];
  events.forEach((event, eventKey) => {
    for (let i = 0; i < times; i++) out.push({ eventKey, event });
  });
  return shuffle(out, random);
}

function latencyDetail(name: string, stats: PoolStats): string {
  return (
    `${name}: ${stats.attempts} attempts for ${stats.deliveries} deliveries, ${stats.transientFailures} transient failures ` +
    `(redelivered), ${stats.timeouts} over the delivery timeout, ${stats.deadLettered} dead-lettered; ` +
    `p50 ${Math.round(percentile(stats.latencies, 50))} ms, p99 ${Math.round(percentile(stats.latencies, 99))} ms, ` +
    `max ${Math.round(percentile(stats.latencies, 100))} ms per attempt` +
    (stats.failureSamples.length ? `; e.g. ${stats.failureSamples.slice(0, 2).join(" | ")}` : "") +
    (stats.crashSamples.length ? `; crashes e.g. ${stats.crashSamples.slice(0, 2).join(" | ")}` : "")
  );
}

/** A seeded share of the estate's targets (by normalized ID), at least one when the share is above 0. */
function missedTargets(estate: Estate, share: number, random: () => number): Set<string> {
  const ids = [...new Set(estate.pending.map((c) => targetOfConnection(c)))];
  const want = share > 0 ? Math.max(1, Math.round(ids.length * Math.min(share, 1))) : 0;
  const picked = new Set<string>();
  while (picked.size < want) picked.add(ids[Math.floor(random() * ids.length)] ?? "");
  return picked;
}

/** Runs `linkgate sweep` (the CLI's sweep path, reconcile on) in a child process. */
function runSweep(
  env: NodeJS.ProcessEnv,
  policyFile: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const entry = childEntry("sweepChild");
  // --reconcile: a sweep decides and writes Pending connections only when asked to (the timer always is).
  const child = fork(entry.file, ["sweep", "--policy", policyFile, "--output", "json", "--reconcile"], {
    env,
    execArgv: entry.execArgv,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

/** Scenarios 1 and 2: duplicated, shuffled connection events over concurrent workers, without and with faults. */
export async function concurrencyScenarios(ctx: Context): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = { rows: [], details: [], workerMaxRssKb: [] };
  const estate = estateForEvents(o.events);
  const events = estate.pending.slice(0, o.events).map((id, n) => connectionEvent(id, n));
  const policyFile = writePolicy(ctx, "chaos-policy.yaml", chaosPolicy());
  const started = Date.now();
  o.log(`  reference run: ${events.length} events, sequential`);
  const reference = await referenceRun(
    ctx,
    estate,
    events,
    (i) => targetOfConnection(estate.pending[i] ?? ""),
    policyFile,
  );
  const refPending = reference.filter(wasPending);
  result.details.push(
    `reference (sequential, one process, no faults, the first event of each target): ${events.length} events over ${estate.targets.length} targets ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s; ${refPending.filter((c) => c.status !== "Pending").length} ` +
      `of ${refPending.length} Pending connections decided`,
  );

  for (const scenario of [1, 2]) {
    if (!o.scenarios.has(scenario)) continue;
    const faulty = scenario === 2;
    const t0 = Date.now();
    const { emu, caFile } = await seededEmulator(ctx, estate.docs);
    const writes = logConnectionWrites(emu.state);
    const ingestion = await startIngestion(ctx.tls, "accept");
    const env = {
      ...baseEnv(ctx, emu, caFile, policyFile),
      APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
      NODE_EXTRA_CA_CERTS: ctx.tls.caFile,
    };
    // Under faults, deliveries run out of attempts sooner, so that some events are lost for good (as events
    // can be, DESIGN.md) and the sweep has to be the authority that decides what they missed.
    const pool = faulty
      ? new WorkerPool({
          workers: o.workers,
          perWorker: o.perWorker,
          env,
          maxAttempts: o.faultMaxAttempts,
          retryBaseMs: o.retryBaseMs,
          deliveryTimeoutMs: o.deliveryTimeoutMs,
          progress: o.log,
        })
      : poolFor(ctx, env);
    try {
      if (faulty) for (const rule of faultRules(o.faultRate)) emu.faults.add(rule);
      // Under faults, the events of a share of the targets are never delivered at all (as Azure may never
      // emit them for a consumer's request, DESIGN.md): only the sweeps can decide those connections.
      const missed = faulty
        ? missedTargets(estate, o.missedShare, seededRandom(o.seed + 7))
        : new Set<string>();
      const sent = events.filter((_, i) => !missed.has(targetOfConnection(estate.pending[i] ?? "")));
      if (faulty) {
        result.details.push(
          `scenario 2: events of ${missed.size} of ${estate.targets.length} targets never delivered ` +
            `(${events.length - sent.length} events); the sweeps must decide them`,
        );
      }
      const deliveries = repeated(sent, o.deliveriesPerEvent, seededRandom(o.seed + scenario));
      const stats = await pool.deliver(deliveries);
      const injected = emu.faults.list().reduce((n, r) => n + r.hits, 0);
      emu.faults.clear();
      const name = faulty
        ? `2 ${Math.round(o.faultRate * 100)}% ARM faults + 2 sweeps`
        : "1 concurrent duplicates";
      result.details.push(latencyDetail(`scenario ${name}`, stats));
      let run = snapshot(emu, estate);
      if (faulty) {
        const served = emu.requestCount();
        result.details.push(
          `scenario 2: ${injected} ARM requests failed by injection, ${served} served; after the deliveries ` +
            `${compareWithReference(run.filter(wasPending), refPending).lost} decisions outstanding`,
        );
        for (let sweep = 1; sweep <= 2; sweep++) {
          const s = await runSweep({ ...env, LINKGATE_CHECKS: "connection-missed-event" }, policyFile);
          run = snapshot(emu, estate);
          const outstanding = compareWithReference(run.filter(wasPending), refPending).lost;
          result.details.push(
            `scenario 2: sweep ${sweep} exited ${s.code}; ${outstanding} decisions outstanding after it` +
              (s.code !== 0 && s.code !== 1 ? `; stderr: ${s.err.slice(-300)}` : ""),
          );
        }
      }
      // Telemetry from the last invocations may still be in flight.
      await new Promise((r) => setTimeout(r, 500));
      const cmp = compareWithReference(run.filter(wasPending), refPending);
      const missingAudit = unaudited(run.filter(wasPending), auditRecords(ingestion));
      result.details.push(
        `scenario ${scenario}: ${cmp.wrongApprovals} wrong approvals, ${cmp.lost} decisions lost, ` +
          `${missingAudit} decisions without a LinkGate.Decision record, ${writes.writes.length} connection writes`,
      );
      result.rows.push({
        scenario: name,
        events: events.length,
        workers: o.workers,
        decisions: cmp.decided,
        wrong: cmp.wrong,
        overruns: capOverruns(run, estate.targets),
        doubleWrites: doubleWrites(writes.writes),
        lost: cmp.lost + missingAudit,
        crashes: stats.crashedEvents.size,
        wallMs: Date.now() - t0,
        p50Ms: percentile(stats.latencies, 50),
        p99Ms: percentile(stats.latencies, 99),
      });
    } finally {
      await pool.stop();
      result.workerMaxRssKb.push(...pool.maxRssKb);
      writes.detach();
      await ingestion.close();
      await emu.stop();
    }
  }
  return result;
}

/** 30% of ARM requests failing: a third each 429 with Retry-After, 503, and a dropped connection. */
export function faultRules(rate: number): FaultRule[] {
  const each = rate / 3;
  // Rules are tried in order; each draws on what the earlier ones let through.
  return [
    { id: "chaos-429", probability: each, status: 429, retryAfterSeconds: 1 },
    { id: "chaos-503", probability: each / (1 - each), status: 503 },
    { id: "chaos-drop", probability: each / (1 - 2 * each), drop: true },
  ];
}

/** Scenario 3: fuzzed deliveries against a settled estate: nothing may be written, nothing may crash. */
export async function fuzzScenario(ctx: Context): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = { rows: [], details: [], workerMaxRssKb: [] };
  const estate = buildEstate(1);
  const policyFile = writePolicy(ctx, "chaos-policy.yaml", chaosPolicy());
  const t0 = Date.now();
  const { emu, caFile } = await seededEmulator(ctx, estate.docs);
  const env = baseEnv(ctx, emu, caFile, policyFile);
  // Settle first: whatever the policy decides is decided, so any write during the fuzz is one too many.
  const deps = await approvalRuntimeFromEnv({ env, logger: silentLogger, telemetry: nullTelemetry });
  for (const t of estate.targets) {
    await handleEventInput(
      { ...(connectionEvent(`${t.id}/privateEndpointConnections/req-0`, 0) as Doc) },
      deps,
    );
  }
  const writes = logConnectionWrites(emu.state);
  const servedBefore = emu.requestCount();
  const pool = poolFor(ctx, { ...env, LINKGATE_CHAOS_MEASURE_LOGS: "1" });
  try {
    const deliveries: Delivery[] = Array.from({ length: o.fuzz }, (_, index) => ({
      eventKey: index,
      fuzz: { seed: o.seed, index },
    }));
    const stats = await pool.deliver(deliveries);
    const served = emu.requestCount() - servedBefore;
    result.details.push(latencyDetail("scenario 3 fuzz", stats));
    result.details.push(
      `scenario 3: ${served} ARM requests for ${o.fuzz} fuzzed deliveries; longest log line ${stats.maxLogLine} characters; ` +
        `${writes.writes.length} connection writes`,
    );
    result.rows.push({
      scenario: "3 fuzzed events",
      events: o.fuzz,
      workers: o.workers,
      decisions: stats.written,
      // Every write caused by hostile input is a wrong decision.
      wrong: writes.writes.length,
      overruns: capOverruns(snapshot(emu, estate), estate.targets),
      doubleWrites: doubleWrites(writes.writes),
      lost: 0,
      crashes: stats.crashedEvents.size,
      wallMs: Date.now() - t0,
      p50Ms: percentile(stats.latencies, 50),
      p99Ms: percentile(stats.latencies, 99),
    });
  } finally {
    await pool.stop();
    result.workerMaxRssKb.push(...pool.maxRssKb);
    writes.detach();
    await emu.stop();
  }
  return result;
}

/**
 * Scenario 4's estate: on a Relay namespace and a Service Bus namespace, Pending connections from each
 * failure mode's subscription of the denied tenant, plus a few from the corp subscription (no rule: pending).
 */
function tenantEstate(perFailure: number): Estate {
  const requesters = [
    ...Object.values(DENIED_SUBS_BY_FAILURE).flatMap((sub) => Array.from({ length: perFailure }, () => sub)),
    CORP_SUB,
    CORP_SUB,
  ];
  const targets = [RELAY_TYPE, SB_TYPE].map((type) => {
    const id = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-paas/providers/${type}/tenant-${type.split("/")[0]?.toLowerCase() ?? "x"}`;
    const connections = requesters.map((sub, i) => ({
      id: `${id}/privateEndpointConnections/req-${i}`,
      name: `req-${i}`,
      type: `${type}/privateEndpointConnections`,
      properties: {
        privateEndpoint: {
          id: `/subscriptions/${sub}/resourceGroups/rg-x/providers/Microsoft.Network/privateEndpoints/pe-${i}`,
        },
        privateLinkServiceConnectionState: { status: "Pending", description: "CHG0000001" },
        provisioningState: "Succeeded",
      },
    }));
    const doc: Doc = {
      id,
      name: id.split("/").pop(),
      type,
      location: "westeurope",
      properties: { provisioningState: "Succeeded", privateEndpointConnections: connections },
    };
    return { id, type, doc, pending: connections.map((c) => c.id) };
  });
  const pending = targets.flatMap((t) => t.pending);
  return { docs: [...subscriptionDocs(), ...targets.map((t) => t.doc)], targets, pending };
}

const DISCOVERY_FAILURES: { name: string; sub: string; rule: FaultRule }[] = [
  { name: "403", sub: DENIED_SUBS_BY_FAILURE["403"], rule: { status: 403, code: "AuthorizationFailed" } },
  { name: "404", sub: DENIED_SUBS_BY_FAILURE["404"], rule: { status: 404, code: "SubscriptionNotFound" } },
  {
    name: "401 without WWW-Authenticate",
    sub: DENIED_SUBS_BY_FAILURE["401"],
    rule: { status: 401, code: "AuthenticationFailed" },
  },
];

/**
 * Scenario 4: "reject tenant X, then approve subscription S" while S's tenant cannot be learned, each way at
 * once on its own subscription of X. Nothing may be approved; once discovery works again, the same workers
 * (same caches) must reject every one of them.
 */
export async function tenantScenario(ctx: Context): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = { rows: [], details: [], workerMaxRssKb: [] };
  const estate = tenantEstate(Math.max(1, Math.ceil(o.tenantEvents / 2 / DISCOVERY_FAILURES.length)));
  const policyFile = writePolicy(ctx, "deny-then-approve.yaml", denyThenApprovePolicy());
  const events = estate.pending.map((id, n) => connectionEvent(id, n * 3));
  const workers = Math.min(o.workers, 4);
  const t0 = Date.now();
  const { emu, caFile } = await seededEmulator(ctx, estate.docs);
  const writes = logConnectionWrites(emu.state);
  const pool = poolFor(ctx, baseEnv(ctx, emu, caFile, policyFile), workers);
  try {
    for (const f of DISCOVERY_FAILURES)
      emu.faults.add({ ...f.rule, method: "GET", path: `^/subscriptions/${f.sub}/?$` });
    const during = await pool.deliver(repeated(events, o.deliveriesPerEvent, seededRandom(o.seed + 4)));
    const afterFailure = snapshot(emu, estate);
    emu.faults.clear();
    const after = await pool.deliver(repeated(events, 1, seededRandom(o.seed + 5)));
    const final = snapshot(emu, estate);
    const wallMs = Date.now() - t0;
    const latencies = [...during.latencies, ...after.latencies];
    result.details.push(latencyDetail("scenario 4 while discovery fails", during));
    const fromSub = (cs: ConnectionSnapshot[], sub: string) =>
      cs.filter((c) => c.requesterKey.includes(`|${sub}|`));
    const others = fromSub(final, CORP_SUB);
    const othersDecided = others.filter((c) => c.status !== "Pending").length;
    // Events are connection events: event k names estate.pending[k].
    const crashed = new Set(
      [...during.crashedEvents, ...after.crashedEvents].map((k) => estate.pending[k] ?? ""),
    );
    result.details.push(
      `scenario 4: ${othersDecided} of ${others.length} connections no rule matches were decided (must stay pending)`,
    );
    for (const f of DISCOVERY_FAILURES) {
      const during4 = fromSub(afterFailure, f.sub);
      const final4 = fromSub(final, f.sub);
      const approvedPastDeny = Math.max(
        during4.filter((c) => c.status === "Approved").length,
        final4.filter((c) => c.status === "Approved").length,
      );
      const stillPending = final4.filter((c) => c.status === "Pending").length;
      result.details.push(
        `scenario 4 (${f.name}): while failing ${approvedPastDeny} approved past the deny rule, ` +
          `${during4.filter((c) => c.status === "Rejected").length} rejected, ` +
          `${during4.filter((c) => c.status === "Pending").length} left pending; once discovery answered, ` +
          `${final4.filter((c) => c.status === "Rejected").length} of ${final4.length} rejected, ${stillPending} still pending`,
      );
      result.rows.push({
        scenario: `4 tenant discovery ${f.name}`,
        events: final4.length,
        workers,
        decisions: final4.filter((c) => c.status !== "Pending").length,
        wrong: approvedPastDeny + (f === DISCOVERY_FAILURES[0] ? othersDecided : 0),
        overruns: 0,
        doubleWrites: doubleWrites(
          writes.writes.filter((w) => final4.some((c) => c.id.toLowerCase() === w.path.toLowerCase())),
        ),
        lost: stillPending,
        crashes:
          final4.filter((c) => crashed.has(c.id)).length +
          (f === DISCOVERY_FAILURES[0] ? others.filter((c) => crashed.has(c.id)).length : 0),
        wallMs,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
      });
    }
  } finally {
    await pool.stop();
    result.workerMaxRssKb.push(...pool.maxRssKb);
    writes.detach();
    await emu.stop();
  }
  return result;
}

/** Scenario 5: the telemetry endpoint refuses connections, or accepts them and never answers. */
export async function telemetryScenario(ctx: Context): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = { rows: [], details: [], workerMaxRssKb: [] };
  const estate = estateForEvents(o.telemetryEvents);
  const events = estate.pending.slice(0, o.telemetryEvents).map((id, n) => connectionEvent(id, n));
  const policyFile = writePolicy(ctx, "chaos-policy.yaml", chaosPolicy());
  const reference = (
    await referenceRun(ctx, estate, events, (i) => targetOfConnection(estate.pending[i] ?? ""), policyFile)
  ).filter(wasPending);
  for (const mode of ["refuse", "hang"] as IngestionMode[]) {
    const t0 = Date.now();
    const { emu, caFile } = await seededEmulator(ctx, estate.docs);
    const writes = logConnectionWrites(emu.state);
    const ingestion = await startIngestion(ctx.tls, mode);
    const pool = poolFor(ctx, {
      ...baseEnv(ctx, emu, caFile, policyFile),
      APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
      NODE_EXTRA_CA_CERTS: ctx.tls.caFile,
    });
    try {
      const stats = await pool.deliver(repeated(events, 1, seededRandom(o.seed + 6)));
      const run = snapshot(emu, estate);
      const cmp = compareWithReference(run.filter(wasPending), reference);
      result.details.push(latencyDetail(`scenario 5 (telemetry ${mode})`, stats));
      result.details.push(
        `scenario 5 (telemetry ${mode}): ${ingestion.requests()} requests reached the ingestion endpoint; ` +
          `${stats.timeouts} deliveries exceeded Event Grid's ${o.deliveryTimeoutMs} ms delivery timeout`,
      );
      result.rows.push({
        scenario: `5 telemetry ${mode === "refuse" ? "refused" : "hanging"}`,
        events: events.length,
        workers: o.workers,
        decisions: cmp.decided,
        wrong: cmp.wrong,
        overruns: capOverruns(run, estate.targets),
        doubleWrites: doubleWrites(writes.writes),
        lost: cmp.lost,
        crashes: stats.crashedEvents.size,
        wallMs: Date.now() - t0,
        p50Ms: percentile(stats.latencies, 50),
        p99Ms: percentile(stats.latencies, 99),
      });
    } finally {
      await pool.stop();
      result.workerMaxRssKb.push(...pool.maxRssKb);
      writes.detach();
      await ingestion.close();
      await emu.stop();
    }
  }
  return result;
}
