/**
 * The one code path behind the Event Grid function and `linkgate handle-event`: parse → resolve the
 * targets each event hints at → reconcile every distinct target once.
 *
 * Failure policy (Event Grid redelivers a failed invocation for up to 24 h, then dead-letters):
 * - malformed or unhandled events: logged and acknowledged, a retry would fail the same way;
 * - transient ARM failures (408/429/5xx/network, a stale etag): thrown, so Event Grid redelivers and the
 *   retry re-reads ARM; reconcile is idempotent, so whatever was already decided is left alone;
 * - terminal failures on one target (403, unsupported type...): logged, the other targets still run;
 * - more than the bounded work (limits.ts: distinct targets per event and per invocation, private endpoint
 *   reads per invocation): the rest is dropped with one warn line; the sweep reconciles what it names.
 */
import { errorMessage, isTransient } from "../errors";
import type { OperationOptions } from "../../ports";
import { normalizeResourceId, parseResourceId, resourceType, tryParseResourceId } from "../resourceId";
import {
  reconcileTarget,
  type DecisionRecord,
  type ReconcileDeps,
  type ReconcileFailure,
  type ReconcileOptions,
} from "../reconcile";
import { EVENT_LIMITS, resourceIdProblem } from "./limits";
import { parseEvents, targetsOfPrivateEndpoint, type EventHint, type ParsedEvent } from "./parse";

export interface HandleEventDeps extends ReconcileDeps {
  /** Whether linkgate can read and decide connections on this type (PLS or a known PaaS type). */
  supportsTargetType(resourceType: string): boolean;
  /**
   * Whether a target lies in the estate this deployment manages (e.g. LINKGATE_SUBSCRIPTIONS). A private
   * endpoint may name anyone's resource; only ours can be acted on.
   */
  inScope(targetId: string): boolean;
}

export interface EventOutcome {
  id?: string;
  type?: string;
  schema?: string;
  status: ParsedEvent["status"];
  reason?: string;
  targets: string[];
  /** Distinct targets this event named that were not reconciled (over a bound); absent when none. */
  dropped?: number;
}

/** Work an input asked for beyond EVENT_LIMITS, reported once per invocation. */
interface Dropped {
  perEvent: number;
  perInvocation: number;
  endpointReads: number;
  eventIds: string[];
}

export interface HandleResult {
  events: EventOutcome[];
  decisions: DecisionRecord[];
  failures: ReconcileFailure[];
}

export async function handleEventInput(
  input: unknown,
  deps: HandleEventDeps,
  options: Omit<ReconcileOptions, "cause"> = {},
): Promise<HandleResult> {
  const { logger } = deps;
  const result: HandleResult = { events: [], decisions: [], failures: [] };
  /** Per target: what caused it, the connections events named, whether a new connection may not be embedded yet. */
  const targets = new Map<
    string,
    { id: string; cause: string; expectConnections: string[]; observeByList: boolean }
  >();
  const opts: OperationOptions = { abortSignal: options.abortSignal };
  const dropped: Dropped = { perEvent: 0, perInvocation: 0, endpointReads: 0, eventIds: [] };
  const budget = { endpointReads: EVENT_LIMITS.maxEndpointReadsPerInvocation };

  for (const parsed of parseEvents(input)) {
    if (parsed.status === "malformed") {
      logger.warn(`event ignored: ${parsed.reason}`, { eventId: parsed.id });
      result.events.push({ id: parsed.id, status: "malformed", reason: parsed.reason, targets: [] });
      continue;
    }
    const { event } = parsed;
    const base = { id: event.id, type: event.type, schema: event.schema };
    if (parsed.status === "ignored") {
      logger.info(`event ignored: ${parsed.reason}`, { eventId: event.id, eventType: event.type });
      result.events.push({ ...base, status: "ignored", reason: parsed.reason, targets: [] });
      continue;
    }
    let resolved: Resolved;
    try {
      resolved = await resolveTargets(parsed.hint, deps, opts, budget);
    } catch (e) {
      if (isTransient(e)) throw e;
      const reason = `cannot resolve the targets of event ${event.id}: ${errorMessage(e)}`;
      logger.warn(reason, { eventId: event.id });
      result.events.push({ ...base, status: "accepted", reason, targets: [] });
      continue;
    }
    if (resolved.skippedRead) {
      dropped.endpointReads += 1;
      dropped.eventIds.push(event.id);
      result.events.push({
        ...base,
        status: "accepted",
        reason: `private endpoint not read: over the ${EVENT_LIMITS.maxEndpointReadsPerInvocation} endpoint reads per invocation`,
        targets: [],
      });
      continue;
    }
    const kept = resolved.targets.filter((id) => keepTarget(id, deps, event.id));
    let droppedHere = resolved.dropped;
    dropped.perEvent += resolved.dropped;
    const taken: string[] = [];
    const hint = parsed.hint;
    for (const id of kept) {
      const key = normalizeResourceId(id);
      if (!targets.has(key) && targets.size < EVENT_LIMITS.maxTargetsPerInvocation)
        targets.set(key, { id, cause: `event ${event.id}`, expectConnections: [], observeByList: false });
      const entry = targets.get(key);
      if (entry) {
        // A connection event names its connection; a new endpoint or definition makes one the target's body
        // may not embed yet: either way reconcile must not choose from an array that lacks it.
        if (hint.kind === "connection") entry.expectConnections.push(hint.connectionId);
        if (hint.kind === "privateEndpoint" || hint.kind === "definition") entry.observeByList = true;
        taken.push(id);
      } else {
        dropped.perInvocation += 1;
        droppedHere += 1;
      }
    }
    if (droppedHere > 0) dropped.eventIds.push(event.id);
    logger.info(`event ${event.id} (${event.type}) names ${taken.length} target(s)`, {
      eventId: event.id,
      hint: parsed.hint.kind,
      targets: taken,
      ...(droppedHere > 0 ? { droppedTargets: droppedHere } : {}),
    });
    result.events.push({
      ...base,
      status: "accepted",
      targets: taken,
      ...(droppedHere > 0 ? { dropped: droppedHere } : {}),
    });
  }
  warnDropped(dropped, deps);

  for (const { id, cause, expectConnections, observeByList } of targets.values()) {
    try {
      const r = await reconcileTarget(id, deps, { ...options, cause, expectConnections, observeByList });
      result.decisions.push(...r.decisions);
      result.failures.push(...r.failures);
    } catch (e) {
      if (isTransient(e)) throw e;
      logger.error(`reconcile of ${id} failed; not retried: ${errorMessage(e)}`, { targetId: id });
      result.failures.push({ connectionId: "", targetId: id, error: errorMessage(e) });
    }
  }
  return result;
}

function keepTarget(id: string, deps: HandleEventDeps, eventId: string): boolean {
  const p = tryParseResourceId(id);
  const type = p ? resourceType(p) : "";
  if (!p || !deps.supportsTargetType(type)) {
    deps.logger.info(`event ${eventId}: ${id} is not a private link target type linkgate handles`, {
      targetId: id,
      targetType: type,
    });
    return false;
  }
  if (!deps.inScope(id)) {
    deps.logger.info(`event ${eventId}: ${id} is outside the managed subscriptions; left alone`, {
      targetId: id,
    });
    return false;
  }
  return true;
}

/** One line for everything an input asked beyond the bounds, so a flood does not flood the log too. */
function warnDropped(d: Dropped, deps: HandleEventDeps): void {
  const total = d.perEvent + d.perInvocation;
  if (total === 0 && d.endpointReads === 0) return;
  const parts: string[] = [];
  if (d.perEvent > 0)
    parts.push(`${d.perEvent} target(s) beyond the ${EVENT_LIMITS.maxTargetsPerEvent} taken from one event`);
  if (d.perInvocation > 0)
    parts.push(
      `${d.perInvocation} target(s) beyond the ${EVENT_LIMITS.maxTargetsPerInvocation} reconciled per invocation`,
    );
  if (d.endpointReads > 0)
    parts.push(
      `${d.endpointReads} private endpoint(s) not read, beyond the ${EVENT_LIMITS.maxEndpointReadsPerInvocation} reads per invocation`,
    );
  deps.logger.warn(
    `events asked for more than linkgate does per invocation; dropped ${parts.join("; ")}. ` +
      "Not retried (a retry would ask the same); the sweep reconciles the Pending connections of every managed target",
    {
      droppedTargets: total,
      droppedEndpointReads: d.endpointReads,
      limits: { ...EVENT_LIMITS },
      eventIds: d.eventIds,
    },
  );
}

interface Resolved {
  targets: string[];
  /** Distinct targets named beyond the per-event bound. */
  dropped: number;
  /** The endpoint had to be read but the invocation's read budget was spent. */
  skippedRead?: boolean;
}

async function resolveTargets(
  hint: EventHint,
  deps: HandleEventDeps,
  opts: OperationOptions,
  budget: { endpointReads: number },
): Promise<Resolved> {
  switch (hint.kind) {
    case "connection":
      return { targets: [hint.targetId], dropped: 0 };
    case "target":
      return { targets: [hint.targetId], dropped: 0 };
    case "definition": {
      // Only a hint: the definition is re-read, and the target it names now is what gets reconciled.
      if (!deps.managed) {
        deps.logger.info(
          "managed private endpoint definition written, but no definition reader is configured",
          {
            definitionId: hint.definitionId,
          },
        );
        return { targets: [], dropped: 0 };
      }
      if (budget.endpointReads <= 0) return { targets: [], dropped: 0, skippedRead: true };
      budget.endpointReads -= 1;
      const def = await deps.managed.getDefinition(hint.definitionId, opts);
      if (!def) {
        deps.logger.info("managed private endpoint definition no longer exists; nothing to reconcile", {
          definitionId: hint.definitionId,
        });
        return { targets: [], dropped: 0 };
      }
      const problem = resourceIdProblem(def.targetId);
      const target = problem ? undefined : tryParseResourceId(def.targetId);
      if (!target || !target.provider) {
        deps.logger.info(`definition ${hint.definitionId} names no usable target; ignored`, {
          definitionId: hint.definitionId,
        });
        return { targets: [], dropped: 0 };
      }
      return { targets: [target.id], dropped: 0 };
    }
    case "privateEndpoint": {
      // A body carried by the event is as good a hint as a fresh read (reconcile re-reads each target),
      // and it spares a read of an endpoint we may not be allowed to see.
      if (hint.properties) {
        const named = targetsOfPrivateEndpoint(hint.properties);
        if (named.targets.length > 0) return named;
      }
      if (budget.endpointReads <= 0) return { targets: [], dropped: 0, skippedRead: true };
      budget.endpointReads -= 1;
      const body = await deps.reader.getResource(parseResourceId(hint.endpointId).id, opts);
      if (!body) {
        deps.logger.info("private endpoint no longer exists; nothing to reconcile", {
          endpointId: hint.endpointId,
        });
        return { targets: [], dropped: 0 };
      }
      return targetsOfPrivateEndpoint(body);
    }
  }
}
