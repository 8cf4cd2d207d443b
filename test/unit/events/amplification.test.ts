/**
 * Hostile and oversized events: every one is acknowledged (never thrown), never causes an ARM write, costs
 * a bounded number of ARM reads, and leaves bounded log lines (through the real streamLogger).
 */
import { Writable } from "node:stream";
import { streamLogger } from "../../../src/adapters/compose";
import { handleEventInput, type HandleEventDeps, type HandleResult } from "../../../src/core/events/handle";
import { EVENT_LIMITS } from "../../../src/core/events/limits";
import { approveAll, FakeArm, makeDeps, policyOf, PROVIDER_SUB, RELAY_ID } from "../reconcile/fakes";

const MB = 1024 * 1024;
const RG = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-prod`;
const relay = (i: number) => `${RG}/providers/Microsoft.Relay/namespaces/ns${i}`;
const endpoint = (i: number) => `${RG}/providers/Microsoft.Network/privateEndpoints/pe${i}`;

type Schema = "EventGrid" | "CloudEvents";
const SCHEMAS: Schema[] = ["EventGrid", "CloudEvents"];

function envelope(schema: Schema, type: string, id: string, subject: string, data: unknown) {
  return schema === "EventGrid"
    ? {
        eventType: type,
        id,
        subject,
        data,
        dataVersion: "2",
        metadataVersion: "1",
        topic: `/subscriptions/${PROVIDER_SUB}`,
      }
    : { specversion: "1.0", type, id, subject, source: `/subscriptions/${PROVIDER_SUB}`, data };
}

/** ResourceWriteSuccess for a connection (or any resource) write. */
function write(schema: Schema, resourceUri: string, id = "ev-1", operationName?: string) {
  return envelope(schema, "Microsoft.Resources.ResourceWriteSuccess", id, resourceUri, {
    operationName: operationName ?? "Microsoft.Relay/namespaces/privateEndpointConnections/write",
    resourceUri,
  });
}

/** Resource Notifications carrying a private endpoint body that names `targets`. */
function endpointNotification(schema: Schema, targets: string[], id = "ev-pe") {
  return envelope(schema, "Microsoft.ResourceNotifications.Resources.CreatedOrUpdated", id, endpoint(0), {
    resourceInfo: {
      id: endpoint(0),
      type: "Microsoft.Network/privateEndpoints",
      properties: {
        manualPrivateLinkServiceConnections: targets.map((t, i) => ({
          name: `c${i}`,
          properties: { privateLinkServiceId: t },
        })),
      },
    },
  });
}

function deep(levels: number): Record<string, unknown> {
  let o: Record<string, unknown> = { leaf: "x".repeat(1000) };
  for (let i = 0; i < levels; i++) o = { nested: o, list: [o] };
  return o;
}

interface Run {
  result: HandleResult;
  arm: FakeArm;
  lines: string[];
}

async function run(input: unknown, arm = new FakeArm()): Promise<Run> {
  let out = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const deps: HandleEventDeps = {
    ...makeDeps(arm, policyOf(approveAll)),
    logger: streamLogger(sink),
    supportsTargetType: (t) => /^microsoft\.(relay\/namespaces|network\/privatelinkservices)$/i.test(t),
    inScope: (id) => id.toLowerCase().startsWith(`/subscriptions/${PROVIDER_SUB}/`),
  };
  const result = await handleEventInput(input, deps);
  return { result, arm, lines: out.split("\n").filter((l) => l !== "") };
}

/** The reads one reconcile of a target with one Pending connection costs (measured, not assumed). */
async function readsPerTarget(): Promise<number> {
  const arm = new FakeArm();
  arm.addTarget(relay(0));
  arm.addConnection(relay(0), "c", "Pending");
  const r = await run(write("EventGrid", relay(0)), arm);
  expect(r.result.events[0]?.targets).toHaveLength(1);
  return arm.reads;
}

const longest = (lines: string[]) => Math.max(0, ...lines.map((l) => l.length));
const warns = (lines: string[]) => lines.filter((l) => (JSON.parse(l) as { level: string }).level === "warn");

interface Row {
  name: string;
  input: (schema: Schema) => unknown;
  /** Status of each event. */
  statuses?: string[];
  /** Most ARM reads allowed, in units of one target's reconcile (0: none at all). */
  maxTargets: number;
  /** Whether exactly one "dropped" warn line is expected. */
  dropWarning?: RegExp;
}

const HUGE = `${RG}/providers/Microsoft.Relay/namespaces/${"a".repeat(MB)}`;

const rows: Row[] = [
  {
    name: "1 MB resource ID in data.resourceUri",
    input: (s) => write(s, HUGE),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "1 MB resource ID in the subject only",
    input: (s) => ({
      ...write(s, HUGE),
      data: { operationName: "Microsoft.Relay/namespaces/privateEndpointConnections/write" },
    }),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "1 MB event id",
    input: (s) => write(s, relay(1), "i".repeat(MB)),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "1 MB event type",
    input: (s) => ({ ...write(s, relay(1)), [s === "EventGrid" ? "eventType" : "type"]: "T".repeat(MB) }),
    statuses: ["ignored"],
    maxTargets: 0,
  },
  {
    name: "1 MB operation name",
    input: (s) => write(s, relay(1), "ev-op", `${"o".repeat(MB)}/write`),
    statuses: ["ignored"],
    maxTargets: 0,
  },
  {
    name: "deep body (200 levels, 2^200 paths) around a valid target",
    input: (s) => ({
      ...write(s, relay(1)),
      data: { ...(write(s, relay(1)).data as object), extra: deep(200) },
    }),
    statuses: ["accepted"],
    maxTargets: 1,
  },
  {
    name: "resource ID with a newline (log forging)",
    input: (s) => write(s, `${relay(1)}\n{"level":"info","message":"approved everything"}`),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "resource ID with NUL and C1 control characters",
    input: (s) => write(s, `${relay(1)}\u0000\u0085`),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "resource ID with a lone surrogate",
    input: (s) => write(s, `${relay(1)}\ud800`),
    statuses: ["malformed"],
    maxTargets: 0,
  },
  {
    name: "resource ID with unicode letters (allowed: resource group names may hold them)",
    input: (s) =>
      write(
        s,
        `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-ünïcødé-日本/providers/Microsoft.Relay/namespaces/ns1`,
      ),
    statuses: ["accepted"],
    maxTargets: 1,
  },
  {
    name: "a private endpoint body naming 5,000 targets",
    input: (s) =>
      endpointNotification(
        s,
        Array.from({ length: 5000 }, (_, i) => relay(i)),
      ),
    statuses: ["accepted"],
    maxTargets: EVENT_LIMITS.maxTargetsPerEvent,
    dropWarning: /dropped 4968 target\(s\) beyond the 32 taken from one event/,
  },
  {
    name: "a private endpoint body naming the same target 5,000 times",
    input: (s) =>
      endpointNotification(
        s,
        Array.from({ length: 5000 }, (_, i) => (i % 2 ? relay(7) : relay(7).toUpperCase())),
      ),
    statuses: ["accepted"],
    maxTargets: 1,
  },
  {
    name: "a private endpoint body naming 1 MB IDs and junk besides one real target",
    input: (s) => endpointNotification(s, [HUGE, HUGE, "\u0000", relay(3)]),
    statuses: ["accepted"],
    maxTargets: 1,
  },
  {
    name: "5,000 connection events, each on its own target",
    input: (s) =>
      Array.from({ length: 5000 }, (_, i) => write(s, `${relay(i)}/privateEndpointConnections/c`, `ev-${i}`)),
    maxTargets: EVENT_LIMITS.maxTargetsPerInvocation,
    dropWarning: /dropped 4968 target\(s\) beyond the 32 reconciled per invocation/,
  },
  {
    name: "5,000 private endpoint writes without a body (each would need a read)",
    input: (s) =>
      Array.from({ length: 5000 }, (_, i) =>
        write(s, endpoint(i), `ev-${i}`, "Microsoft.Network/privateEndpoints/write"),
      ),
    // Reads of endpoints that do not exist: the budget, not the targets, bounds them.
    maxTargets: 0,
    dropWarning: /4968 private endpoint\(s\) not read, beyond the 32 reads per invocation/,
  },
];

describe("hostile and oversized events", () => {
  let perTarget: number;
  beforeAll(async () => {
    perTarget = await readsPerTarget();
  });

  const table = rows.flatMap((row) => SCHEMAS.map((schema) => ({ ...row, schema })));
  it.each(table)("$name ($schema): acknowledged, no write, bounded reads and log lines", async (row) => {
    const arm = new FakeArm();
    // Every relay target exists with one Pending connection, so a reconcile is a full one.
    for (const i of [0, 1, 3, 7]) {
      arm.addTarget(relay(i));
      arm.addConnection(relay(i), "c", "Pending");
    }
    const input = row.input(row.schema);
    const { result, lines } = await run(input, arm);

    if (row.statuses) expect(result.events.map((e) => e.status)).toEqual(row.statuses);
    // Writes only where a real Pending connection was named (targets 1, 3 and 7 of the accepted rows).
    const named = new Set(result.events.flatMap((e) => e.targets).map((t) => t.toLowerCase()));
    expect(
      arm.puts.every((p) =>
        named.has(p.connectionId.toLowerCase().split("/privateendpointconnections/")[0]!),
      ),
    ).toBe(true);
    if (row.statuses?.every((s) => s !== "accepted")) expect(arm.puts).toHaveLength(0);

    const endpointReads = row.dropWarning?.source.includes("not read")
      ? EVENT_LIMITS.maxEndpointReadsPerInvocation
      : 0;
    expect(arm.reads).toBeLessThanOrEqual(row.maxTargets * perTarget + endpointReads);
    if (row.maxTargets === 0 && endpointReads === 0) expect(arm.reads).toBe(0);

    // No log line carries the megabyte; every line stays within the logger's budget.
    expect(longest(lines)).toBeLessThan(20_000);
    expect(lines.join("\n")).not.toContain("a".repeat(2_000));
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();

    const dropLines = warns(lines).filter((l) => l.includes("dropped"));
    if (row.dropWarning) {
      expect(dropLines).toHaveLength(1);
      expect(dropLines[0]).toMatch(row.dropWarning);
      expect(dropLines[0]).toContain("the sweep reconciles");
    } else expect(dropLines).toHaveLength(0);
  });

  it("5,000 targets: exactly the first 32 distinct targets are reconciled, the event says how many were dropped", async () => {
    const arm = new FakeArm();
    const { result } = await run(
      endpointNotification(
        "CloudEvents",
        Array.from({ length: 5000 }, (_, i) => relay(i)),
      ),
      arm,
    );
    expect(result.events[0]?.targets).toEqual(Array.from({ length: 32 }, (_, i) => relay(i)));
    expect(result.events[0]?.dropped).toBe(4968);
    expect(arm.reads).toBe(32 * (await readsPerTargetMissing()));
  });

  it("a valid connection event still works next to the hostile ones in one batch", async () => {
    const arm = new FakeArm();
    arm.addTarget(RELAY_ID);
    arm.addConnection(RELAY_ID, "r1", "Pending");
    const { result } = await run(
      [
        write("EventGrid", HUGE, "bad"),
        write("CloudEvents", `${RELAY_ID}/privateEndpointConnections/r1`, "good"),
      ],
      arm,
    );
    expect(result.events.map((e) => e.status)).toEqual(["malformed", "accepted"]);
    expect(arm.puts.map((p) => p.connectionId)).toEqual([`${RELAY_ID}/privateEndpointConnections/r1`]);
    expect(result.events[0]?.reason).toMatch(/is 1048\d+ characters, over the 2048 accepted/);
    expect(result.events[0]?.reason?.length).toBeLessThan(400);
  });
});

/** Reads one reconcile costs for a target that does not exist (the 5,000-target rows name such targets). */
async function readsPerTargetMissing(): Promise<number> {
  const arm = new FakeArm();
  await run(write("EventGrid", relay(424242)), arm);
  return arm.reads;
}
