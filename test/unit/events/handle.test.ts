import * as fs from "node:fs";
import * as path from "node:path";
import { handleEventInput, type HandleEventDeps } from "../../../src/core/events/handle";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { approveAll, FakeArm, makeDeps, PLS_ID, policyOf, PROVIDER_SUB, RELAY_ID } from "../reconcile/fakes";

const FIXTURES = path.join(__dirname, "../../fixtures/events");
const STORAGE = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata1`;
const PE_INTERNAL = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-app-1/providers/Microsoft.Network/privateEndpoints/pe-internal`;
const SUPPORTED = new Set([
  "microsoft.relay/namespaces",
  "microsoft.network/privatelinkservices",
  "microsoft.storage/storageaccounts",
]);

function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as unknown;
}

function handlerDeps(arm: FakeArm, policy: PolicyRuntime = policyOf(approveAll), scope = [PROVIDER_SUB]) {
  const base = makeDeps(arm, policy);
  const deps: HandleEventDeps & typeof base = {
    ...base,
    supportsTargetType: (t) => SUPPORTED.has(t.toLowerCase()),
    inScope: (id) => scope.some((s) => id.toLowerCase().startsWith(`/subscriptions/${s}/`)),
  };
  return deps;
}

function seeded(): FakeArm {
  const arm = new FakeArm();
  arm.addTarget(RELAY_ID);
  arm.addTarget(PLS_ID);
  arm.addTarget(STORAGE);
  arm.addConnection(RELAY_ID, "r1", "Pending");
  arm.addConnection(PLS_ID, "p1", "Pending");
  arm.addConnection(STORAGE, "s1", "Pending");
  return arm;
}

describe("handleEventInput", () => {
  it("reconciles the connection's parent for a connection write (Event Grid schema)", async () => {
    const arm = seeded();
    const r = await handleEventInput(
      fixture("resource-write-success.connection-proxy.eventgrid.json"),
      handlerDeps(arm),
    );
    expect(r.events).toEqual([
      expect.objectContaining({ status: "accepted", schema: "EventGrid", targets: [RELAY_ID] }),
    ]);
    expect(arm.puts.map((p) => p.connectionId)).toEqual([`${RELAY_ID}/privateEndpointConnections/r1`]);
    expect(r.decisions).toHaveLength(1);
  });

  it("handles CloudEvents the same way (PLS connection write)", async () => {
    const arm = seeded();
    const r = await handleEventInput(
      fixture("resource-write-success.pls-connection.cloudevent.json"),
      handlerDeps(arm),
    );
    expect(r.events[0]).toMatchObject({ schema: "CloudEvents", targets: [PLS_ID] });
    expect(arm.puts).toHaveLength(1);
  });

  it("reads a written private endpoint and reconciles the in-scope targets it names", async () => {
    const arm = seeded();
    const foreign =
      "/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/x/providers/Microsoft.Relay/namespaces/other";
    arm.resources.set(PE_INTERNAL.toLowerCase(), {
      id: PE_INTERNAL,
      properties: {
        manualPrivateLinkServiceConnections: [
          { properties: { privateLinkServiceId: RELAY_ID } },
          { properties: { privateLinkServiceId: foreign } },
          {
            properties: {
              privateLinkServiceId: `/subscriptions/${PROVIDER_SUB}/resourceGroups/x/providers/Microsoft.Unknown/things/t`,
            },
          },
        ],
      },
    });
    const deps = handlerDeps(arm);
    const r = await handleEventInput(fixture("resource-write-success.private-endpoint.eventgrid.json"), deps);
    expect(r.events[0]?.targets).toEqual([RELAY_ID]);
    expect(arm.puts).toHaveLength(1);
    expect(deps.logger.text()).toContain("outside the managed subscriptions");
    expect(deps.logger.text()).toContain("not a private link target type");
  });

  it("a private endpoint that no longer exists means nothing to do", async () => {
    const arm = seeded();
    const r = await handleEventInput(
      fixture("resource-write-success.private-endpoint.eventgrid.json"),
      handlerDeps(arm),
    );
    expect(r.events[0]?.targets).toEqual([]);
    expect(arm.puts).toHaveLength(0);
  });

  it("Resource Notifications: reconciles the resource the event carries, in both schemas, once per batch", async () => {
    const arm = seeded();
    const batch = [
      fixture("resource-notifications-created-or-updated.eventgrid.json"),
      fixture("resource-notifications-created-or-updated.cloudevent.json"),
    ];
    const r = await handleEventInput(batch, handlerDeps(arm));
    expect(r.events.map((e) => e.schema)).toEqual(["EventGrid", "CloudEvents"]);
    expect(arm.puts.map((p) => p.connectionId)).toEqual([`${STORAGE}/privateEndpointConnections/s1`]);
  });

  it("duplicate and self-caused events write nothing more", async () => {
    const arm = seeded();
    const deps = handlerDeps(arm);
    const ev = fixture("resource-write-success.connection-proxy.eventgrid.json");
    await handleEventInput(ev, deps);
    await handleEventInput(ev, deps);
    // Our own PUT raises a connection write event on the same namespace: re-reading shows Approved.
    const self = {
      eventType: "Microsoft.Resources.ResourceWriteSuccess",
      id: "self-1",
      data: {
        operationName: "Microsoft.Relay/namespaces/privateEndpointConnections/write",
        resourceUri: `${RELAY_ID}/privateEndpointConnections/r1`,
      },
    };
    const r = await handleEventInput(self, deps);
    expect(arm.puts).toHaveLength(1);
    expect(r.decisions).toHaveLength(0);
  });

  it("acknowledges malformed and unknown events without throwing or reading ARM", async () => {
    const arm = seeded();
    const deps = handlerDeps(arm);
    const r = await handleEventInput(
      [
        { nonsense: true },
        fixture("resource-notifications-deleted.eventgrid.json"),
        ...(fixture("resource-write-success.storage.eventgrid.json") as unknown[]),
      ],
      deps,
    );
    expect(r.events.map((e) => e.status)).toEqual(["malformed", "ignored", "ignored"]);
    expect(arm.reads).toBe(0);
    expect(deps.logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
  });

  it("throws on a transient ARM failure so Event Grid redelivers, and writes nothing", async () => {
    const arm = seeded();
    arm.failWith = 503;
    await expect(
      handleEventInput(fixture("resource-write-success.connection-proxy.eventgrid.json"), handlerDeps(arm)),
    ).rejects.toMatchObject({ statusCode: 503 });
    expect(arm.puts).toHaveLength(0);
  });

  it("logs a terminal failure on one target and returns (no retry storm)", async () => {
    const arm = seeded();
    arm.failWith = 403;
    const deps = handlerDeps(arm);
    const r = await handleEventInput(fixture("resource-write-success.connection-proxy.eventgrid.json"), deps);
    expect(r.failures).toEqual([
      expect.objectContaining({ targetId: RELAY_ID, error: expect.stringContaining("403") }),
    ]);
    expect(deps.logger.text()).toContain("not retried");
  });

  it("dry-run decides without writing", async () => {
    const arm = seeded();
    const r = await handleEventInput(
      fixture("resource-write-success.connection-proxy.eventgrid.json"),
      handlerDeps(arm),
      { dryRun: true },
    );
    expect(arm.puts).toHaveLength(0);
    expect(r.decisions[0]).toMatchObject({ mode: "audit", written: false, action: "approve" });
  });
});
