import type { Check } from "../../../src/core/checks/types";
import { emptyInventory, type Inventory } from "../../../src/core/inventory";
import type { Decision, DecisionFacts, PolicyMode } from "../../../src/core/model";
import type { PolicyRuntime } from "../../../src/core/reconcile";
import { RECONCILE_CONCURRENCY, missedEventTargets, runSweep, type SweepDeps } from "../../../src/core/sweep";
import { targetFromInventory } from "../../../src/core/decisionFacts/inventory";
import type { Clock, Logger } from "../../../src/ports";
import { CONSUMER_SUB, FakeArm, FakeTenants, PLS_ID, PROVIDER_SUB, endpointId } from "../reconcile/fakes";
import { FixedCollector, MemoryStore, RecordingTelemetry, throwingTelemetry } from "./fakes";

const SETTINGS = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
const T0 = new Date("2026-11-24T10:00:00Z");

const brokenPls: Check = {
  id: "pls-broken",
  severity: "error",
  title: "broken PLS",
  description: "fires for PLS tagged broken=yes",
  remediation: "fix it",
  docUrl: "docs/checks/pls-broken.md",
  run: (inv) =>
    inv.privateLinkServices
      .filter((p) => (p["tags"] as Record<string, string> | undefined)?.["broken"] === "yes")
      .map((p) => ({ resourceId: String(p["id"]), message: `${String(p["name"])} is broken` })),
};

const paasInfo: Check = {
  id: "paas-info",
  severity: "info",
  title: "PaaS seen",
  description: "fires for every PaaS resource",
  remediation: "none",
  docUrl: "docs/checks/paas-info.md",
  run: (inv) => inv.paasResources.map((r) => ({ resourceId: String(r["id"]), message: "seen" })),
};

const exploding: Check = {
  id: "exploding",
  severity: "warning",
  title: "throws",
  description: "always throws",
  remediation: "none",
  docUrl: "docs/checks/exploding.md",
  run: () => {
    throw new Error("bad data");
  },
};

/** Same contract as the real connection-missed-event check: Pending + the policy decides it. */
const missedEvent: Check = {
  id: "connection-missed-event",
  severity: "warning",
  title: "missed event",
  description: "Pending but decidable",
  remediation: "reconciled by the sweep",
  docUrl: "docs/checks/connection-missed-event.md",
  run: (inv, ctx) =>
    inv.connections
      .filter((c) => c.status === "Pending")
      .flatMap((c) => {
        const facts = ctx.factsFor?.(c);
        const d = facts && ctx.evaluate?.(facts);
        return d && d.action !== "pending" ? [{ resourceId: c.id, message: `${c.name}: ${d.action}` }] : [];
      }),
};

function pls(name: string, tags: Record<string, string> = {}): Record<string, unknown> {
  return {
    id: `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateLinkServices/${name}`,
    name,
    type: "Microsoft.Network/privateLinkServices",
    location: "westeurope",
    tags,
    properties: {},
  };
}

function policy(mode: PolicyMode, seen: DecisionFacts[] = []): PolicyRuntime {
  return {
    mode,
    source: "test-policy.yaml",
    decide(facts: DecisionFacts): Decision {
      seen.push(facts);
      return facts.requester.subscriptionId === CONSUMER_SUB
        ? { action: "approve", ruleId: "consumers", message: "ok", reasons: ["consumers matched"] }
        : { action: "pending", ruleId: "default", message: "no rule", reasons: [] };
    },
    describe: (d) => `linkgate: ${d.ruleId}`,
  };
}

class StepClock implements Clock {
  constructor(public t: Date) {}
  now(): Date {
    return new Date(this.t);
  }
}

const logs: string[] = [];
const logger: Logger = {
  info: (m) => logs.push(`info ${m}`),
  warn: (m) => logs.push(`warn ${m}`),
  error: (m) => logs.push(`error ${m}`),
};

function inventory(parts: Partial<Inventory>): Inventory {
  return {
    ...emptyInventory(T0.toISOString(), 60),
    subscriptions: [{ subscriptionId: PROVIDER_SUB }],
    ...parts,
  };
}

function deps(
  collector: FixedCollector,
  extra: Partial<SweepDeps> = {},
): SweepDeps & { telemetry: RecordingTelemetry } {
  return {
    collector,
    checks: [brokenPls, paasInfo],
    telemetry: new RecordingTelemetry(),
    logger,
    clock: new StepClock(T0),
    tenants: new FakeTenants(),
    ...extra,
  } as SweepDeps & { telemetry: RecordingTelemetry };
}

const scope = { subscriptions: [PROVIDER_SUB] };

describe("runSweep: state and transitions", () => {
  test("first sweep opens, a fixed problem resolves on the next, an unchanged one keeps firstSeen", async () => {
    const store = new MemoryStore();
    const collector = new FixedCollector(
      inventory({ privateLinkServices: [pls("a", { broken: "yes" }), pls("b", { broken: "yes" })] }),
    );
    const clock = new StepClock(T0);
    const d1 = deps(collector, { store, clock });
    const first = await runSweep(d1, { scope, settings: SETTINGS, trigger: "test" });
    expect(first.opened.map((f) => f.resourceId).sort()).toEqual([
      String(pls("a")["id"]),
      String(pls("b")["id"]),
    ]);
    expect(first.summary).toMatchObject({
      opened: 2,
      resolved: 0,
      stateful: true,
      findings: { error: 2, total: 2 },
    });
    expect(d1.telemetry.events("LinkGate.Finding").map((e) => e.properties["transition"])).toEqual([
      "opened",
      "opened",
    ]);

    // b is fixed; 15 minutes later.
    clock.t = new Date(T0.getTime() + 15 * 60_000);
    collector.inventory = inventory({ privateLinkServices: [pls("a", { broken: "yes" }), pls("b")] });
    const d2 = deps(collector, { store, clock });
    const second = await runSweep(d2, { scope, settings: SETTINGS });
    expect(second.resolved.map((f) => f.resourceId)).toEqual([String(pls("b")["id"])]);
    expect(second.opened).toEqual([]);
    expect(second.summary).toMatchObject({ opened: 0, resolved: 1, unchanged: 1 });
    const events = d2.telemetry.events("LinkGate.Finding");
    expect(events).toHaveLength(1);
    expect(events[0]?.properties).toMatchObject({
      transition: "resolved",
      checkId: "pls-broken",
      severity: "error",
    });
    const stillOpen = second.findings[0];
    expect(stillOpen?.firstSeen).toBe(T0.toISOString());
    expect(stillOpen?.lastSeen).toBe(clock.t.toISOString());
    expect([...store.rows.values()].map((f) => f.resourceId)).toEqual([String(pls("a")["id"])]);
  });

  test("stateless (no store): every finding is reported as opened and summary says so", async () => {
    const d = deps(new FixedCollector(inventory({ privateLinkServices: [pls("a", { broken: "yes" })] })));
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.summary.stateful).toBe(false);
    expect(r.summary.stateError).toBeUndefined();
    expect(r.opened).toHaveLength(1);
  });

  test("unreadable state: findings still returned, no transitions reported, state not overwritten", async () => {
    const store = new MemoryStore();
    store.failRead = new Error("403 AuthorizationPermissionMismatch");
    const d = deps(new FixedCollector(inventory({ privateLinkServices: [pls("a", { broken: "yes" })] })), {
      store,
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.findings).toHaveLength(1);
    expect(r.opened).toEqual([]);
    expect(store.saves).toBe(0);
    expect(r.summary.stateful).toBe(false);
    expect(r.summary.stateError).toMatch(/reading finding state from memory failed: 403/);
    expect(d.telemetry.events("LinkGate.Finding")).toHaveLength(0);
    expect(d.telemetry.events("LinkGate.SweepCompleted")[0]?.properties["stateError"]).toMatch(/403/);
  });

  test("unsaveable state: transitions are still reported and the error is summarised", async () => {
    const store = new MemoryStore();
    store.failSave = new Error("503 ServerBusy");
    const d = deps(new FixedCollector(inventory({ privateLinkServices: [pls("a", { broken: "yes" })] })), {
      store,
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.opened).toHaveLength(1);
    expect(r.summary.stateError).toMatch(/saving finding state to memory failed: 503/);
    expect(d.telemetry.events("LinkGate.Finding")).toHaveLength(1);
  });
});

describe("runSweep: checks, telemetry and summary", () => {
  test("a throwing check is a check error; the others still report; errors sort first", async () => {
    const d = deps(
      new FixedCollector(
        inventory({
          privateLinkServices: [pls("a", { broken: "yes" })],
          paasResources: [
            {
              id: `/subscriptions/${PROVIDER_SUB}/resourceGroups/r/providers/Microsoft.Relay/namespaces/n1`,
              type: "Microsoft.Relay/namespaces",
            },
          ],
          collectionErrors: [{ scope: `/subscriptions/${PROVIDER_SUB}`, message: "429 throttled" }],
        }),
      ),
      { checks: [paasInfo, exploding, brokenPls] },
    );
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.findings.map((f) => f.checkId)).toEqual(["pls-broken", "paas-info"]);
    expect(r.checkErrors).toEqual([{ checkId: "exploding", message: "check exploding failed: bad data" }]);
    expect(r.summary).toMatchObject({
      checkErrors: 1,
      collectionErrors: 1,
      checksRun: 3,
      findings: { error: 1, warning: 0, info: 1, total: 2 },
    });
  });

  test("selection: only and disabled narrow the checks run", async () => {
    const d = deps(
      new FixedCollector(
        inventory({
          privateLinkServices: [pls("a", { broken: "yes" })],
          paasResources: [
            { id: `/subscriptions/${PROVIDER_SUB}/resourceGroups/r/providers/Microsoft.Relay/namespaces/n1` },
          ],
        }),
      ),
    );
    const r = await runSweep(d, { scope, settings: SETTINGS, disabled: ["pls-broken"] });
    expect(r.findings.map((f) => f.checkId)).toEqual(["paas-info"]);
    expect(r.summary.checksRun).toBe(1);
  });

  test("SweepCompleted carries counts and duration; metrics cover every severity and state, zeros included", async () => {
    const arm = new FakeArm();
    const clock = new StepClock(T0);
    const collector = new FixedCollector(inventory({ privateLinkServices: [pls("a", { broken: "yes" })] }));
    collector.collect = async () => {
      clock.t = new Date(T0.getTime() + 1234);
      return inventory({
        privateLinkServices: [pls("a", { broken: "yes" })],
        connections: [
          arm.addConnection(PLS_ID, "c1", "Approved"),
          arm.addConnection(PLS_ID, "c2", "Pending"),
        ],
      });
    };
    const d = deps(collector, { clock });
    await runSweep(d, { scope, settings: SETTINGS, trigger: "timer" });
    const done = d.telemetry.events("LinkGate.SweepCompleted");
    expect(done).toHaveLength(1);
    expect(done[0]?.properties).toMatchObject({ trigger: "timer", stateful: "false" });
    expect(done[0]?.measurements).toMatchObject({
      durationMs: 1234,
      openFindings: 1,
      errors: 1,
      warnings: 0,
      opened: 1,
      connections: 2,
    });
    const open = Object.fromEntries(
      d.telemetry.metrics("LinkGate.OpenFindings").map((m) => [m.properties["severity"], m.value]),
    );
    expect(open).toEqual({ error: 1, warning: 0, info: 0 });
    const states = Object.fromEntries(
      d.telemetry.metrics("LinkGate.Connections").map((m) => [m.properties["state"], m.value]),
    );
    expect(states).toEqual({ Pending: 1, Approved: 1, Rejected: 0, Disconnected: 0, Removed: 0 });
  });

  test("a sink that throws never costs the sweep its result", async () => {
    const d = deps(new FixedCollector(inventory({ privateLinkServices: [pls("a", { broken: "yes" })] })), {
      telemetry: throwingTelemetry,
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.findings).toHaveLength(1);
    expect(logs.some((l) => l.startsWith("warn sweep: telemetry failed: telemetry down"))).toBe(true);
  });

  test("collect gets the sweep's instant and window; progress reports every phase", async () => {
    const collector = new FixedCollector(inventory({}));
    const phases: string[] = [];
    await runSweep(deps(collector), {
      scope,
      settings: { ...SETTINGS, trafficWindowMinutes: 30 },
      onProgress: (p) => phases.push(p.phase),
    });
    expect(collector.calls[0]?.options.now.toISOString()).toBe(T0.toISOString());
    expect(collector.calls[0]?.options.windowMinutes).toBe(30);
    expect(new Set(phases)).toEqual(new Set(["checks", "state"]));
  });
});

describe("runSweep: missed events are reconciled through the approval path", () => {
  function estate(): { arm: FakeArm; inv: Inventory } {
    const arm = new FakeArm();
    arm.addTarget(PLS_ID);
    const approvable = arm.addConnection(PLS_ID, "c-consumer", "Pending", { endpoint: endpointId("pe-ok") });
    const stranger = arm.addConnection(PLS_ID, "c-stranger", "Pending", {
      endpoint: endpointId("pe-x", "33333333-3333-3333-3333-333333333333"),
    });
    const inv = inventory({
      privateLinkServices: [
        { id: PLS_ID, name: "pls1", type: "Microsoft.Network/privateLinkServices", tags: { team: "net" } },
      ],
      connections: [approvable, stranger],
    });
    return { arm, inv };
  }

  test("enforce: the decidable Pending connection is approved with one PUT and reported", async () => {
    const { arm, inv } = estate();
    const seen: DecisionFacts[] = [];
    const d = deps(new FixedCollector(inv), {
      checks: [missedEvent],
      policy: policy("enforce", seen),
      approval: { reader: arm, writer: arm },
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.findings.map((f) => f.resourceId)).toEqual([`${PLS_ID}/privateEndpointConnections/c-consumer`]);
    expect(arm.puts).toEqual([
      expect.objectContaining({
        connectionId: `${PLS_ID}/privateEndpointConnections/c-consumer`,
        status: "Approved",
      }),
    ]);
    expect(r.decisions.map((x) => [x.action, x.written])).toEqual([
      ["approve", true],
      ["pending", false],
    ]);
    expect(r.summary.decisions).toBe(2);
    // Facts carry the tenants learned up front and the target's tags.
    const facts = seen.find((f) => f.requester.subscriptionId === CONSUMER_SUB);
    expect(facts?.requester.tenantId).toBe("bbbbbbbb-0000-0000-0000-000000000002");
    expect(facts?.target.tags).toEqual({ team: "net" });
    expect(d.telemetry.events("LinkGate.Decision").length).toBe(2);
  });

  test("--no-reconcile, audit mode, or no approval ports: reported, never written", async () => {
    for (const variant of ["no-reconcile", "audit", "no-ports"] as const) {
      const { arm, inv } = estate();
      const d = deps(new FixedCollector(inv), {
        checks: [missedEvent],
        policy: policy(variant === "audit" ? "audit" : "enforce"),
        approval: variant === "no-ports" ? undefined : { reader: arm, writer: arm },
      });
      const r = await runSweep(d, { scope, settings: SETTINGS, reconcile: variant !== "no-reconcile" });
      expect(r.findings).toHaveLength(1);
      expect(arm.puts).toEqual([]);
      expect(r.decisions).toEqual([]);
    }
  });

  test("a transient ARM failure during reconcile is recorded; the sweep completes", async () => {
    const { arm, inv } = estate();
    arm.failNextWriteWith = 503;
    const d = deps(new FixedCollector(inv), {
      checks: [missedEvent],
      policy: policy("enforce"),
      approval: { reader: arm, writer: arm },
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.reconcileFailures).toEqual([
      expect.objectContaining({ targetId: PLS_ID, error: expect.stringMatching(/503/) }),
    ]);
    expect(r.summary.reconcileFailures).toBe(1);
    expect(r.findings).toHaveLength(1);
  });

  test("different targets are reconciled in parallel, at most RECONCILE_CONCURRENCY at a time, reported in target order", async () => {
    const arm = new FakeArm();
    let inFlight = 0;
    let peak = 0;
    // Measured on the recount list each approval reads (the sweep hands reconcile the target it collected).
    const list = arm.listConnections.bind(arm);
    arm.listConnections = async function* (id: string) {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      yield* list(id);
    };
    let targetReads = 0;
    const getTarget = arm.getTarget.bind(arm);
    arm.getTarget = async (id: string) => {
      targetReads += 1;
      return getTarget(id);
    };
    const ids = Array.from({ length: RECONCILE_CONCURRENCY * 3 }, (_, i) => `${PLS_ID}-${i}`);
    const connections = ids.map((id, i) => {
      arm.addTarget(id);
      return arm.addConnection(id, `c-${i}`, "Pending", { endpoint: endpointId(`pe-${i}`) });
    });
    const inv = inventory({
      privateLinkServices: ids.map((id, i) => ({
        id,
        name: `pls1-${i}`,
        type: "Microsoft.Network/privateLinkServices",
      })),
      connections,
    });
    const d = deps(new FixedCollector(inv), {
      checks: [missedEvent],
      policy: policy("enforce"),
      approval: { reader: arm, writer: arm },
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(RECONCILE_CONCURRENCY);
    expect(r.decisions.map((x) => x.connectionId)).toEqual(connections.map((c) => c.id));
    expect(arm.puts).toHaveLength(ids.length);
    // One live target read per approving target: an approval never rests on the snapshot's target.
    expect(targetReads).toBe(ids.length);
    // The two subscriptions' tenants were learned for the checks; reconcile asks for none again.
    expect((d.tenants as FakeTenants).calls).toBe(2);
  });

  test("missedEventTargets: distinct parents of missed-event findings only", () => {
    const f = (checkId: string, resourceId: string) => ({
      id: resourceId,
      checkId,
      severity: "warning" as const,
      resourceId,
      message: "",
      remediation: "",
      docUrl: "",
    });
    expect(
      missedEventTargets([
        f("connection-missed-event", `${PLS_ID}/privateEndpointConnections/a`),
        f("connection-missed-event", `${PLS_ID.toUpperCase()}/privateEndpointConnections/b`),
        f("pls-broken", PLS_ID),
      ]),
    ).toEqual([PLS_ID]);
  });

  test("targetFromInventory: type from the id when absent, string tags only, undefined for junk", () => {
    expect(targetFromInventory({ id: PLS_ID, tags: { a: "1", b: 2 } })).toMatchObject({
      type: "Microsoft.Network/privateLinkServices",
      name: "pls1",
      subscriptionId: PROVIDER_SUB,
      tags: { a: "1" },
    });
    expect(targetFromInventory({ id: "not-an-id" })).toBeUndefined();
  });
});

describe("runSweep: managedBy in reconcile comes from the inventory's definitions", () => {
  const ORIGIN = `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd/originGroups/og/origins/o1`;
  const MANAGED_PE =
    "/subscriptions/f0d0f0d0-a11a-4f0d-9e0d-00000000afd0/resourceGroups/afd/providers/Microsoft.Network/privateEndpoints/afd-pe-1";

  function managedPolicy(seen: DecisionFacts[]): PolicyRuntime {
    return {
      mode: "enforce",
      source: "managed-policy.yaml",
      managedOwners: { frontDoor: ["**"] },
      decide(facts: DecisionFacts): Decision {
        seen.push(facts);
        return facts.requester.managedBy?.outcome === "corroborated"
          ? { action: "approve", ruleId: "edge", message: "ok", reasons: ["corroborated"] }
          : { action: "pending", ruleId: "default", message: "no", reasons: [] };
      },
      describe: (d) => `linkgate: ${d.ruleId}`,
    };
  }

  it.each([
    ["definitions collected", true, "corroborated", 1],
    ["no definitions in the inventory", false, "unknown", 0],
  ] as const)("%s: reconcile's managedBy is as collected", async (_name, withDefinitions, outcome, puts) => {
    const arm = new FakeArm();
    arm.addTarget(PLS_ID);
    const c = arm.addConnection(PLS_ID, "afd", "Pending", {
      endpoint: MANAGED_PE,
      description: "afd origin o1",
    });
    const inv = inventory({
      privateLinkServices: [{ id: PLS_ID, name: "pls1", type: "Microsoft.Network/privateLinkServices" }],
      connections: [c],
      ...(withDefinitions
        ? {
            managedDefinitions: [
              {
                service: "frontDoor" as const,
                id: ORIGIN,
                ownerId: ORIGIN.split("/").slice(0, 9).join("/"),
                targetId: PLS_ID,
                requestMessage: "afd origin o1",
              },
            ],
          }
        : {}),
    });
    const seen: DecisionFacts[] = [];
    const d = deps(new FixedCollector(inv), {
      // Every Pending connection is handed to reconcile, so the reconcile's own facts are what is asserted.
      checks: [
        { ...missedEvent, run: (i) => i.connections.map((x) => ({ resourceId: x.id, message: "pending" })) },
      ],
      policy: managedPolicy(seen),
      approval: { reader: arm, writer: arm },
    });
    const r = await runSweep(d, { scope, settings: SETTINGS });
    expect(r.decisions.map((x) => x.ruleId)).toEqual([puts ? "edge" : "default"]);
    expect(arm.puts).toHaveLength(puts);
    expect(seen.at(-1)?.requester.managedBy?.outcome).toBe(outcome);
  });
});

describe("runSweep: the inventory's definitions reader is built once per sweep", () => {
  const MANAGED_PE =
    "/subscriptions/f0d0f0d0-a11a-4f0d-9e0d-00000000afd0/resourceGroups/afd/providers/Microsoft.Network/privateEndpoints/afd-pe-1";
  const origin = (name: string) =>
    `/subscriptions/${PROVIDER_SUB}/resourceGroups/rg-edge/providers/Microsoft.Cdn/profiles/afd/originGroups/og/origins/${name}`;

  test("reconciling several targets scans the definitions once per sweep, not once per target", async () => {
    const arm = new FakeArm();
    const targets = [1, 2, 3].map((i) => `${PLS_ID.slice(0, -1)}${i}`);
    const connections = targets.map((t, i) => {
      arm.addTarget(t);
      return arm.addConnection(t, `afd${i}`, "Pending", { endpoint: MANAGED_PE, description: `o${i}` });
    });
    // Definitions naming targets outside the estate: only a scan of all definitions reads their targetId.
    const reads = new Map<string, number>();
    const elsewhere = Array.from({ length: 5 }, (_, i) => {
      const targetId = `${PLS_ID.slice(0, -1)}elsewhere${i}`;
      const d = {
        service: "frontDoor" as const,
        id: origin(`x${i}`),
        ownerId: origin(`x${i}`).split("/").slice(0, 9).join("/"),
        requestMessage: "x",
      };
      return Object.defineProperty(d, "targetId", {
        enumerable: true,
        get: () => {
          // Counted over the whole sweep: the checks' facts and reconcile share one index by target.
          reads.set(d.id, (reads.get(d.id) ?? 0) + 1);
          return targetId;
        },
      }) as typeof d & { targetId: string };
    });
    const vouching = targets.map((t, i) => ({
      service: "frontDoor" as const,
      id: origin(`o${i}`),
      ownerId: origin(`o${i}`).split("/").slice(0, 9).join("/"),
      targetId: t,
      requestMessage: `o${i}`,
    }));
    const inv = inventory({
      privateLinkServices: targets.map((id, i) => ({
        id,
        name: `pls${i + 1}`,
        type: "Microsoft.Network/privateLinkServices",
      })),
      connections,
      managedDefinitions: [...elsewhere, ...vouching],
    });
    const d = deps(new FixedCollector(inv), {
      checks: [missedEvent],
      policy: {
        mode: "enforce",
        source: "managed-policy.yaml",
        managedOwners: { frontDoor: ["**"] },
        decide: (facts: DecisionFacts): Decision =>
          facts.requester.managedBy?.outcome === "corroborated"
            ? { action: "approve", ruleId: "edge", message: "ok", reasons: [] }
            : { action: "pending", ruleId: "default", message: "no", reasons: [] },
        describe: (x) => `linkgate: ${x.ruleId}`,
      },
      approval: { reader: arm, writer: arm },
    });
    const r = await runSweep(d, {
      scope,
      settings: SETTINGS,
    });
    expect(r.decisions.map((x) => [x.targetId, x.ruleId])).toEqual(targets.map((t) => [t, "edge"]));
    expect(arm.puts).toHaveLength(targets.length);
    expect([...reads.values()]).toEqual(elsewhere.map(() => 1));
  });
});
