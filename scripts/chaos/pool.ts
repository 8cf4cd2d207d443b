/**
 * Event Grid, as far as the chaos run needs it: deliveries go to separate worker processes (each one a
 * Functions instance running several invocations at once); a delivery that throws, or that takes longer
 * than the delivery timeout, is delivered again later with backoff, up to a number of attempts, then
 * dead-lettered. Retries are faster than Azure's (10 s, 30 s, 1 min...) so a run takes minutes, not a day.
 */
import { fork, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DeliverMessage, FromWorker, ToWorker } from "./protocol";

export interface PoolOptions {
  workers: number;
  /** Invocations in flight per worker process. */
  perWorker: number;
  env: NodeJS.ProcessEnv;
  /** Delivery attempts before dead-lettering (Event Grid: 30). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt, capped at 2 s. */
  retryBaseMs: number;
  /** Event Grid waits this long for an answer before it counts the attempt failed (30 s). */
  deliveryTimeoutMs: number;
  /** Called every 10 s while a batch runs, with a line saying how far it got. */
  progress?: (line: string) => void;
}

export interface Delivery {
  /** Which event this is a delivery of (duplicates share it). */
  eventKey: number;
  event?: unknown;
  fuzz?: { seed: number; index: number };
}

export interface PoolStats {
  deliveries: number;
  attempts: number;
  succeeded: number;
  /** Attempts that threw an ARM/network error (Event Grid retries them). */
  transientFailures: number;
  /** Events whose invocation threw a programming error, or whose worker process died. */
  crashedEvents: Set<number>;
  crashSamples: string[];
  workerDeaths: number;
  timeouts: number;
  deadLettered: number;
  /** Wall time of every attempt that answered, ms. */
  latencies: number[];
  maxLogLine: number;
  /** Decision records the invocations returned, and how many of them were written. */
  decisions: number;
  written: number;
  failureSamples: string[];
}

/** A child entry next to this file: compiled JS under dist/, or TypeScript when run from source (tests). */
export function childEntry(name: string): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  const register = path.resolve(__dirname, "../../test/integration/sweep/support/register-ts.js");
  return { file: path.join(__dirname, `${name}.ts`), execArgv: ["-r", register] };
}

interface Attempt {
  delivery: number;
  timer?: NodeJS.Timeout;
  timedOut: boolean;
  run: Run;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  inflight: Map<number, Attempt>;
  stopping: boolean;
  stderr: string;
}

interface Pending {
  index: number;
  attempt: number;
}

interface Run {
  deliveries: Delivery[];
  stats: PoolStats;
  queue: Pending[];
  open: number;
  finished: Set<number>;
  resolve: (stats: PoolStats) => void;
  ticker?: NodeJS.Timeout;
}

function emptyStats(deliveries: number): PoolStats {
  return {
    deliveries,
    attempts: 0,
    succeeded: 0,
    transientFailures: 0,
    crashedEvents: new Set(),
    crashSamples: [],
    workerDeaths: 0,
    timeouts: 0,
    deadLettered: 0,
    latencies: [],
    maxLogLine: 0,
    decisions: 0,
    written: 0,
    failureSamples: [],
  };
}

/**
 * Worker processes that outlive one batch of deliveries, so that what a worker keeps between invocations
 * (the runtime the Function caches: ARM clients, tenant cache, lock handles) is exercised across batches.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly entry = childEntry("worker");
  private run?: Run;
  private nextAttemptId = 0;
  private readonly attempts = new Map<number, Pending>();
  private stopped = false;
  /** Peak RSS (KiB) each worker reported when stopped. */
  readonly maxRssKb: number[] = [];

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.workers; i++) this.slots.push(this.spawnSlot());
  }

  /** Delivers every item (with retries) and resolves when each succeeded or was dead-lettered. */
  deliver(deliveries: Delivery[]): Promise<PoolStats> {
    if (this.run) throw new Error("WorkerPool.deliver: a batch is already running");
    return new Promise<PoolStats>((resolve) => {
      const run: Run = {
        deliveries,
        stats: emptyStats(deliveries.length),
        queue: deliveries.map((_, index) => ({ index, attempt: 1 })),
        open: deliveries.length,
        finished: new Set(),
        resolve,
      };
      this.run = run;
      const progress = this.options.progress;
      if (progress) {
        run.ticker = setInterval(() => {
          const inflight = this.slots.reduce((n, s) => n + s.inflight.size, 0);
          progress(
            `  ${deliveries.length - run.open}/${deliveries.length} deliveries done, ${run.stats.attempts} attempts, ` +
              `${inflight} in flight, ${run.queue.length} queued, ${run.stats.transientFailures} failed attempts`,
          );
        }, 10_000);
      }
      if (deliveries.length === 0) this.finishRun(run);
      else this.pump();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const live = this.slots.filter((s) => s.child.exitCode === null && s.child.connected);
    await Promise.all(
      live.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.stopping = true;
            const timer = setTimeout(() => {
              s.child.kill("SIGKILL");
              resolve();
            }, 10_000);
            s.child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            s.child.send({ t: "stop" } satisfies ToWorker);
          }),
      ),
    );
  }

  private finishRun(run: Run): void {
    if (this.run === run) this.run = undefined;
    if (run.ticker) clearInterval(run.ticker);
    run.resolve(run.stats);
  }

  private complete(run: Run, index: number): void {
    if (run.finished.has(index)) return;
    run.finished.add(index);
    run.open--;
    if (run.open === 0) this.finishRun(run);
  }

  private retry(run: Run, p: Pending): void {
    if (run.finished.has(p.index)) return;
    if (p.attempt >= this.options.maxAttempts) {
      run.stats.deadLettered++;
      this.complete(run, p.index);
      return;
    }
    const wait = Math.min(2000, this.options.retryBaseMs * 2 ** (p.attempt - 1));
    setTimeout(() => {
      run.queue.push({ index: p.index, attempt: p.attempt + 1 });
      this.pump();
    }, wait);
  }

  private pump(): void {
    const run = this.run;
    if (!run || this.stopped) return;
    for (const slot of this.slots) {
      while (
        slot.ready &&
        !slot.stopping &&
        slot.inflight.size < this.options.perWorker &&
        run.queue.length > 0
      ) {
        const p = run.queue.shift() as Pending;
        if (run.finished.has(p.index)) continue;
        const d = run.deliveries[p.index] as Delivery;
        const id = ++this.nextAttemptId;
        this.attempts.set(id, p);
        run.stats.attempts++;
        const attempt: Attempt = { delivery: p.index, timedOut: false, run };
        attempt.timer = setTimeout(() => {
          // Event Grid gives up on this attempt and schedules another; the invocation runs on regardless.
          attempt.timedOut = true;
          run.stats.timeouts++;
          this.retry(run, p);
        }, this.options.deliveryTimeoutMs);
        slot.inflight.set(id, attempt);
        const message: DeliverMessage = { t: "deliver", id, event: d.event, fuzz: d.fuzz };
        slot.child.send(message);
      }
    }
  }

  private onDone(slot: Slot, m: Extract<FromWorker, { t: "done" }>): void {
    const attempt = slot.inflight.get(m.id);
    slot.inflight.delete(m.id);
    const p = this.attempts.get(m.id);
    this.attempts.delete(m.id);
    if (!attempt || !p) return;
    if (attempt.timer) clearTimeout(attempt.timer);
    const { run } = attempt;
    const stats = run.stats;
    stats.latencies.push(m.ms);
    stats.maxLogLine = Math.max(stats.maxLogLine, m.maxLogLine);
    stats.decisions += m.decisions;
    stats.written += m.written;
    const event = run.deliveries[p.index] as Delivery;
    if (m.ok) {
      stats.succeeded++;
      if (!attempt.timedOut) this.complete(run, p.index);
    } else {
      if (m.crash) {
        stats.crashedEvents.add(event.eventKey);
        if (stats.crashSamples.length < 5) stats.crashSamples.push(m.error ?? "?");
      } else stats.transientFailures++;
      if (stats.failureSamples.length < 5) stats.failureSamples.push(m.error ?? "?");
      if (!attempt.timedOut) this.retry(run, p);
    }
    this.pump();
  }

  private onExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.stopping || this.stopped) return;
    // A worker died: every invocation it had in flight crashed with it; Event Grid redelivers them.
    for (const [id, attempt] of slot.inflight) {
      if (attempt.timer) clearTimeout(attempt.timer);
      const p = this.attempts.get(id);
      this.attempts.delete(id);
      const stats = attempt.run.stats;
      stats.workerDeaths++;
      if (stats.crashSamples.length < 5)
        stats.crashSamples.push(`worker exited (code ${code}, signal ${signal}): ${slot.stderr.slice(-500)}`);
      if (!p) continue;
      stats.crashedEvents.add((attempt.run.deliveries[p.index] as Delivery).eventKey);
      if (!attempt.timedOut) this.retry(attempt.run, p);
    }
    slot.inflight.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots[i] = this.spawnSlot();
  }

  private spawnSlot(): Slot {
    const child = fork(this.entry.file, [], {
      env: this.options.env,
      execArgv: this.entry.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const slot: Slot = { child, ready: false, inflight: new Map(), stopping: false, stderr: "" };
    child.stderr?.on("data", (c: Buffer) => {
      slot.stderr = (slot.stderr + c.toString()).slice(-4000);
    });
    child.on("message", (m: FromWorker) => {
      if (m.t === "ready") {
        slot.ready = true;
        this.pump();
      } else if (m.t === "bye") this.maxRssKb.push(m.maxRssKb);
      else this.onDone(slot, m);
    });
    child.on("exit", (code, signal) => this.onExit(slot, code, signal));
    child.on("error", () => {
      // Followed by "exit", which redelivers and respawns.
    });
    return slot;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}
