/**
 * Issue 13 acceptance through the Event Grid handler: the real composition (approvalDeps with the ARM
 * managed-definition reader), a real policy file with `requester.managedBy`, the emulator creating the
 * connection a definition asks for, and the definition's own write event as the only trigger.
 *
 * - a Front Door origin created in a watched subscription gets its connection approved within one event;
 * - a look-alike (same request message, no definition behind it) stays Pending with a reason saying so;
 * - a Data Factory managed private endpoint and an AI Search shared private link likewise;
 * - two Pending connections claiming one definition decide `pending`, naming both.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { approvalDeps, loadPolicyRuntime } from "../../../src/adapters/compose";
import type { ArmContext } from "../../../src/adapters/arm/context";
import { handleEventInput } from "../../../src/core/events/handle";
import { runSweep } from "../../../src/core/sweep";
import { sweepRuntime } from "../../../src/adapters/inventory/sweepRuntime";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm } from "../emulator/helpers";
import { FakeTelemetry, MemoryLogger } from "../../unit/reconcile/fakes";
import {
  managedEstate,
  managedPolicy,
  PLS_ID,
  putFactorySqlEndpoint,
  putOrigin,
  putSearchBlobLink,
  SQL_ID,
  STORAGE_ID,
  SUB,
  SYNAPSE_DATA_PLANE_VERSION,
} from "../managed/estate";

const EVENTS = path.resolve(__dirname, "../../fixtures/events");
const POLICY = managedPolicy({ synapse: true });

let emu: RunningEmulator;
let arm: ArmContext;
let policy: PolicyRuntime;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-managed-"));
  fs.writeFileSync(path.join(dir, "policy.yaml"), POLICY);
  const loaded = await loadPolicyRuntime(path.join(dir, "policy.yaml"), new MemoryLogger());
  expect(loaded.errors).toEqual([]);
  policy = loaded.runtime;
  emu = await startEmulator({});
  arm = emulatorArm(emu, { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
});
afterAll(async () => {
  await emu?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  emu.state.reset();
  for (const d of managedEstate()) {
    const id = String(d["id"]);
    if (/^\/subscriptions\/[^/]+$/.test(id))
      emu.state.setSubscription(d as { subscriptionId: string; tenantId: string });
    else emu.state.add(d);
  }
});

function deps() {
  const logger = new MemoryLogger();
  return {
    ...approvalDeps({
      env: { LINKGATE_SUBSCRIPTIONS: SUB },
      logger,
      policy,
      telemetry: new FakeTelemetry(),
      arm,
    }),
    logger,
  };
}

function event(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(EVENTS, file), "utf8")) as unknown;
}

/** A ResourceWriteSuccess for a connection (what a consumer's endpoint creating it may raise). */
function connectionEvent(connectionId: string, id: string): unknown {
  const op = `${connectionId.split("/providers/")[1]!.split("/").slice(0, 2).join("/")}/privateEndpointConnections/write`;
  return {
    id,
    eventType: "Microsoft.Resources.ResourceWriteSuccess",
    subject: connectionId,
    eventTime: "2026-12-01T18:00:00Z",
    dataVersion: "2",
    topic: `/subscriptions/${SUB}`,
    data: { operationName: op, resourceUri: connectionId, status: "Succeeded", subscriptionId: SUB },
  };
}

type Conn = {
  id: string;
  properties: { privateLinkServiceConnectionState: { status: string; description?: string } };
};

function connections(targetId: string): Conn[] {
  return emu.state.listCollection(`${targetId}/privateEndpointConnections`) as Conn[];
}

const status = (c: Conn | undefined) => c?.properties.privateLinkServiceConnectionState.status;

describe("managed private endpoints through the Event Grid handler", () => {
  test("a Front Door origin in a watched subscription: its connection is approved within one event", async () => {
    await putOrigin(arm, "afd web origin");
    expect(connections(PLS_ID).map(status)).toEqual(["Pending"]);
    const d = deps();
    const r = await handleEventInput(event("resource-write-success.frontdoor-origin.eventgrid.json"), d);
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "approve", ruleId: "team-managed-endpoints", written: true }),
    ]);
    expect(connections(PLS_ID).map(status)).toEqual(["Approved"]);
  });

  test("a look-alike with the same message and no definition stays Pending, saying no definition vouches for it", async () => {
    // The team's origin asks for the PLS; the look-alike copies its message onto the SQL server no origin names.
    await putOrigin(arm, "afd web origin");
    const lookalike = emu.managed.createLookalike({
      targetId: SQL_ID,
      requestMessage: "afd web origin",
      groupId: "sqlServer",
    });
    const r = await handleEventInput(connectionEvent(lookalike, "lookalike-1"), deps());
    expect(r.decisions).toHaveLength(1);
    const decision = r.decisions[0]!;
    expect(decision).toMatchObject({ action: "pending", ruleId: "default", written: false });
    expect(decision.reasons.join("\n")).toMatch(/team-managed-endpoints.*no definition read names/s);
    expect(status(connections(SQL_ID)[0])).toBe("Pending");
  });

  test("a Data Factory managed private endpoint: approved within one event", async () => {
    await putFactorySqlEndpoint(arm);
    const r = await handleEventInput(event("resource-write-success.datafactory-mpe.eventgrid.json"), deps());
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "approve", ruleId: "team-managed-endpoints" }),
    ]);
    expect(connections(SQL_ID).map(status)).toEqual(["Approved"]);
  });

  test("an AI Search shared private link: approved within one event; its look-alike on another target stays Pending", async () => {
    await putSearchBlobLink(arm);
    const r = await handleEventInput(
      event("resource-write-success.search-shared-private-link.eventgrid.json"),
      deps(),
    );
    expect(r.decisions).toEqual([
      expect.objectContaining({ action: "approve", ruleId: "team-managed-endpoints" }),
    ]);
    expect(connections(STORAGE_ID).map(status)).toEqual(["Approved"]);

    const lookalike = emu.managed.createLookalike({
      service: "search",
      targetId: PLS_ID,
      requestMessage: "search indexer",
      location: "westeurope",
    });
    const r2 = await handleEventInput(connectionEvent(lookalike, "lookalike-2"), deps());
    expect(r2.decisions).toEqual([expect.objectContaining({ action: "pending", ruleId: "default" })]);
    expect(status(connections(PLS_ID)[0])).toBe("Pending");
  });

  test("after the real AI Search connection is Approved, a look-alike copying its message onto the same storage account stays Pending", async () => {
    // Storage connections carry no group ids and a decided one no longer shows its message: the Approved
    // connection may be the definition's own, so the copy is ambiguous, never a second approval.
    await putSearchBlobLink(arm);
    await handleEventInput(event("resource-write-success.search-shared-private-link.eventgrid.json"), deps());
    expect(connections(STORAGE_ID).map(status)).toEqual(["Approved"]);
    const copy = emu.managed.createLookalike({
      service: "search",
      targetId: STORAGE_ID,
      requestMessage: "search indexer",
      groupId: "blob",
    });
    const r = await handleEventInput(connectionEvent(copy, "lookalike-3"), deps());
    expect(r.decisions).toEqual([expect.objectContaining({ action: "pending", written: false })]);
    expect(r.decisions[0]!.reasons.join("\n")).toMatch(/already reports its connection Approved|ambiguous/);
    expect(connections(STORAGE_ID).map(status).sort()).toEqual(["Approved", "Pending"]);
  });

  test("two Pending connections claiming one definition decide pending, naming both", async () => {
    await putOrigin(arm, "afd web origin");
    const copy = emu.managed.createLookalike({
      targetId: PLS_ID,
      requestMessage: "afd web origin",
      location: "westeurope",
    });
    const r = await handleEventInput(event("resource-write-success.frontdoor-origin.eventgrid.json"), deps());
    expect(r.decisions).toHaveLength(2);
    for (const d of r.decisions) {
      expect(d).toMatchObject({ action: "pending", written: false });
      expect(d.reasons.join("\n")).toMatch(/ambiguous/);
    }
    const reasons = r.decisions[0]!.reasons.join("\n");
    expect(reasons).toContain(copy.split("/").at(-1)!);
    expect(connections(PLS_ID).map(status)).toEqual(["Pending", "Pending"]);
  });

  test("Synapse (data plane, no ARM event): the sweep reconciles its request by the workspace's definition", async () => {
    await arm.generic.put(
      "/synapse-dev/syn-lake/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-dfs",
      SYNAPSE_DATA_PLANE_VERSION,
      { properties: { privateLinkResourceId: STORAGE_ID, groupId: "dfs" } },
    );
    const lookalike = emu.managed.createLookalike({
      service: "synapse",
      targetId: SQL_ID,
      groupId: "sqlServer",
    });
    const runtime = sweepRuntime({
      env: { LINKGATE_SUBSCRIPTIONS: SUB },
      logger: new MemoryLogger(),
      policy,
      telemetry: new FakeTelemetry(),
      arm,
      useStore: false,
      trigger: "test",
    });
    const result = await runSweep(runtime.deps, { ...runtime.options, reconcile: true });
    expect(result.decisions.map((d) => [d.targetId, d.action, d.ruleId])).toEqual([
      [STORAGE_ID, "approve", "team-managed-endpoints"],
    ]);
    expect(connections(STORAGE_ID).map(status)).toEqual(["Approved"]);
    expect(result.findings.map((f) => f.checkId)).not.toContain("connection-managed-uncorroborated");
    // The look-alike names a target no definition names: Pending, and nothing vouches for it.
    expect(status(connections(SQL_ID)[0])).toBe("Pending");
    expect(connections(SQL_ID)[0]!.id).toBe(lookalike);
  });
});
