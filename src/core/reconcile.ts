/**
 * Level-based reconcile of one private link target, in the manner of controller-runtime: the request names
 * a resource, never an event. Whatever caused the call (an Event Grid event, a duplicate of it, our own
 * approval's write event, the CLI, the sweep), the outcome depends only on ARM's current state: Pending
 * connections are decided once, everything else is left alone. That makes the handler idempotent under
 * duplicate, reordered and self-caused events.
 */
import { ArmError, errorMessage, isTransient } from "./errors";
import { buildFacts, requesterFromEndpointId } from "./facts";
import type {
  Decision,
  DecisionAction,
  DecisionFacts,
  PolicyMode,
  PrivateEndpointConnection,
  TargetResource,
} from "./model";
import type {
  ArmReader,
  Clock,
  ConnectionWriter,
  Logger,
  OperationOptions,
  TelemetrySink,
  TenantResolver,
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
}

export interface ReconcileDeps {
  reader: ArmReader;
  writer: ConnectionWriter;
  tenants: TenantResolver;
  telemetry: TelemetrySink;
  logger: Logger;
  clock: Clock;
  policy: PolicyRuntime;
}

export interface ReconcileOptions extends OperationOptions {
  /** Decide and report, never write, whatever the policy's mode says (CLI --dry-run). */
  dryRun?: boolean;
  /** What asked for this reconcile (event id, "cli", "sweep"), for logs and telemetry. */
  cause?: string;
}

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
}

/** Bound on the `reasons` property of the audit event (App Insights caps a property at 8192 chars). */
export const MAX_REASONS_PROPERTY_LENGTH = 4096;

/** Thrown when the connection changed between our read and our write; the retry re-reads it. */
export class StaleConnectionError extends Error {
  constructor(readonly connectionId: string) {
    super(
      `${connectionId}: the connection changed between read and write (If-Match failed); ` +
        `the event will be redelivered and the connection re-read`,
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

export async function reconcileTarget(
  targetId: string,
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { reader, logger } = deps;
  const opts: OperationOptions = { abortSignal: options.abortSignal };
  const result: ReconcileResult = { targetId, found: false, decisions: [], untouched: 0, failures: [] };

  // 1. Observe: the target and all its connections, as ARM has them now.
  const target = await reader.getTarget(targetId, opts);
  if (!target) {
    logger.info("reconcile: target not found; nothing to do", { targetId, cause: options.cause });
    return result;
  }
  result.found = true;
  // Our view of the target's connections. Each approval decided below is folded into it, so the next
  // Pending connection's approvedCount includes it: otherwise several Pending connections decided in one
  // pass could each see room under maxApprovedPerTarget (or Relay's 64) and overshoot it together.
  let connections = await collect(reader.listConnections(target.id, opts));

  for (const connection of [...connections]) {
    // 2. Stop unless Pending: Approved/Rejected/Disconnected ones (including those our own earlier PUT
    //    decided, whose write event brought us here again) are left exactly as they are.
    if (connection.status !== "Pending") {
      result.untouched += 1;
      continue;
    }
    const started = deps.clock.now().getTime();
    try {
      const record = await decideAndAct(connection, target, connections, deps, options, started);
      if (record) {
        result.decisions.push(record);
        if (record.action === "approve") {
          connections = connections.map((c) => (c === connection ? { ...c, status: "Approved" } : c));
        }
      } else result.untouched += 1;
    } catch (e) {
      trackFailure(deps, connection, target, e, started, options);
      if (isTransient(e)) throw e;
      logger.error("reconcile: decision failed and will not be retried by this event", {
        connectionId: connection.id,
        targetId: target.id,
        error: errorMessage(e),
      });
      result.failures.push({ connectionId: connection.id, targetId: target.id, error: errorMessage(e) });
    }
  }
  return result;
}

async function decideAndAct(
  connection: PrivateEndpointConnection,
  target: TargetResource,
  connections: readonly PrivateEndpointConnection[],
  deps: ReconcileDeps,
  options: ReconcileOptions,
  started: number,
): Promise<DecisionRecord | undefined> {
  const opts: OperationOptions = { abortSignal: options.abortSignal };
  const requester = requesterFromEndpointId(connection.privateEndpointId);

  // 3. Decide, on facts ARM vouches for (never on the event or the request message's claims).
  const [requesterTenantId, targetTenantId] = await Promise.all([
    requester.subscriptionId
      ? deps.tenants.tenantOfSubscription(requester.subscriptionId, opts)
      : Promise.resolve(undefined),
    deps.tenants.tenantOfSubscription(target.subscriptionId, opts),
  ]);
  const facts = buildFacts({
    connection,
    target,
    connections,
    requesterTenantId,
    targetTenantId,
    now: deps.clock.now(),
  });
  const decision = deps.policy.decide(facts);
  const mode: PolicyMode = options.dryRun ? "audit" : deps.policy.mode;

  // 4. Act: one PUT for approve/reject in enforce mode; `pending` and audit mode never write.
  const status = statusFor(decision.action);
  let written = false;
  if (status && mode === "enforce") {
    try {
      await deps.writer.setConnectionState(connection, status, deps.policy.describe(decision), {
        ...opts,
        etag: connection.etag,
      });
      written = true;
    } catch (e) {
      if (e instanceof ArmError && e.statusCode === 412) {
        // Someone changed the connection since step 1. If it is no longer Pending it was decided
        // elsewhere and there is nothing left to do; otherwise retry from a fresh read.
        const now = await deps.reader.getConnection(connection.id, opts);
        if (!now || now.status !== "Pending") {
          deps.logger.info("reconcile: connection was decided concurrently; left alone", {
            connectionId: connection.id,
            status: now?.status ?? "deleted",
          });
          return undefined;
        }
        throw new StaleConnectionError(connection.id);
      }
      throw e;
    }
  }

  const record: DecisionRecord = {
    connectionId: connection.id,
    targetId: target.id,
    targetType: target.type,
    action: decision.action,
    ruleId: decision.ruleId,
    message: decision.message,
    reasons: [...decision.reasons],
    mode,
    written,
    requesterSubscriptionId: requester.subscriptionId,
    requesterTenantId: facts.requester.tenantId,
    latencyMs: Math.max(0, deps.clock.now().getTime() - started),
  };
  audit(deps, record, options);
  return record;
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
      reasons: joinReasons(r.reasons),
      cause: options.cause,
    },
    { latencyMs: r.latencyMs },
  );
  deps.logger.info(`decision: ${r.action} by ${r.ruleId} (${r.mode}${r.written ? ", written" : ""})`, {
    connectionId: r.connectionId,
    targetId: r.targetId,
    ruleId: r.ruleId,
    action: r.action,
    mode: r.mode,
    written: r.written,
  });
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
