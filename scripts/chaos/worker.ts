/**
 * One chaos worker: a separate process standing in for one Functions instance. It builds its dependencies
 * exactly as the deployed app does (the Event Grid function `linkgateEvents`, whose runtime comes from the
 * composition root and the environment: LINKGATE_EMULATOR, the storage settings, LINKGATE_POLICY_FILE,
 * APPLICATIONINSIGHTS_CONNECTION_STRING...) and invokes it for every delivery the coordinator sends,
 * several at a time, as the Functions host does.
 */
import { InvocationContext } from "@azure/functions";
import { linkgateEvents } from "../../src/functions/eventGrid";
import { fuzzEvent } from "./fuzz";
import { CRASH_ERROR_NAMES, type FromWorker, type ToWorker } from "./protocol";

function send(message: FromWorker): void {
  process.send?.(message);
}

function lineLength(args: unknown[]): number {
  let n = 0;
  for (const a of args) {
    if (typeof a === "string") n += a.length;
    else {
      try {
        n += JSON.stringify(a)?.length ?? 0;
      } catch {
        // Unserializable (cyclic, too deep): the host would fail the same way; count nothing.
      }
    }
  }
  return n;
}

let invocation = 0;
/** Measuring every log line costs a JSON serialization each; only the fuzz scenario asks for it. */
const measureLogs = process.env["LINKGATE_CHAOS_MEASURE_LOGS"] === "1";

async function deliver(id: number, event: unknown): Promise<void> {
  let maxLogLine = 0;
  const context = new InvocationContext({
    functionName: "linkgateEvents",
    invocationId: `chaos-${process.pid}-${++invocation}`,
    logHandler: (_level, ...args) => {
      if (measureLogs) maxLogLine = Math.max(maxLogLine, lineLength(args));
    },
  });
  const started = performance.now();
  try {
    const result = await linkgateEvents(event, context);
    send({
      t: "done",
      id,
      ok: true,
      crash: false,
      ms: performance.now() - started,
      decisions: result.decisions.length,
      written: result.decisions.filter((d) => d.written).length,
      maxLogLine,
    });
  } catch (e) {
    const name = e instanceof Error ? e.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    send({
      t: "done",
      id,
      ok: false,
      crash: CRASH_ERROR_NAMES.has(name),
      error: `${name}: ${message.slice(0, 300)}`,
      ms: performance.now() - started,
      decisions: 0,
      written: 0,
      maxLogLine,
    });
  }
}

process.on("message", (message: ToWorker) => {
  if (message.t === "stop") {
    send({ t: "bye", maxRssKb: process.resourceUsage().maxRSS });
    // Let the IPC message go out before exiting.
    setTimeout(() => process.exit(0), 50);
    return;
  }
  const event = message.fuzz ? fuzzEvent(message.fuzz.seed, message.fuzz.index) : message.event;
  void deliver(message.id, event);
});

// The coordinator is gone (killed, or crashed): nothing will be delivered any more.
process.on("disconnect", () => process.exit(0));

send({ t: "ready" });
