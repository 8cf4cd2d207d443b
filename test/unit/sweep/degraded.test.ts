/**
 * A degraded sweep (part of the estate unreadable, or a check that threw) never resolves what it could not
 * see: three sweeps per case — clean, degraded after everything was fixed, clean again — and the transitions
 * each one reports.
 */
import type { Check } from "../../../src/core/checks/types";
import { emptyInventory, type CollectionError, type Inventory } from "../../../src/core/inventory";
import { runSweep, type SweepResult } from "../../../src/core/sweep";
import { silentLogger, type Clock } from "../../../src/ports";
import { FakeTenants } from "../reconcile/fakes";
import { FixedCollector, MemoryStore, RecordingTelemetry } from "./fakes";

const A = "aaaaaaaa-0000-4000-8000-00000000000a";
const B = "bbbbbbbb-0000-4000-8000-00000000000b";
const SETTINGS = { pendingThresholdHours: 24, natPortThresholdPercent: 80, trafficWindowMinutes: 60 };
const T0 = new Date("2026-11-24T10:00:00Z");
const LB = "pls-lb-not-standard";
const TRAFFIC = "pls-no-traffic";
const LIVE_DNS = "pe-dns-live-resolution";
const plsId = (sub: string) =>
  `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls1`;

/** Fires on every PLS whose `problems` tag lists this check's id. */
function tagCheck(id: string): Check {
  return {
    id,
    severity: "error",
    title: id,
    description: id,
    remediation: "fix",
    docUrl: `docs/checks/${id}.md`,
    run: (inv) =>
      inv.privateLinkServices
        .filter((p) => String((p["tags"] as Record<string, string>)["problems"] ?? "").includes(id))
        .map((p) => ({ resourceId: String(p["id"]), message: `${id} on ${String(p["id"])}` })),
  };
}

function throwing(id: string): Check {
  return {
    ...tagCheck(id),
    run: () => {
      throw new Error("unexpected shape");
    },
  };
}

const CHECKS = [tagCheck(LB), tagCheck(TRAFFIC), tagCheck(LIVE_DNS)];

function pls(sub: string, problems: string[]): Record<string, unknown> {
  return {
    id: plsId(sub),
    name: "pls1",
    type: "Microsoft.Network/privateLinkServices",
    tags: { problems: problems.join(",") },
    properties: {},
  };
}

function inv(parts: Partial<Inventory>): Inventory {
  return {
    ...emptyInventory(T0.toISOString(), 60),
    subscriptions: [{ subscriptionId: A }, { subscriptionId: B }],
    ...parts,
  };
}

const ALL = [LB, TRAFFIC, LIVE_DNS];
const broken = () => inv({ privateLinkServices: [pls(A, ALL), pls(B, ALL)] });
const fixed = () => inv({ privateLinkServices: [pls(A, []), pls(B, [])] });
const key = (f: { checkId: string; resourceId: string }) =>
  `${f.checkId}@${f.resourceId.includes(A) ? "A" : "B"}`;

interface Case {
  name: string;
  /** The degraded second sweep's view: the estate is fixed everywhere, but part of it is unreadable. */
  degraded: () => Inventory;
  checks?: Check[];
  carried: string[];
  failedScopes: string[];
  failedChecks?: string[];
}

const CASES: Case[] = [
  {
    name: "Resource Graph 503 for subscription A: A's resources are missing, A's findings stay open",
    degraded: () =>
      inv({
        privateLinkServices: [pls(B, [])],
        collectionErrors: [
          { scope: `/subscriptions/${A}`, kind: "scope", message: "503 ServiceUnavailable" },
        ],
      }),
    carried: [`${LB}@A`, `${TRAFFIC}@A`, `${LIVE_DNS}@A`],
    failedScopes: [`/subscriptions/${A}`],
  },
  {
    name: "subscription A unreadable (403) although its rows came back fixed: still not judged",
    degraded: () =>
      inv({
        privateLinkServices: [pls(A, []), pls(B, [])],
        collectionErrors: [
          { scope: `/subscriptions/${A}`, kind: "scope", message: "403 AuthorizationFailed" },
        ],
      }),
    carried: [`${LB}@A`, `${TRAFFIC}@A`, `${LIVE_DNS}@A`],
    failedScopes: [`/subscriptions/${A}`],
  },
  {
    name: "metrics down in A: only A's metric-based finding stays open",
    degraded: () =>
      inv({
        privateLinkServices: [pls(A, []), pls(B, [])],
        collectionErrors: [
          {
            scope: `${plsId(A)}/providers/Microsoft.Insights/metrics`,
            kind: "metrics",
            message: "500 InternalServerError",
          },
        ],
      }),
    carried: [`${TRAFFIC}@A`],
    failedScopes: [`/subscriptions/${A} (metrics)`],
  },
  {
    name: "the DNS resolver times out: the live DNS findings stay open everywhere",
    degraded: () =>
      inv({
        privateLinkServices: [pls(A, []), pls(B, [])],
        collectionErrors: [{ scope: "dns:x.servicebus.windows.net", kind: "dns", message: "ETIMEOUT" }],
      }),
    carried: [`${LIVE_DNS}@A`, `${LIVE_DNS}@B`],
    failedScopes: ["live DNS resolution"],
  },
  {
    name: "a check that threw: its findings stay open everywhere",
    degraded: fixed,
    checks: [tagCheck(LB), throwing(TRAFFIC), tagCheck(LIVE_DNS)],
    carried: [`${TRAFFIC}@A`, `${TRAFFIC}@B`],
    failedScopes: [],
    failedChecks: [TRAFFIC],
  },
];

describe("a degraded sweep carries forward what it could not judge", () => {
  test.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const store = new MemoryStore();
    const collector = new FixedCollector(broken());
    let now = T0;
    const clock: Clock = { now: () => now };
    const sweep = async (checks = CHECKS) => {
      const telemetry = new RecordingTelemetry();
      const result: SweepResult = await runSweep(
        { collector, checks, store, telemetry, logger: silentLogger, clock, tenants: new FakeTenants() },
        { scope: { subscriptions: [A, B] }, settings: SETTINGS },
      );
      const transitions = telemetry
        .events("LinkGate.Finding")
        .map(
          (e) =>
            `${e.properties["transition"]} ${key({ checkId: String(e.properties["checkId"]), resourceId: String(e.properties["resourceId"]) })}`,
        )
        .sort();
      return { result, transitions, completed: telemetry.events("LinkGate.SweepCompleted")[0] };
    };

    // 1. Clean: six findings open.
    const first = await sweep();
    expect(first.result.summary).toMatchObject({ opened: 6, degraded: false });
    expect(first.completed?.properties["degraded"]).toBe("false");

    // 2. Everything was fixed, but this sweep is partly blind.
    now = new Date(T0.getTime() + 15 * 60_000);
    collector.inventory = c.degraded();
    const second = await sweep(c.checks);
    const everything = ALL.flatMap((id) => [`${id}@A`, `${id}@B`]);
    const visible = everything.filter((k) => !c.carried.includes(k));
    expect(second.transitions).toEqual(visible.map((k) => `resolved ${k}`).sort());
    expect(second.result.carried.map(key).sort()).toEqual([...c.carried].sort());
    for (const f of second.result.carried) {
      expect(f.firstSeen).toBe(T0.toISOString());
      expect(f.lastSeen).toBe(T0.toISOString());
    }
    expect(second.result.summary).toMatchObject({
      degraded: true,
      failedScopes: c.failedScopes,
      failedChecks: c.failedChecks ?? [],
      carriedForward: c.carried.length,
      resolved: visible.length,
      opened: 0,
    });
    expect(second.completed?.properties).toMatchObject({ degraded: "true" });
    if (c.failedScopes.length > 0)
      expect(second.completed?.properties["failedScopes"]).toBe(c.failedScopes.join(", "));
    if (c.failedChecks) expect(second.completed?.properties["failedChecks"]).toBe(c.failedChecks.join(", "));
    expect(second.completed?.measurements["carriedForward"]).toBe(c.carried.length);
    expect([...store.rows.values()].map(key).sort()).toEqual([...c.carried].sort());

    // 3. Clean again: what was really fixed resolves now, once.
    now = new Date(T0.getTime() + 30 * 60_000);
    collector.inventory = fixed();
    const third = await sweep();
    expect(third.transitions).toEqual(c.carried.map((k) => `resolved ${k}`).sort());
    expect(third.result.summary).toMatchObject({ degraded: false, carriedForward: 0 });
    expect(store.rows.size).toBe(0);
  });

  test("a problem that appears in a blind scope is withheld, then opened by the next clean sweep", async () => {
    const store = new MemoryStore();
    const collector = new FixedCollector(fixed());
    let now = T0;
    const clock: Clock = { now: () => now };
    const run = async () => {
      const telemetry = new RecordingTelemetry();
      const result = await runSweep(
        {
          collector,
          checks: CHECKS,
          store,
          telemetry,
          logger: silentLogger,
          clock,
          tenants: new FakeTenants(),
        },
        { scope: { subscriptions: [A, B] }, settings: SETTINGS },
      );
      return { result, events: telemetry.events("LinkGate.Finding") };
    };
    await run();
    const blind: CollectionError = { scope: `/subscriptions/${A}`, kind: "scope", message: "403" };
    collector.inventory = inv({ privateLinkServices: [pls(A, [LB]), pls(B, [])], collectionErrors: [blind] });
    now = new Date(T0.getTime() + 15 * 60_000);
    const degraded = await run();
    expect(degraded.events).toEqual([]);
    expect(degraded.result.withheld.map(key)).toEqual([`${LB}@A`]);
    expect(degraded.result.summary.withheld).toBe(1);
    expect(store.rows.size).toBe(0);
    collector.inventory = inv({ privateLinkServices: [pls(A, [LB]), pls(B, [])] });
    now = new Date(T0.getTime() + 30 * 60_000);
    const clean = await run();
    expect(clean.result.opened.map(key)).toEqual([`${LB}@A`]);
    expect(clean.result.opened[0]?.firstSeen).toBe(now.toISOString());
  });

  test("stateless (no store): a degraded sweep still shows everything it saw, and says it was degraded", async () => {
    const telemetry = new RecordingTelemetry();
    const r = await runSweep(
      {
        collector: new FixedCollector(
          inv({
            privateLinkServices: [pls(A, [LB])],
            collectionErrors: [{ scope: `/subscriptions/${B}`, kind: "scope", message: "403" }],
          }),
        ),
        checks: CHECKS,
        telemetry,
        logger: silentLogger,
        clock: { now: () => T0 },
        tenants: new FakeTenants(),
      },
      { scope: { subscriptions: [A, B] }, settings: SETTINGS },
    );
    expect(r.findings.map(key)).toEqual([`${LB}@A`]);
    expect(r.summary).toMatchObject({ degraded: true, failedScopes: [`/subscriptions/${B}`], withheld: 0 });
  });
});
