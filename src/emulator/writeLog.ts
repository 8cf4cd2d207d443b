/**
 * A log of the writes the emulator applied to private endpoint connections: for each, the state before and
 * after. Benchmarks and tests use it to count writes that changed a connection someone had already decided
 * (a blind write racing another writer), which a request counter cannot tell from a first decision.
 */
import type { EmulatorState } from "./state";

export interface ConnectionWrite {
  /** The connection's path as the emulator stores it. */
  path: string;
  /** Status before the write; undefined when the connection did not exist. */
  before?: string;
  after?: string;
  beforeDescription?: string;
  afterDescription?: string;
  /** ms since the log started. */
  at: number;
}

export interface WriteLog {
  readonly writes: readonly ConnectionWrite[];
  /** Forget what was logged so far (between phases of a run). */
  clear(): void;
  /** Stop logging and restore the state's own write. */
  detach(): void;
}

type Doc = Record<string, unknown>;

function connectionState(doc: Doc | undefined): { status?: string; description?: string } {
  const props = doc?.["properties"];
  if (typeof props !== "object" || props === null) return {};
  const state = (props as Doc)["privateLinkServiceConnectionState"];
  if (typeof state !== "object" || state === null) return {};
  const s = state as Doc;
  return {
    status: typeof s["status"] === "string" ? s["status"] : undefined,
    description: typeof s["description"] === "string" ? s["description"] : undefined,
  };
}

/** Logs every write to a `.../privateEndpointConnections/{name}` path of `state` from now on. */
export function logConnectionWrites(state: EmulatorState): WriteLog {
  const writes: ConnectionWrite[] = [];
  const started = Date.now();
  const original = state.write.bind(state);
  const wrapped: EmulatorState["write"] = (path, doc) => {
    if (!/\/privateendpointconnections\/[^/]+$/i.test(path)) return original(path, doc);
    const before = connectionState(state.get(path));
    const written = original(path, doc);
    const after = connectionState(written);
    writes.push({
      path,
      before: before.status,
      after: after.status,
      beforeDescription: before.description,
      afterDescription: after.description,
      at: Date.now() - started,
    });
    return written;
  };
  state.write = wrapped;
  return {
    writes,
    clear: () => {
      writes.length = 0;
    },
    detach: () => {
      if (state.write === wrapped) state.write = original;
    },
  };
}
