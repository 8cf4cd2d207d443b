/**
 * The estate the chaos benchmark runs on: ARM-shaped seed documents (as GET returns them), the policy, and
 * the connection events that name its Pending connections. Deterministic for a given size, so the sequential
 * reference and the concurrent run see exactly the same estate.
 *
 * A block holds 100 Pending connections: one Relay namespace 8 short of Relay's 64, two Private Link Services
 * under a `maxApprovedPerTarget` of 12 with more eligible requesters than room, and four Service Bus
 * namespaces under a cap of 30 whose rule needs a change ticket in the request message. Requesters come from
 * four subscriptions: corp and partner (approvable), a subscription in a denied tenant (a deny rule precedes
 * the approve rules that would otherwise take it), and a stranger (approvable on Relay, rejected elsewhere).
 */

export const PROVIDER_SUB = "11111111-0000-4000-8000-000000000001";
export const CORP_SUB = "22222222-0000-4000-8000-000000000002";
export const PARTNER_SUB = "33333333-0000-4000-8000-000000000003";
export const DENIED_SUB = "44444444-0000-4000-8000-000000000004";
export const STRANGER_SUB = "55555555-0000-4000-8000-000000000005";
/** Scenario 4: three more subscriptions of the denied tenant, one per way tenant discovery fails. */
export const DENIED_SUBS_BY_FAILURE = {
  "403": "44444444-0000-4000-8000-000000000403",
  "404": "44444444-0000-4000-8000-000000000404",
  "401": "44444444-0000-4000-8000-000000000401",
} as const;

export const PROVIDER_TENANT = "aaaaaaaa-0000-4000-8000-00000000000a";
export const PARTNER_TENANT = "bbbbbbbb-0000-4000-8000-00000000000b";
export const DENIED_TENANT = "dddddddd-0000-4000-8000-00000000000d";
export const STRANGER_TENANT = "eeeeeeee-0000-4000-8000-00000000000e";

export const RELAY_TYPE = "Microsoft.Relay/namespaces";
export const PLS_TYPE = "Microsoft.Network/privateLinkServices";
export const SB_TYPE = "Microsoft.ServiceBus/namespaces";

export const RELAY_LIMIT = 64;
export const PLS_CAP = 12;
export const SB_CAP = 30;

/** The policy of scenarios 1, 2, 3 and 5: a deny rule first, then capped approve rules. */
export function chaosPolicy(): string {
  return `apiVersion: linkgate/v1
mode: enforce
default: pending
rules:
  - id: deny-tenant
    description: a tenant we never connect to, whatever subscription it uses
    when:
      requester:
        tenants: ["${DENIED_TENANT}"]
    action: reject
    message: Rejected by linkgate (denied tenant)
  - id: relay-any
    when:
      target:
        types: ["${RELAY_TYPE}"]
    action: approve
    message: Approved by linkgate (relay)
  - id: pls-corp
    when:
      requester:
        subscriptions: ["${CORP_SUB}"]
      target:
        types: ["${PLS_TYPE}"]
    limits: { maxApprovedPerTarget: ${PLS_CAP} }
    action: approve
    message: Approved by linkgate (pls, capped)
  - id: sb-ticket
    when:
      requester:
        subscriptions: ["${CORP_SUB}", "${PARTNER_SUB}"]
      target:
        types: ["${SB_TYPE}"]
      requestMessage: { matches: "^CHG[0-9]{7}" }
    limits: { maxApprovedPerTarget: ${SB_CAP} }
    action: approve
    message: Approved by linkgate (service bus, ticket)
  - id: strangers
    when:
      requester:
        subscriptions: ["${STRANGER_SUB}"]
    action: reject
    message: Rejected by linkgate (stranger)
`;
}

/** Scenario 4's policy: "reject tenant X, then approve subscription S", S being a subscription of X. */
export function denyThenApprovePolicy(): string {
  return `apiVersion: linkgate/v1
mode: enforce
default: pending
rules:
  - id: deny-tenant
    when:
      requester:
        tenants: ["${DENIED_TENANT}"]
    action: reject
  - id: approve-subscription
    when:
      requester:
        subscriptions: [${Object.values(DENIED_SUBS_BY_FAILURE)
          .map((sub) => `"${sub}"`)
          .join(", ")}]
    action: approve
`;
}

type Doc = Record<string, unknown>;

export function subscriptionDocs(): Doc[] {
  const sub = (subscriptionId: string, tenantId: string, displayName: string): Doc => ({
    id: `/subscriptions/${subscriptionId}`,
    subscriptionId,
    tenantId,
    displayName,
    state: "Enabled",
  });
  return [
    sub(PROVIDER_SUB, PROVIDER_TENANT, "provider"),
    sub(CORP_SUB, PROVIDER_TENANT, "corp"),
    sub(PARTNER_SUB, PARTNER_TENANT, "partner"),
    sub(DENIED_SUB, DENIED_TENANT, "denied"),
    sub(STRANGER_SUB, STRANGER_TENANT, "stranger"),
    ...Object.entries(DENIED_SUBS_BY_FAILURE).map(([failure, id]) =>
      sub(id, DENIED_TENANT, `denied (discovery ${failure})`),
    ),
  ];
}

interface Requester {
  sub: string;
  message: string;
}

const TICKET = (n: number) => `CHG${String(1000000 + n).slice(-7)} please connect`;

export interface Target {
  id: string;
  type: string;
  /** The cap linkgate must never exceed: min(policy cap, Relay's 64); undefined when uncapped. */
  limit?: number;
  doc: Doc;
  pending: string[];
}

export interface Estate {
  docs: Doc[];
  targets: Target[];
  /** Pending connection IDs, interleaved across targets (round robin). */
  pending: string[];
}

function connectionDoc(
  parentId: string,
  type: string,
  name: string,
  status: string,
  requester: Requester,
  withEtag: boolean,
): Doc {
  const id = `${parentId}/privateEndpointConnections/${name}`;
  const doc: Doc = {
    id,
    name,
    type: `${type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: {
        id: `/subscriptions/${requester.sub}/resourceGroups/rg-app-${name.length % 3}/providers/Microsoft.Network/privateEndpoints/pe-${parentId.split("/").pop() ?? ""}-${name}`,
      },
      privateLinkServiceConnectionState: {
        status,
        description: requester.message,
        ...(type === RELAY_TYPE ? {} : { actionsRequired: "None" }),
      },
      provisioningState: "Succeeded",
    },
  };
  // Network's connections carry an etag in the list; Relay's and Service Bus's do not.
  if (withEtag) doc["etag"] = `W/"${name}-0"`;
  return doc;
}

function target(
  type: string,
  name: string,
  approved: number,
  pending: Requester[],
  limit: number | undefined,
): Target {
  const provider = type.split("/")[0] ?? "";
  const rg = type === PLS_TYPE ? "rg-net" : "rg-paas";
  const id = `/subscriptions/${PROVIDER_SUB}/resourceGroups/${rg}/providers/${type}/${name}`;
  const isPls = type === PLS_TYPE;
  const connections: Doc[] = [];
  for (let i = 0; i < approved; i++) {
    connections.push(
      connectionDoc(id, type, `ok-${i}`, "Approved", { sub: CORP_SUB, message: TICKET(i) }, isPls),
    );
  }
  const pendingIds: string[] = [];
  pending.forEach((r, i) => {
    const c = connectionDoc(id, type, `req-${i}`, "Pending", r, isPls);
    connections.push(c);
    pendingIds.push(String(c["id"]));
  });
  const properties: Doc = { provisioningState: "Succeeded", privateEndpointConnections: connections };
  if (isPls) {
    properties["alias"] = `${name}.00000000-0000-0000-0000-000000000000.westeurope.azure.privatelinkservice`;
    properties["visibility"] = { subscriptions: [CORP_SUB, PARTNER_SUB, DENIED_SUB, STRANGER_SUB] };
    properties["autoApproval"] = { subscriptions: [] };
  }
  const doc: Doc = {
    id,
    name,
    type,
    location: "westeurope",
    tags: { owner: `chaos-${provider.toLowerCase()}` },
    properties,
  };
  if (isPls) doc["etag"] = `W/"${name}-0"`;
  return { id, type, limit, doc, pending: pendingIds };
}

const corp = (n: number): Requester => ({ sub: CORP_SUB, message: TICKET(n) });
const partner = (n: number): Requester => ({ sub: PARTNER_SUB, message: TICKET(500 + n) });
const denied: Requester = { sub: DENIED_SUB, message: TICKET(999) };
const stranger: Requester = { sub: STRANGER_SUB, message: "let me in" };
const noTicket: Requester = { sub: CORP_SUB, message: "please" };

/** `blocks` blocks of 100 Pending connections each (see the file comment). */
export function buildEstate(blocks: number): Estate {
  const targets: Target[] = [];
  for (let b = 0; b < blocks; b++) {
    // Relay: 56 approved + 12 pending, 11 of them approvable, room for 8 under Relay's 64.
    targets.push(
      target(
        RELAY_TYPE,
        `relay-${b}`,
        56,
        [...Array.from({ length: 8 }, (_, i) => corp(i)), partner(0), partner(1), denied, stranger],
        RELAY_LIMIT,
      ),
    );
    // PLS x2: 6 approved + 12 pending, 8 approvable (corp), room for 6 under the cap of 12.
    for (let k = 0; k < 2; k++) {
      targets.push(
        target(
          PLS_TYPE,
          `pls-${b}-${k}`,
          6,
          [...Array.from({ length: 8 }, (_, i) => corp(i)), partner(0), partner(1), denied, stranger],
          PLS_CAP,
        ),
      );
    }
    // Service Bus x4: 20 approved + 16 pending, 11 approvable (ticket), room for 10 under the cap of 30.
    for (let k = 0; k < 4; k++) {
      targets.push(
        target(
          SB_TYPE,
          `sb-${b}-${k}`,
          20,
          [
            ...Array.from({ length: 8 }, (_, i) => corp(i)),
            ...Array.from({ length: 3 }, (_, i) => partner(i)),
            noTicket,
            noTicket,
            denied,
            stranger,
            stranger,
          ],
          SB_CAP,
        ),
      );
    }
  }
  const pending: string[] = [];
  const longest = Math.max(0, ...targets.map((t) => t.pending.length));
  for (let i = 0; i < longest; i++)
    for (const t of targets) {
      const id = t.pending[i];
      if (id) pending.push(id);
    }
  return { docs: [...subscriptionDocs(), ...targets.map((t) => t.doc)], targets, pending };
}

/** The smallest estate whose Pending connections cover `events` events. */
export function estateForEvents(events: number): Estate {
  return buildEstate(Math.max(1, Math.ceil(events / 100)));
}

function parentOf(connectionId: string): string {
  return connectionId.slice(0, connectionId.toLowerCase().lastIndexOf("/privateendpointconnections/"));
}

function typeOf(resourceId: string): string {
  const m = /\/providers\/([^/]+)\/([^/]+)\//i.exec(resourceId);
  return m ? `${m[1]}/${m[2]}` : "";
}

/**
 * One event naming a connection, in one of the three shapes Azure delivers: a ResourceWriteSuccess for
 * the connection (Event Grid schema), the same in CloudEvents schema, and a Resource Notification carrying
 * the consumer's private endpoint, whose body names the target.
 */
export function connectionEvent(connectionId: string, n: number): Doc {
  const targetId = parentOf(connectionId);
  const type = typeOf(targetId);
  const topic = `/subscriptions/${PROVIDER_SUB}`;
  const id = `chaos-${n}`;
  switch (n % 3) {
    case 0:
      return {
        id,
        eventType: "Microsoft.Resources.ResourceWriteSuccess",
        subject: connectionId,
        eventTime: "2026-12-01T10:00:00Z",
        topic,
        dataVersion: "2",
        metadataVersion: "1",
        data: { operationName: `${type}/privateEndpointConnections/write`, resourceUri: connectionId },
      };
    case 1:
      return {
        specversion: "1.0",
        id,
        type: "Microsoft.Resources.ResourceWriteSuccess",
        source: topic,
        subject: connectionId,
        time: "2026-12-01T10:00:00Z",
        data: { operationName: `${type}/privateEndpointConnections/write`, resourceUri: connectionId },
      };
    default: {
      const endpointId = `/subscriptions/${CORP_SUB}/resourceGroups/rg-app-0/providers/Microsoft.Network/privateEndpoints/pe-event-${n}`;
      return {
        id,
        eventType: "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated",
        subject: endpointId,
        eventTime: "2026-12-01T10:00:00Z",
        topic,
        dataVersion: "1",
        metadataVersion: "1",
        data: {
          resourceInfo: {
            id: endpointId,
            name: `pe-event-${n}`,
            type: "Microsoft.Network/privateEndpoints",
            properties: {
              manualPrivateLinkServiceConnections: [
                { name: "c", properties: { privateLinkServiceId: targetId } },
              ],
            },
          },
        },
      };
    }
  }
}

/** Mulberry32: a small seeded generator, so a run can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
