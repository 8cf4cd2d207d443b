/**
 * What infra/ must contain, derived from the code that is the single source of truth: the accepted events
 * (src/core/events/accepted.ts) and the resource types linkgate reads and manages (src/adapters/arm/apiVersions.ts).
 * infra/accepted-events.json and infra/role-actions.json are generated from these functions; the tests fail when
 * the committed files drift, and `LINKGATE_UPDATE_INFRA=1 npx jest test/unit/infra` rewrites them.
 */
import {
  ACCEPTED_EVENT_TYPES,
  ACCEPTED_OPERATIONS,
  CONNECTION_OPERATION_SUFFIXES,
} from "../../../src/core/events/accepted";
import {
  API_VERSIONS,
  PRIVATE_LINK_SERVICE_TYPE,
  PRIVATE_LINK_TARGET_API_VERSIONS,
} from "../../../src/adapters/arm/apiVersions";
import { MANAGED_DEFINITION_READ_ACTIONS } from "../../../src/adapters/managed/reader";

/** The system topic type that publishes each event-type namespace. */
const TOPIC_TYPE_BY_EVENT_PREFIX: ReadonlyArray<readonly [prefix: string, topicType: string]> = [
  ["Microsoft.Resources.", "Microsoft.Resources.Subscriptions"],
  ["Microsoft.ResourceNotifications.Resources.", "Microsoft.ResourceNotifications.Resources"],
];

export interface AcceptedEventsFile {
  $comment: string;
  eventTypesByTopicType: Record<string, string[]>;
  operationSuffixes: string[];
  operations: string[];
}

export function expectedAcceptedEvents(): AcceptedEventsFile {
  const byTopic: Record<string, string[]> = {};
  for (const eventType of ACCEPTED_EVENT_TYPES) {
    const match = TOPIC_TYPE_BY_EVENT_PREFIX.find(([prefix]) => eventType.startsWith(prefix));
    if (!match) {
      throw new Error(
        `src/core/events/accepted.ts: no Event Grid system topic type known for event type "${eventType}"; ` +
          `add its topic to TOPIC_TYPE_BY_EVENT_PREFIX in test/unit/infra/derive.ts and a topic in infra/modules/systemTopics.bicep`,
      );
    }
    (byTopic[match[1]] ??= []).push(eventType);
  }
  return {
    $comment:
      "GENERATED from src/core/events/accepted.ts by test/unit/infra/derive.ts: do not edit. " +
      "Regenerate with LINKGATE_UPDATE_INFRA=1 npx jest test/unit/infra",
    eventTypesByTopicType: byTopic,
    operationSuffixes: [...CONNECTION_OPERATION_SUFFIXES],
    operations: [...ACCEPTED_OPERATIONS],
  };
}

/**
 * Providers whose approval needs `privateEndpointConnectionsApproval/action` on the target besides
 * `privateEndpointConnections/write` (as the built-in "Azure AI Enterprise Network Connection Approver" role
 * grants for them). Only types linkgate manages get it.
 */
export const APPROVAL_ACTION_TYPES: readonly string[] = [
  "microsoft.containerregistry/registries",
  "microsoft.cache/redis",
  "microsoft.cache/redisenterprise",
  "microsoft.dbforpostgresql/flexibleservers",
  "microsoft.storage/storageaccounts",
];

/** API_VERSIONS keys that are API surfaces rather than resource types: covered by built-in roles instead. */
export const NOT_RESOURCE_TYPES: ReadonlyMap<string, string> = new Map([
  ["microsoft.insights/metrics", "Monitoring Reader"],
  ["microsoft.resourcegraph/resources", "Reader (Resource Graph returns only what the caller may read)"],
]);

/** Children the sweep reads below the resource types in API_VERSIONS (subnets, DNS zone groups, records, links). */
const CHILD_READS: ReadonlyMap<string, readonly string[]> = new Map([
  ["microsoft.network/virtualnetworks", ["subnets"]],
  ["microsoft.network/privateendpoints", ["privatednszonegroups"]],
  ["microsoft.network/privatednszones", ["a", "virtualnetworklinks"]],
]);

export function managedTargetTypes(): string[] {
  return [PRIVATE_LINK_SERVICE_TYPE.toLowerCase(), ...Object.keys(PRIVATE_LINK_TARGET_API_VERSIONS)].sort();
}

export interface RoleActionsFile {
  $comment: string;
  actions: string[];
}

export function expectedRoleActions(): RoleActionsFile {
  const actions = new Set<string>();
  for (const type of managedTargetTypes()) {
    actions.add(`${type}/read`);
    actions.add(`${type}/privateendpointconnections/read`);
    actions.add(`${type}/privateendpointconnections/write`);
    if (APPROVAL_ACTION_TYPES.includes(type))
      actions.add(`${type}/privateendpointconnectionsapproval/action`);
  }
  for (const key of Object.keys(API_VERSIONS)) {
    if (NOT_RESOURCE_TYPES.has(key)) continue;
    const type = key.includes("/") ? key : `microsoft.resources/${key}`;
    actions.add(`${type}/read`);
    for (const child of CHILD_READS.get(type) ?? []) actions.add(`${type}/${child}/read`);
  }
  // Managed private endpoint definitions (requester.managedBy, issue 13): src/adapters/managed/reader.ts.
  for (const action of MANAGED_DEFINITION_READ_ACTIONS) actions.add(action);
  return {
    $comment:
      "GENERATED from src/adapters/arm/apiVersions.ts by test/unit/infra/derive.ts: do not edit. " +
      "Actions are lower case (Azure RBAC compares them case-insensitively). " +
      "Regenerate with LINKGATE_UPDATE_INFRA=1 npx jest test/unit/infra",
    actions: [...actions].sort(),
  };
}
