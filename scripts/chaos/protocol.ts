/** Messages between the chaos coordinator and its worker processes (IPC, structured clone). */

/** One Event Grid delivery: the event body, or a fuzz case the worker builds itself (no huge IPC messages). */
export interface DeliverMessage {
  t: "deliver";
  id: number;
  event?: unknown;
  fuzz?: { seed: number; index: number };
}

export interface StopMessage {
  t: "stop";
}

export type ToWorker = DeliverMessage | StopMessage;

export interface ReadyMessage {
  t: "ready";
}

export interface DoneMessage {
  t: "done";
  id: number;
  ok: boolean;
  /** The invocation threw an error that is a programming error (TypeError, RangeError...), not an ARM failure. */
  crash: boolean;
  error?: string;
  ms: number;
  decisions: number;
  written: number;
  /** Longest log line (message + JSON properties) the invocation produced, in characters. */
  maxLogLine: number;
}

export interface ByeMessage {
  t: "bye";
  maxRssKb: number;
}

export type FromWorker = ReadyMessage | DoneMessage | ByeMessage;

/** Error names that mean a bug in the handler rather than a failure of ARM or the network. */
export const CRASH_ERROR_NAMES = new Set([
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "URIError",
  "EvalError",
  "InternalError",
]);
