/**
 * Level-based reconcile of one private link target, in the manner of controller-runtime: the request names
 * a resource, never an event. Whatever caused the call (an Event Grid event, a duplicate of it, our own
 * approval's write event, the CLI, the sweep), the outcome depends only on ARM's current state: Pending
 * connections are decided once, everything else is left alone. That makes the handler idempotent under
 * duplicate, reordered and self-caused events.
 *
 * Concurrency (enforce mode): decisions on one target are serialized by a TargetLock (a Table lease across
 * instances, a file lock on one machine) in the manner of Kubernetes' lease plus resourceVersion:
 * take the lock, re-read, act with If-Match, release. Counted limits (maxApprovedPerTarget, Relay's 64)
 * are recounted from a fresh read right before each approving write, and any 412 restarts the pass from a
 * fresh list, so neither a concurrent writer nor a human can push a target past its cap through us.
 * Audit mode and dry runs never write, so they take no lock.
 */
import { ArmError, errorMessage, isTransient } from "./errors";
import { liveFacts } from "./decisionFacts/live";
import { DEFAULT_LOCK_WAIT_MS, LockLostError, PROCESS_LOCK, targetLockKey } from "./lock";
import { ManagedFacts, readManagedDefinitions } from "./managed/read";
import type {
  Decision,
  DecisionAction,
  DecisionFacts,
  PolicyMode,
  PrivateEndpointConnection,
  TargetResource,
} from "./model";
import type { RevocationSettings } from "./policy/types";
import { RELAY_NAMESPACE_TYPE } from "./policy/evaluate";
import { normalizeResourceId, sameResourceId, sameType } from "./resourceId";
import type {
  ArmReader,
  Clock,
  ConnectionWriter,
  Logger,
  ManagedDefinitionReader,
  ManagedOwnerGlobs,
  OperationOptions,
  TargetLock,
  TargetLockHandle,
  TelemetrySink,
  TenantResolver,
  UnconfirmedWrite,
} from "../ports";

/** The loaded policy as reconcile needs it; built by the composition root from the policy engine. */
export interface PolicyRuntime {
  /** `audit` decides and records but never writes. */
  readonly mode: PolicyMode;
  /** Where the policy came from (file path), for logs. */
  readonly source: string;
  decide(facts: DecisionFacts): Decision;
  /** The description written onto the connection: names the rule, within the field's length limit. */
  describe(decision: Decision): string;
  /** The policy's revocation opt-in (core/revocation); absent: the sweep never revokes. */
  readonly revocation?: RevocationSettings;
  /** sha256 of the policy text, carried by LinkGate.Revocation events. */
  readonly hash?: string;
  /**
   * The union of the policy's `requester.managedBy` owner globs (policy's managedOwnerGlobs). Absent: the
   * policy does not use managedBy and no managed private endpoint definition is read.
   */
  readonly managedOwners?: ManagedOwnerGlobs;
  /**
   * The policy's dependsOnOtherConnections (core/policy). False: no rule reads the approved count or
   * managedBy, so an approval whose connection carries an etag is written with If-Match on the observation
   * without a recount list (a Relay namespace is recounted anyway, for its limit of 64). Absent: recount.
   */
  readonly dependsOnOtherConnections?: boolean;
}

export interface ReconcileDeps {
  reader: ArmReader;
  writer: ConnectionWriter;
  tenants: TenantResolver;
  telemetry: TelemetrySink;
  logger: Logger;
  clock: Clock;
  policy: PolicyRuntime;
  /**
   * Serializes enforce-mode decisions per target. The composition root always gives one (Table lease or
   * machine-local file lock); absent (unit tests, tools), a lock shared by this process is used.
   */
  lock?: TargetLock;
  /**
   * Reads managed private endpoint definitions (Front Door origins, Data Factory / Synapse managed private
   * endpoints, AI Search shared private links) once per target pass, when the policy uses managedBy. Absent
   * while the policy uses it: the corroboration fact is unknown and such requests stay Pending.
   */
  managed?: ManagedDefinitionReader;
  /**
   * When `managed` answers from a snapshot (the sweep's inventory): the live reader an approval re-reads the
   * definitions through first. Absent: `managed` is read again.
   */
  liveManaged?: ManagedDefinitionReader;
}

export interface ReconcileOptions extends OperationOptions {
  /** Decide and report, never write, whatever the policy's mode says (CLI --dry-run). */
  dryRun?: boolean;
  /** What asked for this reconcile (event id, "cli", "sweep"), for logs and telemetry. */
  cause?: string;
  /** The invocation's operation (trace) id, carried by LinkGate.Decision to join it with the function's logs. */
  operationId?: string;
  /** Bound on waiting for the target's lock. Default DEFAULT_LOCK_WAIT_MS (under Event Grid's 30 s). */
  lockWaitInMs?: number;
  /**
   * What the caller already read (the sweep, from Resource Graph): the target is not read again, and the
   * connections, when given, choose what the first pass decides. Every approving write still recounts from
   * a fresh list under the lock, every write carries If-Match or a re-read, and a restart lists afresh.
   */
  known?: { target: TargetResource; connections?: readonly PrivateEndpointConnection[] };
  /**
   * Connections the cause names (an event about a connection): an observation that lacks any of them (a
   * parent whose embedded array lags behind a new connection) is not used; the connections are listed.
   */
  expectConnections?: readonly string[];
  /**
   * List the connections rather than trust the target's embedded array: the cause is a new private endpoint
   * or a managed definition, whose connection the parent may not embed yet.
   */
  observeByList?: boolean;
}

/**
 * How a decision reached the connection:
 * - `written`: our PUT changed the state;
 * - `confirmed`: the connection already held exactly what this decision writes, put there by an earlier
 *   attempt of ours whose response was lost (a 412 on the SDK's retry, a dropped socket); no new write;
 * - `not-written`: `pending`, audit mode or dry run.
 */
export type DecisionOutcome = "written" | "confirmed" | "not-written";

/** One decided connection: what the CLI prints as a JSON line and what the audit event carries. */
export interface DecisionRecord {
  connectionId: string;
  targetId: string;
  targetType: string;
  action: DecisionAction;
  ruleId: string;
  message: string;
  reasons: string[];
  mode: PolicyMode;
  /** True only when a PUT changed the connection's state. */
  written: boolean;
  outcome: DecisionOutcome;
  requesterSubscriptionId?: string;
  requesterTenantId?: string;
  latencyMs: number;
}

export interface ReconcileFailure {
  connectionId: string;
  targetId: string;
  error: string;
}

export interface ReconcileResult {
  targetId: string;
  /** False when the target does not exist (not an error: it may have been deleted since the event). */
  found: boolean;
  decisions: DecisionRecord[];
  /** Connections left alone because they are not Pending. */
  untouched: number;
  /** Terminal failures on single connections (transient ones are thrown). */
  failures: ReconcileFailure[];
  /** Passes restarted from a fresh list after a lost race (412, a connection that changed meanwhile). */
  restarts: number;
  /**
   * True when this request was answered by another reconcile of the same target, in this process, that
   * began reading after this request was made and completed while this one waited for the lock: ARM was
   * read after the request, so everything it could ask for was decided (controller-runtime's work queue
   * coalesces requests the same way). Nothing was read or written for it.
   */
  coalesced?: boolean;
}

/** Bound on the `reasons` property of the audit event (App Insights caps a property at 8192 chars). */
export const MAX_REASONS_PROPERTY_LENGTH = 4096;

/** Fresh passes after lost races before giving up with a transient error (the retry starts over). */
export const MAX_RESTARTS = 5;

/** Unconfirmed writes kept with a lock at most (oldest dropped): each is a few hundred characters. */
export const MAX_UNCONFIRMED = 20;
const UNCONFIRMED_REASONS_LENGTH = 512;

/**
 * Thrown when the target kept changing under us: every pass lost a race (412, or a connection changed
 * between the read and the write) MAX_RESTARTS + 1 times. Transient: the retry re-reads.
 */
export class StaleConnectionError extends Error {
  constructor(
    readonly connectionId: string,
    passes = 1,
  ) {
    super(
      `${connectionId}: the target's connections changed between read and write in ${passes} consecutive ` +
        `pass(es) (If-Match failed or the state moved); nothing was overwritten, the event will be ` +
        `redelivered and the connections re-read`,
    );
    this.name = "StaleConnectionError";
  }
}

export function joinReasons(reasons: readonly string[], max = MAX_REASONS_PROPERTY_LENGTH): string {
  const joined = reasons.join("; ");
  return joined.length <= max ? joined : `${joined.slice(0, max - 1)}…`;
}

function statusFor(action: DecisionAction): "Approved" | "Rejected" | undefined {
  if (action === "approve") return "Approved";
  if (action === "reject") return "Rejected";
  return undefined;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Coalescing of queued requests within one process. `sequence` orders requests and run starts; per lock,
 * per target, the start of the last reconcile that completed, with the reader and policy it ran with (only
 * the same reader and policy can answer for another request).
 */
let sequence = 0;
interface Cover {
  startedAt: number;
  found: boolean;
  /** Its first pass listed the connections (not a target's embedded array, which may lag a new one). */
  listed: boolean;
  reader: ArmReader;
  policy: PolicyRuntime;
}
const covers = new WeakMap<TargetLock, Map<string, Cover>>();
/** Bound on targets remembered per lock (oldest forgotten): a forgotten one only means no coalescing. */
const MAX_COVERS = 10_000;

function coverOf(lock: TargetLock, key: string): Cover | undefined {
  return covers.get(lock)?.get(key);
}

function recordCover(lock: TargetLock, key: string, cover: Cover): void {
  let m = covers.get(lock);
  if (!m) covers.set(lock, (m = new Map()));
  m.delete(key);
  m.set(key, cover);
  if (m.size > MAX_COVERS) {
    const oldest = m.keys().next();
    if (!oldest.done) m.delete(oldest.value);
  }
}

/** Per-reconcile state shared by the passes. */
interface Run {
  target: TargetResource;
  deps: ReconcileDeps;
  options: ReconcileOptions;
  opts: OperationOptions;
  mode: PolicyMode;
  result: ReconcileResult;
  /** Connections with a record or failure in this reconcile: a restarted pass does not decide them again. */
  handled: Set<string>;
  handle?: TargetLockHandle;
  unconfirmed: UnconfirmedWrite[];
  /** This pass's managed definitions (read once per pass, src/core/managed). */
  managed: ManagedFacts;
  /**
   * The target (and definitions) came from the caller's snapshot (options.known): before the first approving
   * write they are read live once, so an approval never rests on what the snapshot said about them.
   */
  snapshot: boolean;
  /**
   * The pass's connections were read in this run under the lock and nothing was written since: their states
   * and etags are as fresh as a recount's list would be (false for a caller's snapshot, and after any write).
   */
  observedFresh: boolean;
}

type Step =
  | { kind: "record"; record: DecisionRecord }
  /** Nothing to record: the connection was decided by someone else, or is gone. */
  | { kind: "left"; reason: string }
  /** A race was lost: restart from a fresh list. */
  | { kind: "restart"; reason: string };

export async function reconcileTarget(
  targetId: string,
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { reader, logger } = deps;
  const opts: OperationOptions = { abortSignal: options.abortSignal };
  const result: ReconcileResult = {
    targetId,
    found: false,
    decisions: [],
    untouched: 0,
    failures: [],
    restarts: 0,
  };
  const mode: PolicyMode = options.dryRun ? "audit" : deps.policy.mode;

  // 0. Serialize: only writers need the lock. Its wait is bounded; a timeout is transient (redelivered).
  const lock = deps.lock ?? PROCESS_LOCK;
  const key = targetLockKey(targetId);
  let handle: TargetLockHandle | undefined;
  let startedAt = 0;
  if (mode === "enforce") {
    const requestedAt = ++sequence;
    handle = await lock.acquire(key, {
      abortSignal: options.abortSignal,
      waitTimeoutInMs: options.lockWaitInMs ?? DEFAULT_LOCK_WAIT_MS,
    });
    startedAt = ++sequence;
    const cover = coverOf(lock, key);
    if (
      cover &&
      cover.startedAt > requestedAt &&
      cover.reader === deps.reader &&
      cover.policy === deps.policy &&
      // A request that names a new connection needs a run that listed, not one that read an embedded array.
      (cover.listed || (!options.observeByList && (options.expectConnections ?? []).length === 0)) &&
      handle.unconfirmed.length === 0
    ) {
      await handle.release();
      logger.info("reconcile: answered by a reconcile of this target that began after this request", {
        targetId,
        cause: options.cause,
      });
      return { ...result, found: cover.found, coalesced: true };
    }
  }
  let listed = true;
  const covered = (found: boolean): void => {
    // A caller's observation (options.known) was read before this run began: it cannot answer for requests
    // made meanwhile (their connection may be newer than it).
    if (mode === "enforce" && !options.known)
      recordCover(lock, key, { startedAt, found, listed, reader: deps.reader, policy: deps.policy });
  };
  try {
    // 1. Observe: the target, as ARM has it now (with its connections when its body embeds them all), or as
    //    the caller read it. Either way the observation only chooses what to decide: an approving write is
    //    recounted from a fresh list right before it (4a), any other write is guarded by If-Match or a re-read.
    const observed = await observe(targetId, deps, options, opts);
    const target = observed?.target;
    if (!target) {
      logger.info("reconcile: target not found; nothing to do", { targetId, cause: options.cause });
      covered(false);
      return result;
    }
    result.found = true;
    const run: Run = {
      target,
      deps,
      options,
      opts,
      mode,
      result,
      handled: new Set(),
      handle,
      unconfirmed: [...(handle?.unconfirmed ?? [])],
      managed: new ManagedFacts(undefined),
      snapshot: options.known !== undefined,
      observedFresh: false,
    };
    if (run.unconfirmed.length > 0) await confirmEarlierWrites(run);

    for (let pass = 0; ; pass++) {
      const embedded =
        pass === 0 &&
        observed?.connections &&
        observationCovers(observed.connections, options.expectConnections)
          ? observed.connections
          : undefined;
      if (pass === 0) listed = embedded === undefined;
      const connections = embedded ?? (await collect(reader.listConnections(target.id, opts)));
      // The definitions only corroborate a Pending request: a pass with none to decide reads none.
      const toDecide = connections.some(
        (c) => c.status === "Pending" && !run.handled.has(normalizeResourceId(c.id)),
      );
      // Once a snapshot run has read its target live, a restart pass reads the definitions live too.
      run.managed = toDecide ? await managedFacts(run, definitionsReader(run)) : new ManagedFacts(undefined);
      // The caller's snapshot is not fresh; anything this run read itself under the lock is, until it writes.
      run.observedFresh = embedded === undefined || !options.known;
      const outcome = await onePass(run, connections);
      if (outcome.kind === "done") break;
      result.restarts += 1;
      logger.info(`reconcile: ${outcome.reason}; restarting from a fresh list`, {
        targetId: target.id,
        pass: pass + 1,
      });
      if (pass >= MAX_RESTARTS) throw new StaleConnectionError(outcome.connectionId, pass + 1);
    }
    covered(true);
    return result;
  } finally {
    await handle?.release();
  }
}

/** The managed definitions naming the run's target, read through `reader` (src/core/managed). */
async function managedFacts(run: Run, reader: ManagedDefinitionReader | undefined): Promise<ManagedFacts> {
  return new ManagedFacts(
    await readManagedDefinitions(reader, run.deps.policy.managedOwners, run.target.id, run.opts),
  );
}

/** Whether an observation holds every connection the cause names (none named: it does). */
function observationCovers(
  observed: readonly PrivateEndpointConnection[],
  expected: readonly string[] | undefined,
): boolean {
  return (expected ?? []).every((id) => observed.some((c) => sameResourceId(c.id, id)));
}

/** The target and, when already known or embedded in its body, its connections; undefined: not found. */
async function observe(
  targetId: string,
  deps: ReconcileDeps,
  options: ReconcileOptions,
  opts: OperationOptions,
): Promise<{ target: TargetResource; connections?: readonly PrivateEndpointConnection[] } | undefined> {
  const known = options.known;
  if (known) {
    if (!sameResourceId(known.target.id, targetId)) {
      throw new Error(`reconcile: known target ${known.target.id} is not the requested ${targetId}`);
    }
    return known;
  }
  return readTarget(deps, targetId, opts, !options.observeByList);
}

/** The target as ARM has it now, with the connections its body embeds when `embedded` and the reader can. */
async function readTarget(
  deps: ReconcileDeps,
  targetId: string,
  opts: OperationOptions,
  embedded: boolean,
): Promise<{ target: TargetResource; connections?: PrivateEndpointConnection[] } | undefined> {
  if (embedded && deps.reader.getTargetWithConnections)
    return deps.reader.getTargetWithConnections(targetId, opts);
  const target = await deps.reader.getTarget(targetId, opts);
  return target && { target };
}

/** The definitions to read: the caller's snapshot's while the run still rests on it, live ones after. */
function definitionsReader(run: Run): ManagedDefinitionReader | undefined {
  return run.snapshot ? run.deps.managed : (run.deps.liveManaged ?? run.deps.managed);
}

/** A restart when `now` is no longer the Pending request `seen` was (another writer decided or edited it). */
function changedSince(now: PrivateEndpointConnection, seen: PrivateEndpointConnection): Step | undefined {
  return now.status !== "Pending" || (now.description ?? "") !== (seen.description ?? "")
    ? { kind: "restart", reason: `${seen.id} changed since it was read` }
    : undefined;
}

/**
 * One pass over the target's connections: the observation on the first pass, a fresh list after a restart.
 * Stops at the first lost race: the counts it read are no longer true.
 */
async function onePass(
  run: Run,
  connections: readonly PrivateEndpointConnection[],
): Promise<{ kind: "done" } | { kind: "restart"; reason: string; connectionId: string }> {
  const { deps, target, result, options } = run;
  result.untouched = 0;
  // Our view of the target's connections. Each approval decided below is folded into it, so the next
  // Pending connection's approvedCount includes it (also in audit mode, where nothing is written).
  let view = [...connections];
  for (const connection of connections) {
    if (run.handled.has(normalizeResourceId(connection.id))) continue;
    // 2. Stop unless Pending: Approved/Rejected/Disconnected ones (including those our own earlier PUT
    //    decided, whose write event brought us here again) are left exactly as they are.
    if (connection.status !== "Pending") {
      result.untouched += 1;
      continue;
    }
    const started = deps.clock.now().getTime();
    let step: Step;
    try {
      step = await decideAndAct(run, connection, view, started);
    } catch (e) {
      // The target's list failing is the target's failure, not this connection's: raised as a pass list's was.
      if (e instanceof RecountListFailure) throw e.error;
      trackFailure(deps, connection, target, e, started, options);
      if (isTransient(e)) throw e;
      deps.logger.error("reconcile: decision failed and will not be retried by this event", {
        connectionId: connection.id,
        targetId: target.id,
        error: errorMessage(e),
      });
      run.handled.add(normalizeResourceId(connection.id));
      result.failures.push({ connectionId: connection.id, targetId: target.id, error: errorMessage(e) });
      continue;
    }
    if (step.kind === "restart") return { kind: "restart", reason: step.reason, connectionId: connection.id };
    if (step.kind === "left") {
      // Not marked handled: a later pass sees it as it is now (not Pending, or gone) and counts it so.
      result.untouched += 1;
      deps.logger.info(`reconcile: ${step.reason}; left alone`, { connectionId: connection.id });
      continue;
    }
    run.handled.add(normalizeResourceId(connection.id));
    result.decisions.push(step.record);
    if (step.record.action === "approve") {
      view = view.map((c) => (c === connection ? { ...c, status: "Approved" } : c));
    }
  }
  return { kind: "done" };
}

/** The recount's list failed: raised by onePass as the target's failure (see there). */
class RecountListFailure {
  constructor(readonly error: unknown) {}
}

interface Decided {
  decision: Decision;
  facts: DecisionFacts;
}

/** 3. Decide, on facts ARM vouches for (never on the event or the request message's claims). */
async function decide(
  run: Run,
  connection: PrivateEndpointConnection,
  connections: readonly PrivateEndpointConnection[],
): Promise<Decided> {
  const { deps, target, opts } = run;
  const facts = await liveFacts(
    connection,
    target,
    connections,
    { tenants: deps.tenants, clock: deps.clock, managed: run.managed },
    opts,
  );
  return { decision: deps.policy.decide(facts), facts };
}

async function decideAndAct(
  run: Run,
  connection: PrivateEndpointConnection,
  view: readonly PrivateEndpointConnection[],
  started: number,
): Promise<Step> {
  const { deps } = run;
  let { decision, facts } = await decide(run, connection, view);
  let status = statusFor(decision.action);
  // 4. Act: one PUT for approve/reject in enforce mode; `pending` and audit mode never write.
  if (!status || run.mode !== "enforce") {
    return { kind: "record", record: recordOf(run, connection, decision, facts, "not-written", started) };
  }

  // 4a. Re-read right before writing. An approval is recounted from a fresh list of the target's
  //     connections and decided again on that count: whoever approved since our list (a human, a
  //     linkgate that ignored the lock) is counted. A reject needs only the connection itself, and so does an
  //     approval that no count can change (no limit, no managedBy, not Relay) on a connection with an etag.
  let current = connection;
  /** `current` was read by a list under the lock in this step (4a): as fresh as a GET would be. */
  let relisted = false;
  if (decision.action === "approve") {
    let fresh = view;
    // The connection's state as read in this run under the lock, with nothing written since.
    let readNow = run.observedFresh;
    if (run.snapshot) {
      // The target's tags, location and group ids and the managed definitions came from the caller's
      // snapshot: read them live (once per run) before approving on them. Read before the recount's list, so
      // that the list is the last read before the write. Where the target's body embeds its connections,
      // the same GET also gives this connection's live state and etag.
      const live = await readTarget(deps, run.target.id, run.opts, true);
      if (!live) return { kind: "left", reason: "the target is gone" };
      run.target = live.target;
      run.snapshot = false;
      run.managed = await managedFacts(run, definitionsReader(run));
      // A connection missing from the embedded array proves nothing (the array may lag): the recount decides.
      const item = live.connections?.find((c) => sameResourceId(c.id, connection.id));
      if (item && live.connections) {
        const changed = changedSince(item, connection);
        if (changed) return changed;
        current = item;
        fresh = live.connections;
        readNow = true;
      }
    }
    // Recount unless no count can change this approval's outcome (see PolicyRuntime), its state was read in this
    // run under the lock with nothing written since, and it carries an etag for the If-Match.
    const recount =
      deps.policy.dependsOnOtherConnections !== false ||
      sameType(run.target.type, RELAY_NAMESPACE_TYPE) ||
      !readNow ||
      !current.etag;
    if (recount) {
      fresh = await collect(deps.reader.listConnections(run.target.id, run.opts)).catch((e: unknown) => {
        throw new RecountListFailure(e);
      });
      const now = fresh.find((c) => sameResourceId(c.id, connection.id));
      if (!now) return { kind: "left", reason: "the connection is gone" };
      const changed = changedSince(now, connection);
      if (changed) return changed;
      current = now;
      relisted = true;
    }
    ({ decision, facts } = await decide(run, current, fresh));
    status = statusFor(decision.action);
    if (!status) {
      return { kind: "record", record: recordOf(run, current, decision, facts, "not-written", started) };
    }
  }

  // 4b. If-Match: the list item's etag, else the connection's own (GET). A provider that exposes none is
  //     re-read immediately before the PUT and compared (state and description): the residual window
  //     between that read and the PUT is documented in docs/approval.md. Where the provider's schema has no
  //     etag at all and 4a has just listed the connection under the lock, that list is the re-read: a GET
  //     could add no etag and no fresher state.
  let etag = current.etag;
  const getCannotHelp = relisted && deps.reader.connectionEtagExposed?.(run.target.type) === false;
  if (!etag && getCannotHelp) {
    deps.logger.info(
      "reconcile: the provider's connections carry no etag; writing right after the recount's list",
      { connectionId: current.id },
    );
  } else if (!etag) {
    const got = await deps.reader.getConnection(current.id, run.opts);
    if (!got) return { kind: "left", reason: "the connection is gone" };
    const changed = changedSince(got, connection);
    if (changed) return changed;
    etag = got.etag;
    if (!etag) {
      deps.logger.info(
        "reconcile: the provider exposes no etag for this connection; writing right after a re-read",
        {
          connectionId: current.id,
        },
      );
    }
  }
  if (run.handle?.lost.aborted) throw new LockLostError(run.handle.key, "lease not renewed");

  const description = deps.policy.describe(decision);
  // From here the run's earlier reads no longer stand for the target's state.
  run.observedFresh = false;
  try {
    const updated = await deps.writer.setConnectionState(current, status, description, {
      ...run.opts,
      etag,
    });
    if (updated.status !== status) {
      // The PUT answered with a state that is not ours: someone else's write landed in between (only
      // possible without an etag). Never write again on top of it: re-read and let the next pass decide.
      return { kind: "restart", reason: `${current.id} is ${updated.status ?? "unknown"} after our PUT` };
    }
    return { kind: "record", record: recordOf(run, current, decision, facts, "written", started) };
  } catch (e) {
    if (!(e instanceof ArmError) || (e.statusCode !== 412 && e.statusCode !== undefined)) throw e;
    // 412: the connection changed since our read, possibly by our own write whose response was lost (the
    // SDK retried it with the old etag). No response at all: the write may or may not have landed.
    // Either way, look at what the connection holds now.
    let now: PrivateEndpointConnection | undefined;
    try {
      now = await deps.reader.getConnection(current.id, run.opts);
    } catch (readError) {
      if (e.statusCode === 412) throw readError;
      await rememberUnconfirmed(run, current, status, description, decision, facts);
      throw e;
    }
    if (now && now.status === status && now.description === description) {
      const record = recordOf(run, current, decision, facts, "confirmed", started);
      if (e.statusCode === 412) {
        // The count we read may be stale too: emit what we owe, then start over from a fresh list.
        run.handled.add(normalizeResourceId(current.id));
        run.result.decisions.push(record);
        return { kind: "restart", reason: `${current.id}: 412 on a write that had already landed` };
      }
      return { kind: "record", record };
    }
    if (e.statusCode === undefined && now?.status === "Pending") throw e;
    return {
      kind: "restart",
      reason: `${current.id} was changed concurrently (${now?.status ?? "deleted"})`,
    };
  }
}

function recordOf(
  run: Run,
  connection: PrivateEndpointConnection,
  decision: Decision,
  facts: DecisionFacts,
  outcome: DecisionOutcome,
  started: number,
): DecisionRecord {
  const record: DecisionRecord = {
    connectionId: connection.id,
    targetId: run.target.id,
    targetType: run.target.type,
    action: decision.action,
    ruleId: decision.ruleId,
    message: decision.message,
    reasons: [...decision.reasons],
    mode: run.mode,
    written: outcome === "written",
    outcome,
    requesterSubscriptionId: facts.requester.subscriptionId,
    requesterTenantId: facts.requester.tenantId,
    latencyMs: Math.max(0, run.deps.clock.now().getTime() - started),
  };
  audit(run.deps, record, run.options);
  return record;
}

/**
 * The write's outcome is unknown (no response, and the check GET failed): keep it with the lock so the next
 * holder (the redelivery, the sweep) can confirm it and emit the audit record. Best effort: a failure here
 * is logged, the original error is what the caller sees.
 */
async function rememberUnconfirmed(
  run: Run,
  connection: PrivateEndpointConnection,
  status: "Approved" | "Rejected",
  description: string,
  decision: Decision,
  facts: DecisionFacts,
): Promise<void> {
  if (!run.handle) return;
  const entry: UnconfirmedWrite = {
    connectionId: connection.id,
    status,
    description,
    action: status === "Approved" ? "approve" : "reject",
    ruleId: decision.ruleId,
    reasons: joinReasons(decision.reasons, UNCONFIRMED_REASONS_LENGTH),
    requesterSubscriptionId: facts.requester.subscriptionId,
    requesterTenantId: facts.requester.tenantId,
    cause: run.options.cause,
    at: run.deps.clock.now().toISOString(),
  };
  run.unconfirmed = [
    ...run.unconfirmed.filter((w) => !sameResourceId(w.connectionId, connection.id)),
    entry,
  ].slice(-MAX_UNCONFIRMED);
  try {
    await run.handle.recordUnconfirmed(run.unconfirmed);
  } catch (e) {
    run.deps.logger.error(
      "reconcile: could not keep an unconfirmed write with the lock; its audit record may be lost",
      {
        connectionId: connection.id,
        error: errorMessage(e),
      },
    );
  }
}

/**
 * Writes an earlier holder could not confirm: the connection holding exactly what was written is our write,
 * and its Decision is emitted now (outcome `confirmed`). Anything else (still Pending, decided by someone
 * else, gone) is dropped: a Pending one is decided afresh below. Unreadable ones stay for the next holder.
 */
async function confirmEarlierWrites(run: Run): Promise<void> {
  const { deps } = run;
  const remaining: UnconfirmedWrite[] = [];
  for (const w of run.unconfirmed) {
    let now: PrivateEndpointConnection | undefined;
    try {
      now = await deps.reader.getConnection(w.connectionId, run.opts);
    } catch (e) {
      if (!isTransient(e)) continue;
      remaining.push(w);
      continue;
    }
    if (!now || now.status !== w.status || now.description !== w.description) continue;
    run.handled.add(normalizeResourceId(w.connectionId));
    const record: DecisionRecord = {
      connectionId: now.id,
      targetId: run.target.id,
      targetType: run.target.type,
      action: w.action,
      ruleId: w.ruleId,
      message: w.description,
      reasons: w.reasons ? [w.reasons] : [],
      mode: "enforce",
      written: false,
      outcome: "confirmed",
      requesterSubscriptionId: w.requesterSubscriptionId,
      requesterTenantId: w.requesterTenantId,
      latencyMs: Math.max(0, deps.clock.now().getTime() - Date.parse(w.at)) || 0,
    };
    audit(deps, record, { ...run.options, cause: w.cause ?? run.options.cause });
    run.result.decisions.push(record);
  }
  run.unconfirmed = remaining;
  try {
    await run.handle?.recordUnconfirmed(remaining);
  } catch (e) {
    deps.logger.warn(
      "reconcile: could not clear confirmed writes from the lock; they are confirmed again later",
      {
        targetId: run.target.id,
        error: errorMessage(e),
      },
    );
  }
}

function audit(deps: ReconcileDeps, r: DecisionRecord, options: ReconcileOptions): void {
  deps.telemetry.trackEvent(
    "LinkGate.Decision",
    {
      connectionId: r.connectionId,
      targetId: r.targetId,
      targetType: r.targetType,
      requesterSubscriptionId: r.requesterSubscriptionId,
      requesterTenantId: r.requesterTenantId,
      action: r.action,
      ruleId: r.ruleId,
      mode: r.mode,
      written: r.written ? "true" : "false",
      outcome: r.outcome,
      reasons: joinReasons(r.reasons),
      cause: options.cause,
      // Trace a decision to the policy text that made it and to the invocation's logs (issue 11).
      policyHash: deps.policy.hash ?? "",
      operationId: options.operationId ?? "",
    },
    { latencyMs: r.latencyMs },
  );
  deps.logger.info(
    `decision: ${r.action} by ${r.ruleId} (${r.mode}${r.outcome === "not-written" ? "" : `, ${r.outcome}`})`,
    {
      connectionId: r.connectionId,
      targetId: r.targetId,
      ruleId: r.ruleId,
      action: r.action,
      mode: r.mode,
      written: r.written,
      outcome: r.outcome,
    },
  );
}

function trackFailure(
  deps: ReconcileDeps,
  connection: PrivateEndpointConnection,
  target: TargetResource,
  e: unknown,
  started: number,
  options: ReconcileOptions,
): void {
  deps.telemetry.trackEvent(
    "LinkGate.DecisionFailed",
    {
      connectionId: connection.id,
      targetId: target.id,
      targetType: target.type,
      // Messages come from ArmError/our own errors, which carry status, code and resource ID, never tokens.
      error: errorMessage(e).slice(0, MAX_REASONS_PROPERTY_LENGTH),
      errorName: e instanceof Error ? e.name : typeof e,
      statusCode: e instanceof ArmError && e.statusCode !== undefined ? String(e.statusCode) : undefined,
      transient: isTransient(e) ? "true" : "false",
      cause: options.cause,
    },
    { latencyMs: Math.max(0, deps.clock.now().getTime() - started) },
  );
}
