/**
 * Approval end to end over the emulator with the real SDK clients (arm-network for the PLS, the generic
 * client for PaaS), tenant discovery through the emulator's 401, and PUTs counted by the emulator.
 */
import { approvalDeps } from "../../../src/adapters/compose";
import { handleEventInput } from "../../../src/core/events/handle";
import type { Decision } from "../../../src/core/model";
import { reconcileTarget } from "../../../src/core/reconcile";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";
import { emulatorArm, RECORD_DIR } from "../emulator/helpers";
import { approveAll, FakeTelemetry, MemoryLogger, policyOf } from "../../unit/reconcile/fakes";
import {
  CONSUMER_TENANT,
  PAAS_TABLE_TYPES,
  PAAS_TYPES,
  PLS_ID,
  PROVIDER_SUB,
  RELAY_ID,
  connection,
  countPuts,
  paasDoc,
  parentIdFor,
  plsDoc,
  subscriptions,
} from "./seed";

let emu: RunningEmulator;

beforeAll(async () => {
  // Recorded for `npm run conformance` (PLS through arm-network at 2026-01-01, Relay at 2021-11-01).
  emu = await startEmulator({ port: 0, recordDir: RECORD_DIR });
});

afterAll(async () => {
  await emu?.stop();
});

function seed(docs: Record<string, unknown>[]): void {
  emu.state.reset();
  emu.faults.clear();
  for (const d of [...subscriptions(), ...docs]) {
    const id = String(d["id"]);
    if (/^\/subscriptions\/[^/]+$/.test(id))
      emu.state.setSubscription(d as { subscriptionId: string; tenantId: string });
    else emu.state.add(d);
  }
}

function deps(decide: () => Decision = approveAll, mode: "enforce" | "audit" = "enforce") {
  const arm = emulatorArm(emu, { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
  const telemetry = new FakeTelemetry();
  const logger = new MemoryLogger();
  return {
    ...approvalDeps({ env: {}, logger, policy: policyOf(decide, mode), telemetry, arm }),
    telemetry,
    logger,
  };
}

function statusOf(connectionId: string): string | undefined {
  const doc = emu.state.get(connectionId) as
    { properties?: { privateLinkServiceConnectionState?: { status?: string } } } | undefined;
  return doc?.properties?.privateLinkServiceConnectionState?.status;
}

const connectionWrite = (targetId: string, name: string, id = "ev-1") => ({
  eventType: "Microsoft.Resources.ResourceWriteSuccess",
  id,
  subject: `${targetId}/privateEndpointConnections/${name}`,
  data: {
    operationName: "Microsoft.Network/privateLinkServices/privateEndpointConnections/write",
    resourceUri: `${targetId}/privateEndpointConnections/${name}`,
  },
  dataVersion: "2",
  metadataVersion: "1",
  topic: `/subscriptions/${PROVIDER_SUB}`,
});

describe("approval over the emulator", () => {
  it("approves a Pending PLS connection with one PUT and leaves the Approved one untouched", async () => {
    seed([
      plsDoc([
        ["pending1", "Pending"],
        ["approved1", "Approved"],
      ]),
    ]);
    const puts = countPuts(emu);
    const d = deps();
    const r = await reconcileTarget(PLS_ID, d);
    expect(puts()).toBe(1);
    expect(statusOf(`${PLS_ID}/privateEndpointConnections/pending1`)).toBe("Approved");
    expect(r.decisions).toHaveLength(1);
    expect(r.decisions[0]).toMatchObject({ written: true, requesterTenantId: CONSUMER_TENANT });
    expect(r.untouched).toBe(1);
    const [ev] = d.telemetry.named("LinkGate.Decision");
    expect(ev?.properties).toMatchObject({
      targetType: "Microsoft.Network/privateLinkServices",
      written: "true",
    });
  });

  it("duplicate events and our own write event cause no second write (Event Grid and CloudEvents)", async () => {
    seed([plsDoc([["pending1", "Pending"]])]);
    const puts = countPuts(emu);
    const d = deps();
    const ev = connectionWrite(PLS_ID, "pending1");
    const cloud = {
      specversion: "1.0",
      id: "ce-1",
      type: ev.eventType,
      source: ev.topic,
      subject: ev.subject,
      data: ev.data,
    };
    const first = await handleEventInput(ev, d);
    await handleEventInput(ev, d);
    await handleEventInput(cloud, d);
    await handleEventInput(connectionWrite(PLS_ID, "pending1", "self-caused"), d);
    expect(first.decisions).toHaveLength(1);
    expect(puts()).toBe(1);
  });

  it("audit mode decides and writes nothing", async () => {
    seed([plsDoc([["pending1", "Pending"]])]);
    const puts = countPuts(emu);
    const r = await reconcileTarget(PLS_ID, deps(approveAll, "audit"));
    expect(puts()).toBe(0);
    expect(r.decisions[0]).toMatchObject({ action: "approve", mode: "audit", written: false });
    expect(statusOf(`${PLS_ID}/privateEndpointConnections/pending1`)).toBe("Pending");
  });

  it("a 503 storm ends in a thrown (transient) error and no write", async () => {
    seed([paasDoc("Microsoft.Relay/namespaces", "relay1", [["c1", "Pending"]])]);
    const puts = countPuts(emu);
    emu.faults.add({ status: 503 });
    const d = deps();
    await expect(handleEventInput(connectionWrite(RELAY_ID, "c1"), d)).rejects.toMatchObject({
      statusCode: 503,
      transient: true,
    });
    expect(puts()).toBe(0);
    emu.faults.clear();
    expect(statusOf(`${RELAY_ID}/privateEndpointConnections/c1`)).toBe("Pending");
  });

  it("a 503 storm on the PUT alone also throws, records DecisionFailed and leaves the connection Pending", async () => {
    seed([paasDoc("Microsoft.Relay/namespaces", "relay1", [["c1", "Pending"]])]);
    emu.faults.add({ method: "PUT", status: 503 });
    const d = deps();
    await expect(reconcileTarget(RELAY_ID, d)).rejects.toMatchObject({ statusCode: 503 });
    expect(d.telemetry.named("LinkGate.DecisionFailed")[0]?.properties).toMatchObject({
      statusCode: "503",
      transient: "true",
    });
    expect(statusOf(`${RELAY_ID}/privateEndpointConnections/c1`)).toBe("Pending");
  });

  it("rejects with one PUT naming the rule", async () => {
    seed([paasDoc("Microsoft.Relay/namespaces", "relay1", [["c1", "Pending"]])]);
    const puts = countPuts(emu);
    await reconcileTarget(
      RELAY_ID,
      deps(() => ({ action: "reject", ruleId: "deny-foreign", message: "no", reasons: [] })),
    );
    expect(puts()).toBe(1);
    const doc = emu.state.get(`${RELAY_ID}/privateEndpointConnections/c1`) as {
      properties: { privateLinkServiceConnectionState: { status: string; description: string } };
    };
    expect(doc.properties.privateLinkServiceConnectionState).toMatchObject({
      status: "Rejected",
      description: expect.stringContaining("deny-foreign"),
    });
  });

  it("a missing target is not an error", async () => {
    seed([]);
    const r = await reconcileTarget(PLS_ID, deps());
    expect(r.found).toBe(false);
  });
});

describe(`every supported PaaS type (${PAAS_TYPES.length}) over the generic client`, () => {
  it.each(PAAS_TYPES)("%s: one PUT approves the Pending connection", async (type) => {
    const id = parentIdFor(type, "target01");
    seed([
      paasDoc(type, "target01", [
        ["pending1", "Pending"],
        ["approved1", "Approved"],
      ]),
    ]);
    const puts = countPuts(emu);
    const r = await reconcileTarget(id, deps());
    expect(r.decisions.map((x) => [x.connectionId, x.written])).toEqual([
      [`${id}/privateEndpointConnections/pending1`, true],
    ]);
    expect(puts()).toBe(1);
    expect(statusOf(`${id}/privateEndpointConnections/pending1`)).toBe("Approved");
    expect(statusOf(`${id}/privateEndpointConnections/approved1`)).toBe("Approved");
  });

  it("covers at least 25 PaaS types including Relay", () => {
    expect(PAAS_TYPES.map((t) => t.toLowerCase()).sort()).toEqual([...PAAS_TABLE_TYPES].sort());
    expect(PAAS_TYPES.length).toBeGreaterThanOrEqual(26);
    expect(PAAS_TYPES).toContain("Microsoft.Relay/namespaces");
    expect(connection(RELAY_ID, "Microsoft.Relay/namespaces", "x", "Pending")).toHaveProperty(
      "properties.privateEndpoint.id",
    );
  });
});
