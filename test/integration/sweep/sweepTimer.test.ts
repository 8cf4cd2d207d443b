/**
 * The timer function: schedule from settings with a default, past-due ticks run once, overlapping ticks are
 * skipped, a degraded sweep fails the invocation. Runs against the emulator and Azurite, like production.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvocationContext, type Timer } from "@azure/functions";
import { linkgateSweep, scheduleFromEnv } from "../../../src/functions/sweepTimer";
import { DEFAULT_SWEEP_SCHEDULE } from "../../../src/config";
import { parseDnsTable, startDnsServer, type RunningDnsServer } from "../../../src/adapters/dns/answerServer";
import { startEmulator, type RunningEmulator } from "../../../src/emulator";

const SEED = path.join(__dirname, "..", "..", "..", "examples", "demo-estate");
const F = "ffffffff-0000-4000-8000-000000000003";

function timer(isPastDue: boolean): Timer {
  return {
    isPastDue,
    schedule: { adjustForDST: true },
    scheduleStatus: {
      last: "2026-11-24T09:00:00Z",
      next: "2026-11-24T09:15:00Z",
      lastUpdated: "2026-11-24T09:00:00Z",
    },
  };
}

function context(lines: string[]): InvocationContext {
  return new InvocationContext({
    invocationId: "inv-1",
    functionName: "linkgateSweep",
    logHandler: (level, ...args) => lines.push(`${level} ${String(args[0])}`),
  });
}

describe("scheduleFromEnv", () => {
  test("the setting when valid, every 15 minutes when missing, the default (reported) when malformed", () => {
    const reports: string[] = [];
    expect(scheduleFromEnv({ LINKGATE_SWEEP_SCHEDULE: "0 */5 * * * *" }, (m) => reports.push(m))).toBe(
      "0 */5 * * * *",
    );
    expect(scheduleFromEnv({}, (m) => reports.push(m))).toBe(DEFAULT_SWEEP_SCHEDULE);
    expect(DEFAULT_SWEEP_SCHEDULE).toBe("0 */15 * * * *");
    expect(reports).toEqual([]);
    expect(scheduleFromEnv({ LINKGATE_SWEEP_SCHEDULE: "*/15 * * * *" }, (m) => reports.push(m))).toBe(
      DEFAULT_SWEEP_SCHEDULE,
    );
    expect(reports).toEqual([
      expect.stringMatching(
        /^setting LINKGATE_SWEEP_SCHEDULE: "\*\/15 \* \* \* \*" is not a six-field NCRONTAB/,
      ),
    ]);
  });

  test("another malformed setting does not change the schedule", () => {
    const reports: string[] = [];
    expect(
      scheduleFromEnv({ LINKGATE_SWEEP_SCHEDULE: "0 0 * * * *", LINKGATE_MAX_CONCURRENCY: "lots" }, (m) =>
        reports.push(m),
      ),
    ).toBe("0 0 * * * *");
    expect(reports).toEqual([]);
  });
});

describe("linkgateSweep", () => {
  let emu: RunningEmulator;
  let dns: RunningDnsServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-timer-"));
    emu = await startEmulator({ seedDir: SEED, caFile: path.join(dir, "ca.pem"), lroRetryAfterSeconds: 0 });
    dns = await startDnsServer(
      parseDnsTable(fs.readFileSync(path.join(SEED, "dns-answers.yaml"), "utf8"), "dns-answers.yaml"),
    );
    const conn = process.env["LINKGATE_TEST_AZURITE_CONN"];
    const tls = process.env["LINKGATE_TEST_TLS_DIR"];
    if (!conn || !tls) throw new Error("test/global-setup.ts did not start Azurite");
    env = {
      LINKGATE_EMULATOR: emu.url,
      LINKGATE_EMULATOR_CA: path.join(dir, "ca.pem"),
      LINKGATE_SUBSCRIPTIONS: F,
      LINKGATE_DNS_RESOLVER: dns.address,
      LINKGATE_POLICY_FILE: path.join(SEED, "policy.yaml"),
      AzureWebJobsStorage: conn,
      LINKGATE_TABLE_CA: path.join(tls, "ca.pem"),
      LINKGATE_FINDINGS_TABLE: `timer${process.pid}`,
    };
  }, 30_000);
  afterAll(async () => {
    await dns.stop();
    await emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a past-due tick is logged and runs once, with state", async () => {
    const lines: string[] = [];
    const result = await linkgateSweep(timer(true), context(lines), env);
    expect(lines[0]).toMatch(/^warning sweep: this tick is past due/);
    expect(result?.summary).toMatchObject({
      trigger: "timer-past-due",
      stateful: true,
      findings: { warning: 2 },
    });
  });

  test("a tick arriving while this worker still sweeps is skipped, not queued", async () => {
    emu.faults.add({ method: "POST", path: "ResourceGraph", latencyMs: 300, times: 3 });
    const first = linkgateSweep(timer(false), context([]), env);
    const lines: string[] = [];
    const second = await linkgateSweep(timer(false), context(lines), env);
    expect(second).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(
        /^warning sweep: the previous sweep is still running in this worker; skipping this tick/,
      ),
    ]);
    expect((await first)?.summary.trigger).toBe("timer");
    // The next tick runs again.
    expect(await linkgateSweep(timer(false), context([]), env)).toBeDefined();
  });

  test("a sweep blind to part of the estate logs that it was degraded and carries its findings forward", async () => {
    // The earlier ticks left F's findings open in the table; now F cannot be read.
    emu.faults.add({
      method: "GET",
      path: `^/subscriptions/${F}$`,
      status: 403,
      code: "AuthorizationFailed",
    });
    const lines: string[] = [];
    let result;
    try {
      result = await linkgateSweep(timer(false), context(lines), env);
    } finally {
      emu.faults.clear();
    }
    expect(result?.summary).toMatchObject({
      degraded: true,
      failedScopes: [`/subscriptions/${F}`],
      carriedForward: 2,
      resolved: 0,
    });
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^warning sweep completed DEGRADED: could not read or run /subscriptions/${F}; 2 finding\\(s\\) there carried forward unchanged \\(not resolved\\)`,
        ),
      ),
    );
  });

  test("an invalid policy: the sweep still runs without it, and the invocation fails naming the policy", async () => {
    const bad = path.join(dir, "bad.yaml");
    fs.writeFileSync(bad, "apiVersion: linkgate/v1\nmode: sometimes\n");
    const lines: string[] = [];
    await expect(
      linkgateSweep(timer(false), context(lines), { ...env, LINKGATE_POLICY_FILE: bad }),
    ).rejects.toThrow(/sweep completed degraded: policy: .*bad\.yaml/);
    expect(lines.some((l) => l.startsWith("error sweep: policy error:"))).toBe(true);
    // Findings were still reported: a SweepCompleted log line with the counts.
    expect(lines.some((l) => /^information sweep: 2 open findings/.test(l))).toBe(true);
  });
});
