/**
 * Seeding: a directory of JSON documents exactly as ARM's GET returns them (single resources or list bodies
 * `{"value":[...]}`), subscription documents (`GET /subscriptions/{id}`), and two emulator-only kinds,
 * told apart by `type`: metric series and management groups. `faults.json` holds fault rules.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createLookalikeConnection } from "./managed/definitions";
import { MANAGED_KINDS, type ManagedKindName } from "./managed/kinds";
import { type EmulatorState, isObject, type MetricPoint, SeedError } from "./state";

export const METRIC_SERIES_TYPE = "Linkgate.Emulator/metricSeries";
export const MANAGEMENT_GROUP_TYPE = "Linkgate.Emulator/managementGroup";
/**
 * A connection that looks like a managed service's (endpoint in its Microsoft-managed subscription, a request
 * message) with no definition behind it: `{"type": ..., "service", "targetId", "requestMessage"?, "groupId"?,
 * "location"?, "endpointName"?}`. The target must be seeded by an earlier file (seeds load in name order).
 */
export const MANAGED_LOOKALIKE_TYPE = "Linkgate.Emulator/managedLookalike";
export const FAULTS_FILE = "faults.json";
/** Rules that make long-running writes end Failed (operationFaults.ts), beside faults.json. */
export const OPERATION_FAULTS_FILE = "operation-faults.json";

/** Applies one seed document (or list of them); `where` names its origin for error messages. */
export function applySeed(state: EmulatorState, value: unknown, where: string): number {
  if (Array.isArray(value))
    return value.reduce<number>((n, v, i) => n + applySeed(state, v, `${where}[${i}]`), 0);
  if (!isObject(value)) throw new SeedError(`${where}: a seed must be a JSON object or array`);
  if (Array.isArray(value["value"]) && value["id"] === undefined) {
    return applySeed(state, value["value"], `${where}.value`);
  }
  const type = typeof value["type"] === "string" ? value["type"] : "";
  if (type.toLowerCase() === METRIC_SERIES_TYPE.toLowerCase()) {
    const { resourceId, metric, unit, points } = value as {
      resourceId?: unknown;
      metric?: unknown;
      unit?: unknown;
      points?: unknown;
    };
    if (typeof resourceId !== "string" || typeof metric !== "string" || !Array.isArray(points)) {
      throw new SeedError(`${where}: a ${METRIC_SERIES_TYPE} needs "resourceId", "metric" and "points"`);
    }
    const parsed: MetricPoint[] = points.map((p, i) => {
      const pt = p as { timeStamp?: unknown; value?: unknown };
      if (
        !isObject(p) ||
        typeof pt.timeStamp !== "string" ||
        Number.isNaN(Date.parse(pt.timeStamp)) ||
        typeof pt.value !== "number"
      ) {
        throw new SeedError(`${where}: points[${i}] needs "timeStamp" (ISO 8601) and a numeric "value"`);
      }
      return { timeStamp: pt.timeStamp, value: pt.value };
    });
    state.setMetricSeries({ resourceId, metric, unit: typeof unit === "string" ? unit : "", points: parsed });
    return 1;
  }
  if (type.toLowerCase() === MANAGEMENT_GROUP_TYPE.toLowerCase()) {
    const { name, subscriptions } = value as { name?: unknown; subscriptions?: unknown };
    if (
      typeof name !== "string" ||
      !Array.isArray(subscriptions) ||
      !subscriptions.every((s) => typeof s === "string")
    ) {
      throw new SeedError(
        `${where}: a ${MANAGEMENT_GROUP_TYPE} needs "name" and "subscriptions" (array of IDs)`,
      );
    }
    state.setManagementGroup(name, subscriptions as string[]);
    return 1;
  }
  if (type.toLowerCase() === MANAGED_LOOKALIKE_TYPE.toLowerCase()) {
    const v = value as Record<string, unknown>;
    const text = (k: string): string | undefined => (typeof v[k] === "string" ? (v[k] as string) : undefined);
    const service = text("service") ?? "frontDoor";
    const targetId = text("targetId");
    if (!targetId || !MANAGED_KINDS.some((k) => k.service === service)) {
      throw new SeedError(
        `${where}: a ${MANAGED_LOOKALIKE_TYPE} needs "targetId" and a "service" among ${MANAGED_KINDS.map((k) => k.service).join(", ")}`,
      );
    }
    if (!state.get(targetId)) {
      throw new SeedError(`${where}: target ${targetId} is not seeded yet (seed files load in name order)`);
    }
    createLookalikeConnection(state, {
      service: service as ManagedKindName,
      targetId,
      requestMessage: text("requestMessage"),
      groupId: text("groupId"),
      location: text("location"),
      endpointName: text("endpointName"),
    });
    return 1;
  }
  const id = value["id"];
  if (typeof id === "string" && /^\/?subscriptions\/[^/]+$/i.test(id.trim().replace(/\/+$/, ""))) {
    const { subscriptionId, tenantId } = value as { subscriptionId?: unknown; tenantId?: unknown };
    if (typeof subscriptionId !== "string" || typeof tenantId !== "string") {
      throw new SeedError(`${where}: a subscription document needs "subscriptionId" and "tenantId"`);
    }
    state.setSubscription({ ...value, subscriptionId, tenantId });
    return 1;
  }
  try {
    state.add(value);
  } catch (e) {
    throw new SeedError(`${where}: ${(e as Error).message}`);
  }
  return 1;
}

/** All `*.json` files below `dir` (sorted, so seeding order is stable), except the fault file. */
export function seedFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        entry.isFile() &&
        entry.name.endsWith(".json") &&
        !(d === dir && (entry.name === FAULTS_FILE || entry.name === OPERATION_FAULTS_FILE))
      )
        out.push(full);
    }
  };
  if (!fs.existsSync(dir)) throw new SeedError(`seed directory "${dir}" does not exist`);
  if (!fs.statSync(dir).isDirectory())
    throw new SeedError(
      `seed directory "${dir}" is not a directory: --seed takes a folder of ARM JSON documents`,
    );
  walk(dir);
  return out;
}

export function loadSeedDir(state: EmulatorState, dir: string): number {
  let n = 0;
  for (const file of seedFiles(dir)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new SeedError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
    n += applySeed(state, parsed, file);
  }
  return n;
}
