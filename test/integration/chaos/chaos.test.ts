/**
 * The chaos benchmark's short form (the full one is `npm run chaos`, docs/chaos.md): its scoring on
 * hand-made snapshots, then a small run of scenarios 1, 3 and 4 through separate worker processes running
 * the real Event Grid function over the emulator, with the suite's Azurite as the app's storage.
 */
import { runChaos } from "../../../scripts/chaos/main";
import {
  capOverruns,
  compareWithReference,
  doubleWrites,
  failures,
  formatTable,
  outcomeOf,
  unaudited,
  type ConnectionSnapshot,
  type Row,
} from "../../../scripts/chaos/score";
import { faultRules } from "../../../scripts/chaos/scenarios";

const T = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Relay/namespaces/r1";

function conn(
  n: number,
  status: string,
  rule?: string,
  requesterKey = "Pending|corp|CHG",
): ConnectionSnapshot {
  return {
    id: `${T}/privateEndpointConnections/c${n}`,
    targetId: T,
    status,
    description: rule ? `[linkgate:${rule}] done` : "CHG",
    requesterKey,
  };
}

describe("chaos scoring", () => {
  const reference = [conn(1, "Approved", "a"), conn(2, "Approved", "a"), conn(3, "Pending")];

  test.each([
    [
      "same outcomes, other connections",
      [conn(1, "Pending"), conn(2, "Approved", "a"), conn(3, "Approved", "a")],
      { wrong: 0, lost: 0, wrongApprovals: 0, decided: 2 },
    ],
    [
      "one more approval",
      [conn(1, "Approved", "a"), conn(2, "Approved", "a"), conn(3, "Approved", "a")],
      { wrong: 1, lost: 0, wrongApprovals: 1, decided: 3 },
    ],
    [
      "a decision left pending",
      [conn(1, "Approved", "a"), conn(2, "Pending"), conn(3, "Pending")],
      { wrong: 0, lost: 1, wrongApprovals: 0, decided: 1 },
    ],
    [
      "decided by another rule",
      [conn(1, "Approved", "a"), conn(2, "Approved", "b"), conn(3, "Pending")],
      { wrong: 1, lost: 0, wrongApprovals: 1, decided: 2 },
    ],
    [
      "rejected instead",
      [conn(1, "Approved", "a"), conn(2, "Rejected", "a"), conn(3, "Pending")],
      { wrong: 1, lost: 0, wrongApprovals: 0, decided: 2 },
    ],
  ])("compareWithReference: %s", (_name, run, expected) => {
    expect(compareWithReference(run, reference)).toEqual(expected);
  });

  test("requesters that differ are not interchangeable", () => {
    const other = "Pending|other|x";
    const ref = [conn(1, "Pending", undefined, other), conn(2, "Approved", "a"), conn(3, "Pending")];
    const run = [conn(1, "Approved", "a", other), conn(2, "Pending"), conn(3, "Approved", "a")];
    expect(compareWithReference(run, ref)).toEqual({ wrong: 1, wrongApprovals: 1, lost: 0, decided: 2 });
    expect(compareWithReference(ref, run)).toEqual({ wrong: 0, wrongApprovals: 0, lost: 1, decided: 1 });
  });

  test("cap overruns count approved connections past each target's limit", () => {
    const all = [conn(1, "Approved"), conn(2, "Approved"), conn(3, "Approved"), conn(4, "Rejected")];
    expect(capOverruns(all, [{ id: T.toUpperCase(), limit: 2 }])).toBe(1);
    expect(capOverruns(all, [{ id: T, limit: 3 }])).toBe(0);
    expect(capOverruns(all, [{ id: T }])).toBe(0);
  });

  test("double writes are writes that changed a connection that was no longer Pending", () => {
    expect(
      doubleWrites([
        {
          path: "a",
          before: "Pending",
          after: "Approved",
          beforeDescription: "hi",
          afterDescription: "[linkgate:r] ok",
        },
        {
          path: "a",
          before: "Approved",
          after: "Approved",
          beforeDescription: "[linkgate:r] ok",
          afterDescription: "[linkgate:r] ok",
        },
        {
          path: "a",
          before: "Approved",
          after: "Approved",
          beforeDescription: "by hand",
          afterDescription: "[linkgate:r] ok",
        },
        { path: "b", before: "Approved", after: "Rejected" },
        { path: "c", before: undefined, after: "Approved" },
      ]),
    ).toBe(2);
  });

  test("a decision without its LinkGate.Decision record is unaudited; a human's decision is not ours", () => {
    const run = [
      conn(1, "Approved", "a"),
      conn(2, "Rejected", "b"),
      { ...conn(3, "Approved"), description: "by hand" },
    ];
    expect(unaudited(run, [{ connectionId: conn(1, "x").id.toUpperCase(), action: "approve" }])).toBe(1);
    expect(outcomeOf(run[2] as ConnectionSnapshot)).toBe("Approved:-");
  });

  test("the table counts every non-zero must-be-zero cell as a failure", () => {
    const row: Row = {
      scenario: "x",
      events: 1,
      workers: 1,
      decisions: 1,
      wrong: 0,
      overruns: 2,
      doubleWrites: 0,
      lost: 1,
      crashes: 0,
      wallMs: 1000,
      p50Ms: 1,
      p99Ms: 2,
    };
    expect(failures(row)).toBe(2);
    expect(formatTable([row, { ...row, overruns: 0, lost: 0 }])).toMatch(/\n8 passed, 2 failed$/);
  });

  test("the fault mix fails the requested share of requests, a third each way", () => {
    const rules = faultRules(0.3);
    let remaining = 1;
    const shares = rules.map((r) => {
      const share = remaining * (r.probability ?? 1);
      remaining -= share;
      return share;
    });
    for (const s of shares) expect(s).toBeCloseTo(0.1, 10);
  });
});

describe("chaos short form", () => {
  test("duplicates over concurrent workers, fuzz and failing tenant discovery: every must-be-zero column is 0", async () => {
    const tlsDir = process.env["LINKGATE_TEST_TLS_DIR"];
    const connectionString = process.env["LINKGATE_TEST_AZURITE_CONN"];
    if (!tlsDir || !connectionString) throw new Error("test/global-setup.ts did not start Azurite");
    const report = await runChaos(
      {
        events: 60,
        deliveriesPerEvent: 2,
        workers: 3,
        perWorker: 2,
        faultRate: 0.3,
        fuzz: 150,
        tenantEvents: 12,
        telemetryEvents: 0,
        seed: 7,
        maxAttempts: 10,
        faultMaxAttempts: 2,
        missedShare: 0.3,
        retryBaseMs: 50,
        deliveryTimeoutMs: 30_000,
        scenarios: new Set([1, 3, 4]),
        log: () => {},
      },
      { tlsDir, connectionString },
    );
    const byName = (prefix: string) => report.rows.filter((r) => r.scenario.startsWith(prefix));
    // The run measured something: the reference decided, the workers decided as many, every fuzz case ran.
    expect(byName("1 ")[0]?.decisions).toBeGreaterThan(40);
    expect(byName("3 ")[0]?.events).toBe(150);
    for (const r of byName("4 ")) expect(r.events).toBeGreaterThan(0);
    expect(byName("4 ")).toHaveLength(3);
    expect(report.details.join("\n")).toMatch(/of 100 Pending connections decided/);
    expect({ table: report.table, failed: report.failed }).toEqual({ table: report.table, failed: 0 });
  }, 300_000);
});
