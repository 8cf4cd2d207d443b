/**
 * Composition of one sweep from app settings, shared by the timer function, `linkgate sweep` and the demo:
 * the collector over ARM (or the emulator), the registered checks, finding state in Table Storage (when
 * configured), the policy and the approval ports for reconciling missed events, and telemetry.
 */
import { ALL_CHECKS } from "../../core/checks";
import type { CheckSettings } from "../../core/checks/types";
import type { PolicyRuntime } from "../../core/reconcile";
import type { SweepDeps, SweepOptions } from "../../core/sweep";
import type { Clock, Logger, SweepScope, TelemetrySink } from "../../ports";
import { checkSubscriptionIds, loadSettings, SettingsError, type Settings } from "../../config";
import { approvalPorts } from "../compose";
import type { ArmContext } from "../arm/context";
import { LiveDns, parseResolverSetting } from "../dns/liveDns";
import type { TableClient } from "@azure/data-tables";
import {
  findingStoreFromEnv,
  pendingPartition,
  pendingSeenStoreFromEnv,
  stateKey,
  TableFindingStore,
  TablePendingSeenStore,
} from "../storage/tableFindingStore";
import { batchMetricsFor } from "../metrics/batchMetrics";
import { ArmInventoryCollector } from "./armCollector";
import { ManagedDefinitionsCollector } from "../managed/collector";

export interface SweepRuntimeOptions {
  env: NodeJS.ProcessEnv;
  /** Settings already loaded from `env` (so they are parsed once); default: loaded from `env`. */
  settings?: Settings;
  logger: Logger;
  /** Absent: the policy checks report nothing and nothing is reconciled. */
  policy?: PolicyRuntime;
  /** Overrides LINKGATE_SUBSCRIPTIONS (CLI --subscription). */
  subscriptions?: readonly string[];
  /** False: run stateless even if storage is configured. Default true. */
  useStore?: boolean;
  /** The findings table's client to keep state with (a shard worker shares one); default: one from `env`. */
  table?: TableClient;
  telemetry?: TelemetrySink;
  clock?: Clock;
  arm?: ArmContext;
  trigger: string;
}

export interface SweepRuntime {
  deps: SweepDeps;
  options: Omit<SweepOptions, "reconcile" | "abortSignal" | "onProgress">;
}

export function sweepRuntime(o: SweepRuntimeOptions): SweepRuntime {
  const settings = o.settings ?? loadSettings(o.env);
  const subscriptions =
    o.subscriptions && o.subscriptions.length > 0 ? [...o.subscriptions] : settings.subscriptions;
  checkSubscriptionIds(subscriptions, "--subscription");
  if (subscriptions.length === 0 && !settings.managementGroup) {
    throw new SettingsError(
      "LINKGATE_SUBSCRIPTIONS",
      "no scope to sweep: set LINKGATE_SUBSCRIPTIONS (or LINKGATE_MANAGEMENT_GROUP), or pass --subscription ID",
    );
  }
  const scope: SweepScope = { subscriptions, managementGroup: settings.managementGroup };
  const approval = approvalPorts({
    env: o.env,
    settings,
    logger: o.logger,
    telemetry: o.telemetry,
    clock: o.clock,
    arm: o.arm,
  });
  const checkSettings: CheckSettings = {
    pendingThresholdHours: settings.pendingThresholdHours,
    natPortThresholdPercent: settings.natPortThresholdPercent,
    trafficWindowMinutes: settings.trafficWindowMinutes,
    privateOnlyTagName: settings.privateOnlyTagName,
    relayPrivateOnly: settings.relayPrivateOnly,
  };
  // The estate's managed private endpoint definitions ride along (issue 13): Inventory.managedDefinitions.
  const collector = new ManagedDefinitionsCollector(
    new ArmInventoryCollector({
      client: approval.arm.generic,
      metrics: batchMetricsFor(approval.arm),
      maxConcurrency: settings.maxConcurrency,
      maxConcurrencyTotal: settings.maxConcurrencyTotal,
      dns: new LiveDns({ servers: parseResolverSetting(settings.dnsResolver) }),
    }),
    // The approval ports' reader: listEstate reads the scope it is given, so one reader serves both.
    approval.managed,
    o.policy?.managedOwners,
  );
  const selection = { only: settings.checks, disabled: settings.disabledChecks };
  // Findings keyed by scope and check selection; first-seen-Pending by scope only (a narrower check selection
  // sees the same connections wait).
  const findingsKey = stateKey(scope, selection);
  const pendingKey = stateKey(scope);
  const store =
    o.useStore === false
      ? undefined
      : o.table
        ? new TableFindingStore(o.table, findingsKey)
        : findingStoreFromEnv(o.env, findingsKey, settings);
  const pendingSeen = !store
    ? undefined
    : o.table
      ? new TablePendingSeenStore(o.table, pendingPartition(pendingKey))
      : pendingSeenStoreFromEnv(o.env, pendingKey, settings);
  return {
    deps: {
      collector,
      checks: ALL_CHECKS,
      store,
      pendingSeen,
      telemetry: approval.telemetry,
      logger: o.logger,
      clock: approval.clock,
      tenants: approval.tenants,
      policy: o.policy,
      approval: o.policy
        ? { reader: approval.reader, writer: approval.writer, lock: approval.lock, managed: approval.managed }
        : undefined,
    },
    options: {
      scope,
      settings: checkSettings,
      only: selection.only,
      disabled: selection.disabled,
      trigger: o.trigger,
    },
  };
}
