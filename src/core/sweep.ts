/**
 * One health sweep: 1 collect the estate once, 2 run the checks over it, 3 reconcile Pending connections the
 * policy would decide (the safety net behind missed events), 4 compare with the findings open before,
 * 5 save, 6 report transitions and a summary.
 *
 * Telemetry reports what changed (a `LinkGate.Finding` per opened or resolved finding) and one
 * `LinkGate.SweepCompleted`, not every finding every 15 minutes; the open-findings metrics carry the level.
 * Nothing in telemetry or state storage can stop a sweep: their failures are logged and summarised.
 */
import type { Check, CheckSettings } from "./checks/types";
import { check as missedEventCheck } from "./checks/connection-missed-event";
import { connectionsOf, estateOf } from "./checks/estate";
import { runChecks } from "./checks/run";
import { errorMessage, isTransient } from "./errors";
import { mapLimit } from "./concurrency/mapLimit";
import { inventoryFacts, targetFromInventory } from "./decisionFacts/inventory";
import { inventoryTenants } from "./tenants/inventoryTenants";
import { inventoryDefinitionReader } from "./managed/read";
import { degradationOf, type Degradation } from "./degraded";
import { diffFindings, SEVERITIES, type Finding, type NewFinding, type Severity } from "./findings";
import type { CollectionError, Inventory } from "./inventory";
import { CONNECTION_STATUSES, type DecisionFacts, type PrivateEndpointConnection } from "./model";
import { reconcileTarget, type DecisionRecord, type PolicyRuntime, type ReconcileFailure } from "./reconcile";
import { MAX_TRACKED, PENDING_CHECK_ID, updatePendingSeen } from "./pendingSeen";
import { planOnce } from "./revocation/plan";
import type { RevocationResult } from "./revocation/revoke";
import { revocationStep } from "./revocation/sweepStep";
import { normalizeResourceId, splitConnectionId } from "./resourceId";
import type {
  ArmReader,
  Clock,
  CollectProgress,
  ConnectionWriter,
  FindingStore,
  InventoryCollector,
  Logger,
  ManagedDefinitionReader,
  SweepScope,
  TargetLock,
  TelemetrySink,
  TenantResolver,
} from "../ports";
import type { PendingSeenStore } from "../ports/pendingSeen";

/** App Insights caps a custom property at 8192 characters. */
const MAX_PROPERTY_LENGTH = 8192;
/** Targets reconciled at a time by one sweep (one target's connections are decided one after another). */
export const RECONCILE_CONCURRENCY = 16;

export interface SweepDeps {
  collector: InventoryCollector;
  checks: readonly Check[];
  /** Absent: stateless (every finding is reported as opened, nothing is saved). */
  store?: FindingStore;
  /** When linkgate first saw each connection Pending; absent: Pending connections without systemData stay undated. */
  pendingSeen?: PendingSeenStore;
  telemetry: TelemetrySink;
  logger: Logger;
  clock: Clock;
  tenants: TenantResolver;
  /** Absent: the policy checks (missed event, drift) have nothing to evaluate and report nothing. */
  policy?: PolicyRuntime;
  /** Absent: missed events are reported, not reconciled. */
  /** The lock serializes reconcile's writes per target with the Event Grid handler's (see core/lock). */
  approval?: {
    reader: ArmReader;
    writer: ConnectionWriter;
    lock?: TargetLock;
    /** Live managed-definition reader: an approval re-reads the definitions the inventory held through it. */
    managed?: ManagedDefinitionReader;
  };
}

export interface SweepOptions {
  scope: SweepScope;
  settings: CheckSettings;
  /** Check ids to run (empty: all) and never to run. */
  only?: readonly string[];
  disabled?: readonly string[];
  suppressTag?: string;
  /** Reconcile missed events through the approval path (enforce-mode policy only). Default true. */
  reconcile?: boolean;
  /** What started the sweep ("timer", "cli", "demo"), for logs and telemetry. */
  trigger?: string;
  abortSignal?: AbortSignal;
  onProgress?: (p: CollectProgress) => void;
}

export interface SweepSummary {
  startedAt: string;
  durationMs: number;
  trigger: string;
  subscriptions: number;
  managementGroup?: string;
  resources: {
    privateLinkServices: number;
    paasResources: number;
    privateEndpoints: number;
    connections: number;
  };
  /** Open findings by severity, after suppression. */
  findings: Record<Severity, number> & { total: number };
  opened: number;
  resolved: number;
  unchanged: number;
  suppressed: number;
  checksRun: number;
  checkErrors: number;
  collectionErrors: number;
  decisions: number;
  reconcileFailures: number;
  connectionsByState: Record<string, number>;
  /** False when no finding store is configured or it failed: transitions are then relative to nothing. */
  stateful: boolean;
  stateError?: string;
  /**
   * The revocation step failed (its plan or its run threw): nothing more was revoked, the rest of the sweep
   * (findings, state) went on. Absent when it ran or did not apply.
   */
  revocationError?: string;
  /**
   * True when part of the estate could not be read or a check threw: findings there were carried forward
   * unchanged (never resolved) and new ones there withheld. See core/degraded.ts.
   */
  degraded: boolean;
  /** What could not be read (subscriptions, management group, "(metrics)", "private DNS"...), bounded. */
  failedScopes: string[];
  /** Checks that threw, bounded. */
  failedChecks: string[];
  /** Open findings kept as they were because this sweep could not judge them. */
  carriedForward: number;
  /** Findings seen in a failed scope or check that were not open: reported once a clean sweep sees them. */
  withheld: number;
}

export interface SweepResult {
  /** Open findings, errors first, then in check order. */
  findings: Finding[];
  opened: Finding[];
  resolved: Finding[];
  decisions: DecisionRecord[];
  reconcileFailures: ReconcileFailure[];
  /** The revocation step's outcome; absent when the policy does not opt in or the sweep may not write. */
  revocations?: RevocationResult;
  checkErrors: { checkId: string; message: string }[];
  collectionErrors: CollectionError[];
  /** Open findings carried forward unchanged (a subset of `findings`) and new ones withheld, when degraded. */
  carried: Finding[];
  withheld: NewFinding[];
  summary: SweepSummary;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A resolver that answers from tenants already learned, and asks `resolver` only for the others. */
function knownTenantsFirst(
  known: ReadonlyMap<string, string | undefined> | undefined,
  resolver: TenantResolver,
): TenantResolver {
  if (!known) return resolver;
  return {
    tenantOfSubscription: async (subscriptionId, options) =>
      known.get(subscriptionId.toLowerCase()) ?? resolver.tenantOfSubscription(subscriptionId, options),
  };
}

function sortFindings(findings: Finding[]): Finding[] {
  // Array.prototype.sort is stable: within a severity, findings keep the checks' registry order.
  return findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

function clip(text: string): string {
  return text.length <= MAX_PROPERTY_LENGTH ? text : `${text.slice(0, MAX_PROPERTY_LENGTH - 1)}…`;
}

export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepResult> {
  const { logger, telemetry } = deps;
  const started = deps.clock.now();
  const startedAt = started.toISOString();
  const trigger = options.trigger ?? "manual";
  const abortSignal = options.abortSignal;
  const progress = options.onProgress ?? (() => {});

  // 1. Collect once; a failing scope is recorded in the inventory, never fatal.
  const inv = await deps.collector.collect(options.scope, {
    now: started,
    windowMinutes: options.settings.trafficWindowMinutes,
    abortSignal,
    onProgress: progress,
  });
  for (const e of inv.collectionErrors) {
    logger.warn(`sweep: collection error in ${e.scope}: ${e.message}`, { scope: e.scope, kind: e.kind });
  }

  // 1b. When linkgate first saw each connection Pending: the only age a PLS connection has.
  const pending = await trackPendingSeen(deps, inv, started, abortSignal);

  // 2. Check. Policy checks need tenants, which are learned here so the checks stay pure.
  progress({ phase: "checks", done: 0, total: deps.checks.length });
  const policy = deps.policy;
  let factsFor: ((c: PrivateEndpointConnection) => DecisionFacts | undefined) | undefined;
  let tenantMap: Map<string, string | undefined> | undefined;
  if (policy) {
    tenantMap = await inventoryTenants(inv, deps.tenants, {
      abortSignal,
      include: (c) => c.status === "Pending" || c.status === "Approved",
      onFailure: (subscriptionId, e) =>
        deps.logger.warn("sweep: tenant of subscription unknown; policy conditions on it will not match", {
          subscriptionId,
          error: errorMessage(e),
        }),
    });
    factsFor = inventoryFacts(inv, tenantMap, started, policy.managedOwners);
  }
  // One revocation plan per sweep, built on first use: the guard check and the revocation step (3b) share it.
  const revocationPlan = policy
    ? planOnce(inv, {
        settings: policy.revocation,
        now: started,
        evaluate: (facts) => policy.decide(facts),
        factsFor,
      })
    : undefined;
  const checked = runChecks(
    inv,
    {
      settings: options.settings,
      now: started,
      evaluate: policy ? (facts) => policy.decide(facts) : undefined,
      policyMode: policy?.mode,
      factsFor,
      revocation: policy?.revocation,
      revocationPlan,
      pendingFirstSeen: pending.firstSeen
        ? (c) => pending.firstSeen?.get(normalizeResourceId(c.id))
        : undefined,
    },
    {
      only: options.only ? [...options.only] : undefined,
      disabled: options.disabled ? [...options.disabled] : undefined,
      suppressTag: options.suppressTag,
    },
    deps.checks,
  );
  progress({ phase: "checks", done: deps.checks.length, total: deps.checks.length });
  for (const e of checked.checkErrors) logger.error(`sweep: ${e.message}`, { checkId: e.checkId });

  // 3. Reconcile what events missed: only in enforce mode (an audit policy never writes, and re-auditing
  //    the same Pending connection every sweep would only repeat the finding).
  const decisions: DecisionRecord[] = [];
  const reconcileFailures: ReconcileFailure[] = [];
  if (options.reconcile !== false && policy?.mode === "enforce" && deps.approval) {
    const targets = missedEventTargets(checked.findings);
    let done = 0;
    progress({ phase: "reconcile", done, total: targets.length });
    // Different targets in parallel (bounded); each target's decisions stay serialized by its lock
    // (core/lock). Results are kept per target and reported in target order, as a serial pass would.
    const perTarget: { decisions: DecisionRecord[]; failures: ReconcileFailure[] }[] = targets.map(() => ({
      decisions: [],
      failures: [],
    }));
    const approval = deps.approval;
    // The target and its connections as collected: reconcile does not read the target again, and recounts
    // from a fresh list under the lock right before each approving write (core/reconcile).
    const estate = estateOf(inv);
    // Tenants the checks already learned (the inventory's subscriptions, the look-ups above) are not asked again.
    const tenants = knownTenantsFirst(tenantMap, deps.tenants);
    // One reader over the inventory's definitions for every target (it indexes them once).
    const managed = inventoryDefinitionReader(inv.managedDefinitions);
    await mapLimit([...targets.keys()], RECONCILE_CONCURRENCY, async (i) => {
      const targetId = targets[i] as string;
      const out = perTarget[i] as (typeof perTarget)[number];
      const key = normalizeResourceId(targetId);
      const raw = estate.pls.get(key) ?? estate.paas.get(key);
      const target = raw && targetFromInventory(raw);
      try {
        const r = await reconcileTarget(
          targetId,
          {
            ...approval,
            managed,
            liveManaged: approval.managed,
            tenants,
            telemetry,
            logger,
            clock: deps.clock,
            policy,
          },
          {
            cause: "sweep",
            abortSignal,
            known: target ? { target, connections: connectionsOf(estate, key) } : undefined,
          },
        );
        out.decisions.push(...r.decisions);
        out.failures.push(...r.failures);
      } catch (e) {
        // A transient failure is retried by the next sweep; the finding stays open until then.
        out.failures.push({ connectionId: "", targetId, error: errorMessage(e) });
        logger.error(
          `sweep: reconcile of ${targetId} failed${isTransient(e) ? " (transient; the next sweep retries)" : ""}`,
          {
            targetId,
            error: errorMessage(e),
          },
        );
      }
      progress({ phase: "reconcile", done: ++done, total: targets.length });
    });
    for (const t of perTarget) {
      decisions.push(...t.decisions);
      reconcileFailures.push(...t.failures);
    }
  }

  // 3b. Revoke what the policy opted in to (core/revocation): guarded, under the target lock, If-Match'd;
  //     only where reconcile may write, and revocation audit mode never writes.
  //     A failure of the step revokes nothing more and is reported; it does not cost the sweep its findings.
  let revocations: RevocationResult | undefined;
  let revocationError: string | undefined;
  if (options.reconcile !== false && policy?.revocation && deps.approval && revocationPlan) {
    try {
      revocations = await revocationStep(
        revocationPlan,
        inv,
        policy,
        { ...deps.approval, telemetry, logger, clock: deps.clock },
        { abortSignal },
      );
    } catch (e) {
      if (abortSignal?.aborted) throw e;
      revocationError = `revocation step failed, nothing more revoked: ${errorMessage(e)}`;
      logger.error(`sweep: ${revocationError}`);
    }
  }

  // 4. Compare with what was open before.
  progress({ phase: "state", done: 0, total: 1 });
  let stateful = !!deps.store;
  let stateError: string | undefined;
  let previous: Finding[] = [];
  if (deps.store) {
    try {
      previous = await deps.store.listOpen({ abortSignal });
    } catch (e) {
      // Without the previous state every finding would look new: report none as a transition rather than
      // flood on-call, and do not overwrite the state we could not read.
      stateful = false;
      stateError = `reading finding state from ${deps.store.description} failed: ${errorMessage(e)}`;
      logger.error(`sweep: ${stateError}`);
    }
  }
  const now = deps.clock.now().toISOString();
  // What this sweep could not see it must not judge: those findings stay as the last clean sweep left them.
  const degradation = degradationOf(
    inv.collectionErrors,
    checked.checkErrors,
    new Set(deps.checks.map((c) => c.id)),
  );
  if (degradation.degraded) {
    logger.warn(
      `sweep: degraded; findings in what could not be read or run are carried forward, not resolved: ` +
        [...degradation.failedScopes, ...degradation.failedChecks.map((c) => `check ${c}`)].join(", "),
      { failedScopes: degradation.failedScopes, failedChecks: degradation.failedChecks },
    );
  }
  // Stateless there is nothing to carry and nothing to page: show everything this sweep saw.
  const diff = diffFindings(previous, checked.findings, now, {
    covered: deps.store && stateful ? (f) => degradation.covers(f) : undefined,
  });

  // 5. Save. Transitions are reported even if saving fails: a duplicate "opened" next time beats a lost one.
  if (deps.store && stateful) {
    try {
      await deps.store.save({ open: diff.open, resolved: diff.resolved }, { abortSignal });
    } catch (e) {
      stateError = `saving finding state to ${deps.store.description} failed: ${errorMessage(e)}`;
      logger.error(`sweep: ${stateError}`);
    }
  }
  const pendingError = await savePendingSeen(deps, pending, abortSignal);
  if (pendingError) stateError = stateError ? `${stateError}; ${pendingError}` : pendingError;
  progress({ phase: "state", done: 1, total: 1 });

  const findings = sortFindings([...diff.open]);
  const opened = stateError && !stateful ? [] : diff.opened;
  const resolved = stateError && !stateful ? [] : diff.resolved;
  const bySeverity = { error: 0, warning: 0, info: 0 } as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity] += 1;
  const connectionsByState: Record<string, number> = {};
  for (const s of CONNECTION_STATUSES) connectionsByState[s] = 0;
  for (const c of inv.connections) {
    const s = c.status ?? "Unknown";
    connectionsByState[s] = (connectionsByState[s] ?? 0) + 1;
  }
  const finished = deps.clock.now();
  const summary: SweepSummary = {
    startedAt,
    durationMs: Math.max(0, finished.getTime() - started.getTime()),
    trigger,
    subscriptions: inv.subscriptions.length,
    managementGroup: options.scope.managementGroup,
    resources: {
      privateLinkServices: inv.privateLinkServices.length,
      paasResources: inv.paasResources.length,
      privateEndpoints: inv.privateEndpoints.length,
      connections: inv.connections.length,
    },
    findings: { ...bySeverity, total: findings.length },
    opened: opened.length,
    resolved: resolved.length,
    unchanged: findings.length - diff.opened.length - diff.carried.length,
    suppressed: checked.suppressed,
    checksRun: checked.checksRun,
    checkErrors: checked.checkErrors.length,
    collectionErrors: inv.collectionErrors.length,
    decisions: decisions.length,
    reconcileFailures: reconcileFailures.length,
    connectionsByState,
    stateful,
    stateError,
    ...(revocationError ? { revocationError } : {}),
    degraded: degradation.degraded,
    failedScopes: degradation.failedScopes,
    failedChecks: degradation.failedChecks,
    carriedForward: diff.carried.length,
    withheld: diff.withheld.length,
  };

  // 6. Report. The sink never throws (port contract); the guard keeps a broken fake from costing the result.
  try {
    report(telemetry, summary, opened, resolved);
  } catch (e) {
    logger.warn(`sweep: telemetry failed: ${errorMessage(e)}`);
  }
  logger.info(
    `sweep: ${summary.findings.total} open findings (${bySeverity.error} error, ${bySeverity.warning} warning, ${bySeverity.info} info), ` +
      `${summary.opened} opened, ${summary.resolved} resolved, ${summary.decisions} decisions in ${summary.durationMs} ms` +
      (summary.degraded
        ? `; DEGRADED: ${summary.carriedForward} carried forward, ${summary.withheld} withheld`
        : ""),
    {
      trigger,
      stateful,
      degraded: summary.degraded,
      checkErrors: summary.checkErrors,
      collectionErrors: summary.collectionErrors,
    },
  );
  return {
    findings,
    opened,
    resolved,
    decisions,
    reconcileFailures,
    revocations,
    checkErrors: checked.checkErrors,
    collectionErrors: inv.collectionErrors,
    carried: diff.carried,
    withheld: diff.withheld,
    summary,
  };
}

interface PendingTracking {
  /** Undefined when nothing is tracked (no store, or it could not be read). */
  firstSeen?: Map<string, Date>;
  change?: { add: { connectionId: string; firstSeen: string }[]; forget: string[] };
  error?: string;
}

/**
 * Reads when each connection was first seen Pending and folds in this sweep's connections. A connection is
 * forgotten only when a sweep that could read its target sees it no longer Pending or gone: a degraded sweep
 * keeps the first-seen times of what it could not read. Never fatal: without the record the check only loses
 * its age of last resort.
 */
async function trackPendingSeen(
  deps: SweepDeps,
  inv: Inventory,
  now: Date,
  abortSignal: AbortSignal | undefined,
): Promise<PendingTracking> {
  const store = deps.pendingSeen;
  if (!store) return {};
  let previous;
  try {
    previous = await store.list({ abortSignal });
  } catch (e) {
    // Saving without the previous record would restart every clock: keep it as it is.
    const error = `reading first-seen-Pending times from ${store.description} failed: ${errorMessage(e)}`;
    deps.logger.error(`sweep: ${error}`);
    return { error };
  }
  const blindness: Degradation = degradationOf(inv.collectionErrors, []);
  const u = updatePendingSeen(previous, inv.connections, now, (connectionId) =>
    blindness.covers({ checkId: PENDING_CHECK_ID, resourceId: connectionId }),
  );
  if (u.dropped > 0) {
    deps.logger.warn(
      `sweep: ${u.dropped} Pending connection(s) not dated: linkgate tracks at most ${MAX_TRACKED} per sweep scope`,
    );
  }
  return { firstSeen: u.firstSeen, change: { add: u.add, forget: u.forget } };
}

async function savePendingSeen(
  deps: SweepDeps,
  tracking: PendingTracking,
  abortSignal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (tracking.error) return tracking.error;
  const store = deps.pendingSeen;
  const change = tracking.change;
  if (!store || !change || (change.add.length === 0 && change.forget.length === 0)) return undefined;
  try {
    await store.save(change, { abortSignal });
    return undefined;
  } catch (e) {
    const error = `saving first-seen-Pending times to ${store.description} failed: ${errorMessage(e)}`;
    deps.logger.error(`sweep: ${error}`);
    return error;
  }
}

/** Distinct targets of the missed-event findings, in first-seen order. */
export function missedEventTargets(findings: readonly NewFinding[]): string[] {
  const out = new Map<string, string>();
  for (const f of findings) {
    if (f.checkId !== missedEventCheck.id) continue;
    const parent = splitConnectionId(f.resourceId)?.parentId;
    if (parent && !out.has(normalizeResourceId(parent))) out.set(normalizeResourceId(parent), parent);
  }
  return [...out.values()];
}

function findingEvent(telemetry: TelemetrySink, f: Finding, transition: "opened" | "resolved"): void {
  telemetry.trackEvent("LinkGate.Finding", {
    findingId: f.id,
    checkId: f.checkId,
    severity: f.severity,
    resourceId: f.resourceId,
    message: clip(f.message),
    remediation: clip(f.remediation),
    docUrl: f.docUrl,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
    transition,
  });
}

function report(telemetry: TelemetrySink, s: SweepSummary, opened: Finding[], resolved: Finding[]): void {
  for (const f of opened) findingEvent(telemetry, f, "opened");
  for (const f of resolved) findingEvent(telemetry, f, "resolved");
  telemetry.trackEvent(
    "LinkGate.SweepCompleted",
    {
      trigger: s.trigger,
      startedAt: s.startedAt,
      stateful: String(s.stateful),
      stateError: s.stateError ? clip(s.stateError) : undefined,
      degraded: String(s.degraded),
      failedScopes: s.failedScopes.length > 0 ? clip(s.failedScopes.join(", ")) : undefined,
      failedChecks: s.failedChecks.length > 0 ? clip(s.failedChecks.join(", ")) : undefined,
      managementGroup: s.managementGroup,
    },
    {
      durationMs: s.durationMs,
      subscriptions: s.subscriptions,
      openFindings: s.findings.total,
      errors: s.findings.error,
      warnings: s.findings.warning,
      infos: s.findings.info,
      opened: s.opened,
      resolved: s.resolved,
      unchanged: s.unchanged,
      carriedForward: s.carriedForward,
      withheld: s.withheld,
      suppressed: s.suppressed,
      checkErrors: s.checkErrors,
      collectionErrors: s.collectionErrors,
      decisions: s.decisions,
      reconcileFailures: s.reconcileFailures,
      connections: s.resources.connections,
    },
  );
  // Every severity and state is sent, zeros included, so an alert on them can resolve.
  for (const sev of SEVERITIES)
    telemetry.trackMetric("LinkGate.OpenFindings", s.findings[sev], { severity: sev });
  for (const [state, n] of Object.entries(s.connectionsByState)) {
    telemetry.trackMetric("LinkGate.Connections", n, { state });
  }
}
