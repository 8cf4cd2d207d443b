import {
  at,
  declarations,
  isExpr,
  loadAllBicep,
  variables,
  type BicepFile,
  type BicepValue,
  type Declaration,
} from "./bicep";
import type { AcceptedEventsFile } from "./derive";
import { productionSources, readJson } from "./files";
import {
  ACCEPTED_EVENT_TYPES,
  ACCEPTED_OPERATIONS,
  CONNECTION_OPERATION_SUFFIXES,
  isAcceptedOperation,
} from "../../../src/core/events/accepted";

/** Event Grid limits per event subscription (Event Grid quotas and limits: advanced filtering). */
const MAX_ADVANCED_FILTERS = 25;
const MAX_FILTER_VALUES_TOTAL = 25;
const MAX_STRING_VALUE_LENGTH = 512;

let files: BicepFile[];
let subs: Declaration[];
let accepted: AcceptedEventsFile;
let moduleVars: Map<string, BicepValue>;

beforeAll(async () => {
  files = await loadAllBicep();
  subs = files
    .flatMap(declarations)
    .filter((d) => d.target.startsWith("Microsoft.EventGrid/systemTopics/eventSubscriptions@"));
  accepted = readJson<AcceptedEventsFile>("infra/accepted-events.json");
  const file = files.find((f) => f.file.endsWith("modules/eventSubscriptions.bicep"));
  if (!file) throw new Error("infra/modules/eventSubscriptions.bicep missing");
  moduleVars = variables(file);
});

interface EffectiveSubscription {
  name: string;
  topicType: string;
  eventTypes: string[];
  filters: { operatorType: string; key: string; values: string[] }[];
}

/**
 * Resolves the module's references to infra/accepted-events.json (the only non-literal filter inputs allowed)
 * into the values Event Grid receives, for one topic type.
 */
function resolve(v: BicepValue | undefined, topicType: string, where: string): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  if (isExpr(v)) {
    if (v.expr === "eventTypes") {
      expect(moduleVars.get("eventTypes")).toEqual({ expr: "accepted.eventTypesByTopicType[topicType]" });
      return accepted.eventTypesByTopicType[topicType] ?? [];
    }
    if (v.expr === "accepted.operationSuffixes") return accepted.operationSuffixes;
    if (v.expr === "accepted.operations") return accepted.operations;
  }
  throw new Error(
    `${where}: filter values must come from infra/accepted-events.json, found ${JSON.stringify(v)}`,
  );
}

function effective(): EffectiveSubscription[] {
  return subs.map((d) => {
    const where = `${d.file}:${d.line} ${d.symbol}`;
    const topicType =
      d.condition === "(isArmTopic)"
        ? "Microsoft.Resources.Subscriptions"
        : d.condition === "(!isArmTopic)"
          ? "Microsoft.ResourceNotifications.Resources"
          : "";
    if (!topicType)
      throw new Error(`${where}: condition ${d.condition} does not say which topic type it serves`);
    const filter = at(d.body, "properties.filter");
    const advanced = (at(filter, "advancedFilters") ?? []) as BicepValue[];
    return {
      name: String(at(d.body, "name")),
      topicType,
      eventTypes: resolve(at(filter, "includedEventTypes"), topicType, where),
      filters: advanced.map((f) => ({
        operatorType: String(at(f, "operatorType")),
        key: String(at(f, "key")),
        values: resolve(at(f, "values"), topicType, where),
      })),
    };
  });
}

/** Event Grid's matching: advanced filters AND, values within one filter OR, strings case-insensitive. */
function delivers(s: EffectiveSubscription, eventType: string, operationName: string): boolean {
  if (!s.eventTypes.some((t) => t.toLowerCase() === eventType.toLowerCase())) return false;
  return s.filters.every((f) => {
    expect(f.key).toBe("data.operationName");
    const op = operationName.toLowerCase();
    if (f.operatorType === "StringEndsWith") return f.values.some((v) => op.endsWith(v.toLowerCase()));
    if (f.operatorType === "StringIn") return f.values.some((v) => op === v.toLowerCase());
    throw new Error(`unexpected operator ${f.operatorType}`);
  });
}

describe("Event Grid subscriptions deliver exactly what the handler accepts", () => {
  it("includedEventTypes across all subscriptions equal ACCEPTED_EVENT_TYPES", () => {
    const types = new Set(effective().flatMap((s) => s.eventTypes));
    expect([...types].sort()).toEqual([...ACCEPTED_EVENT_TYPES].sort());
  });

  it("StringEndsWith values equal CONNECTION_OPERATION_SUFFIXES and StringIn values equal ACCEPTED_OPERATIONS", () => {
    const all = effective().flatMap((s) => s.filters);
    const endsWith = all.filter((f) => f.operatorType === "StringEndsWith").flatMap((f) => f.values);
    const stringIn = all.filter((f) => f.operatorType === "StringIn").flatMap((f) => f.values);
    expect(endsWith.sort()).toEqual([...CONNECTION_OPERATION_SUFFIXES].sort());
    expect(stringIn.sort()).toEqual([...ACCEPTED_OPERATIONS].sort());
    expect(all.every((f) => f.key === "data.operationName")).toBe(true);
  });

  it("a ResourceWriteSuccess event is delivered if and only if isAcceptedOperation says so", () => {
    const armSubs = effective().filter((s) => s.topicType === "Microsoft.Resources.Subscriptions");
    const operations = [
      ...ACCEPTED_OPERATIONS,
      ...ACCEPTED_OPERATIONS.map((o) => o.toUpperCase()),
      ...CONNECTION_OPERATION_SUFFIXES.map((s) => `Microsoft.Relay/namespaces${s}`),
      ...CONNECTION_OPERATION_SUFFIXES.map((s) => `microsoft.storage/storageaccounts${s.toLowerCase()}`),
      "Microsoft.Network/privateLinkServices/privateEndpointConnections/write",
      "Microsoft.Network/privateEndpoints/privateEndpointConnectionProxies/write",
      "Microsoft.Network/privateLinkServices/delete",
      "Microsoft.Network/privateEndpoints/delete",
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Relay/namespaces/privateEndpointConnections/delete",
      "Microsoft.Network/privateLinkServices/privateEndpointConnections/write/extra",
      "Microsoft.Network/virtualNetworks/write",
    ];
    const mismatches = operations
      .map((op) => ({
        op,
        accepted: isAcceptedOperation(op),
        delivered: armSubs.some((s) => delivers(s, "Microsoft.Resources.ResourceWriteSuccess", op)),
      }))
      .filter((r) => r.accepted !== r.delivered);
    expect(mismatches).toEqual([]);
    // Events of other types never reach the function through these subscriptions.
    expect(
      armSubs.some((s) => delivers(s, "Microsoft.Resources.ResourceDeleteSuccess", ACCEPTED_OPERATIONS[0])),
    ).toBe(false);
  });

  it("stays within Event Grid's advanced-filter limits", () => {
    for (const s of effective()) {
      expect(s.filters.length).toBeLessThanOrEqual(MAX_ADVANCED_FILTERS);
      expect(s.filters.reduce((n, f) => n + f.values.length, 0)).toBeLessThanOrEqual(MAX_FILTER_VALUES_TOTAL);
      for (const f of s.filters)
        for (const v of f.values) expect(v.length).toBeLessThanOrEqual(MAX_STRING_VALUE_LENGTH);
    }
  });

  it("each subscription targets the linkgateEvents function, retries, and dead-letters with the topic identity", () => {
    const destination = moduleVars.get("destination");
    expect(at(destination, "endpointType")).toBe("AzureFunction");
    expect(at(destination, "properties.resourceId")).toEqual({
      expr: "'${functionAppId}/functions/linkgateEvents'",
    });
    expect(at(moduleVars.get("deadLetter"), "identity.type")).toBe("SystemAssigned");
    expect(at(moduleVars.get("deadLetter"), "deadLetterDestination.endpointType")).toBe("StorageBlob");
    for (const d of subs) {
      expect(at(d.body, "properties.destination")).toEqual({ expr: "destination" });
      expect(at(d.body, "properties.retryPolicy")).toEqual({ expr: "retryPolicy" });
      expect(at(d.body, "properties.deadLetterWithResourceIdentity")).toEqual({ expr: "deadLetter" });
    }
    const retry = moduleVars.get("retryPolicy");
    expect(at(retry, "maxDeliveryAttempts")).toEqual({ expr: "maxDeliveryAttempts" });
    expect(at(retry, "eventTimeToLiveInMinutes")).toEqual({ expr: "eventTimeToLiveInMinutes" });
  });

  it("creates system topics of exactly the types the accepted events need, with an identity", () => {
    const topics = files
      .flatMap(declarations)
      .filter((d) => d.target.startsWith("Microsoft.EventGrid/systemTopics@") && !d.existing);
    const types = topics.map((t) => at(t.body, "properties.topicType"));
    expect(types.sort()).toEqual(Object.keys(accepted.eventTypesByTopicType).sort());
    for (const t of topics) {
      expect(at(t.body, "location")).toBe("global");
      expect(at(t.body, "identity.type")).toBe("SystemAssigned");
    }
  });

  it("the function named in the endpoint is the Event Grid trigger the app registers", () => {
    const registrations = [...productionSources()]
      .filter(([path]) => path.startsWith("src/functions/"))
      .map(([, text]) => text)
      .join("\n");
    expect(registrations).toMatch(/app\.eventGrid(?:<[^>]*>)?\(\s*["']linkgateEvents["']/);
  });
});
