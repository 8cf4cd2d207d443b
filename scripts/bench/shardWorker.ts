/**
 * A stand-in for one Functions instance's queue trigger, for `npm run bench -- shard` and the sharded-sweep
 * integration test: polls the shard queue (Azurite), runs the real shard function (src/functions/sweepShard.ts)
 * on each message as the host would, and settles the message as the host does: deleted on success, visible
 * again after LINKGATE_WORKER_RETRY_MS on failure, moved to `<queue>-poison` after MAX_DEQUEUE (host.json's
 * maxDequeueCount) deliveries. One message at a time (host.json batchSize 1).
 *
 * Settings come from the environment (the app's own, plus LINKGATE_WORKER_IDLE_EXIT_MS: exit once the queue has
 * been empty that long). Prints one JSON line per message ({kind:"message"}) and one at exit ({kind:"exit"},
 * with the process's peak RSS).
 */
import * as path from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { InvocationContext } from "@azure/functions";
import { linkgateSweepShard } from "../../src/functions/sweepShard";
import { loadSettings } from "../../src/config";
import { createQueueClient, queueConfigFromEnv } from "../../src/adapters/queue/storageQueue";

const MAX_DEQUEUE = 3;

/** The process's memory now, in MB (rss, heap used/total, external incl. array buffers). */
function memory(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1024 / 102.4) / 10;
  return {
    rss: mb(m.rss),
    heapUsed: mb(m.heapUsed),
    heapTotal: mb(m.heapTotal),
    external: mb(m.external),
    arrayBuffers: mb(m.arrayBuffers),
  };
}

/**
 * Memory after a message. With --expose-gc (bench --worker-node-args) a full collection runs first, so the
 * figure is what the worker retains between shards; LINKGATE_WORKER_HEAP_SNAPSHOTS=DIR writes a heap snapshot
 * there after each message (diagnostics only: slow, and the snapshot itself costs memory).
 */
function afterMessage(n: number): Record<string, number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const dir = process.env["LINKGATE_WORKER_HEAP_SNAPSHOTS"];
  if (dir) writeHeapSnapshot(path.join(dir, `worker-${process.pid}-${n}.heapsnapshot`));
  return memory();
}

/** The memory sample with the highest RSS since the last reset (sampled every 200 ms): what the peak is made of. */
let atPeak: Record<string, number> = {};
function samplePeak(): void {
  const m = memory();
  if ((m["rss"] ?? 0) > (atPeak["rss"] ?? 0)) atPeak = m;
}

function out(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const env = process.env;
  const idleExitMs = Number(env["LINKGATE_WORKER_IDLE_EXIT_MS"] ?? "2000");
  const retryMs = Number(env["LINKGATE_WORKER_RETRY_MS"] ?? "1000");
  const settings = loadSettings(env);
  const config = queueConfigFromEnv(env, settings);
  if (!config) throw new Error("no storage configured (AzureWebJobsStorage)");
  const queue = createQueueClient(config);
  const poison = createQueueClient({ ...config, queue: `${config.queue}-poison` });
  await queue.createIfNotExists();
  out({ kind: "start", pid: process.pid, memory: memory() });
  setInterval(samplePeak, 200).unref();
  let idleSince = Date.now();
  let n = 0;
  for (;;) {
    const got = await queue.receiveMessages({ numberOfMessages: 1, visibilityTimeout: 600 });
    const m = got.receivedMessageItems[0];
    if (!m) {
      if (Date.now() - idleSince > idleExitMs) break;
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const text = Buffer.from(m.messageText, "base64").toString("utf8");
    // The host hands a JSON message to a Node function as the parsed object.
    let item: unknown = text;
    try {
      item = JSON.parse(text);
    } catch {
      /* not JSON: the function judges the text */
    }
    const logs: string[] = [];
    const context = new InvocationContext({
      invocationId: `${process.pid}-${++n}`,
      functionName: "linkgateSweepShard",
      logHandler: (level, ...args) => {
        if (level === "error" || level === "warning") logs.push(`${level} ${String(args[0])}`.slice(0, 500));
      },
      triggerMetadata: { dequeueCount: m.dequeueCount, id: m.messageId },
    });
    const start = Date.now();
    atPeak = {};
    try {
      const o = await linkgateSweepShard(item, context, env);
      await queue.deleteMessage(m.messageId, m.popReceipt);
      out({
        kind: "message",
        pid: process.pid,
        status: o.status,
        shardId: o.status === "rejected" ? undefined : o.message.shardId,
        sweepId: o.status === "rejected" ? undefined : o.message.sweepId,
        start,
        end: Date.now(),
        dequeueCount: m.dequeueCount,
        findings: o.status === "swept" ? o.result.findings.map((f) => `${f.checkId} ${f.resourceId}`) : [],
        decisions:
          o.status === "swept"
            ? o.result.decisions.map((d) => `${d.action} ${d.written ? "written" : "-"} ${d.connectionId}`)
            : [],
        opened: o.status === "swept" ? o.result.summary.opened : 0,
        resolved: o.status === "swept" ? o.result.summary.resolved : 0,
        degraded: o.status === "swept" ? o.result.summary.degraded : false,
        reconcileFailures:
          o.status === "swept"
            ? o.result.reconcileFailures.slice(0, 5).map((f) => `${f.targetId}: ${f.error}`.slice(0, 300))
            : [],
        logs,
        atPeak: (samplePeak(), atPeak),
        memory: afterMessage(n),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    } catch (e) {
      if (m.dequeueCount >= MAX_DEQUEUE) {
        await poison.createIfNotExists();
        await poison.sendMessage(m.messageText);
        await queue.deleteMessage(m.messageId, m.popReceipt);
      } else {
        await queue.updateMessage(m.messageId, m.popReceipt, undefined, Math.ceil(retryMs / 1000));
      }
      out({
        kind: "message",
        pid: process.pid,
        status: "failed",
        start,
        end: Date.now(),
        dequeueCount: m.dequeueCount,
        poisoned: m.dequeueCount >= MAX_DEQUEUE,
        error: String(e instanceof Error ? e.message : e).slice(0, 500),
        logs,
      });
    }
    idleSince = Date.now();
  }
  out({
    kind: "exit",
    pid: process.pid,
    maxRssKb: process.resourceUsage().maxRSS,
    handled: n,
    memory: memory(),
  });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`shard worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
