/**
 * Settings parsing: defaults when unset, strict otherwise (a malformed value is a SettingsError naming the
 * setting, never a silent default).
 */
import { loadSettings, loadSweepSchedule, SettingsError } from "../../src/config";

function settingsError(env: NodeJS.ProcessEnv): SettingsError {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error("expected a SettingsError");
}

describe("loadSettings", () => {
  test("defaults when nothing is set", () => {
    expect(loadSettings({})).toMatchObject({
      policyFile: "policy.yaml",
      subscriptions: [],
      findingsTable: "linkgateFindings",
      tableEndpoint: undefined,
      tableCaFile: undefined,
      privateOnlyTagName: undefined,
      relayPrivateOnly: false,
      maxConcurrency: 4,
      maxConcurrencyTotal: 16,
    });
  });

  test("table, CA and Relay settings are trimmed; an empty value is unset", () => {
    expect(
      loadSettings({
        LINKGATE_FINDINGS_TABLE: " myFindings ",
        LINKGATE_TABLE_ENDPOINT: " https://a.table.core.windows.net ",
        LINKGATE_TABLE_CA: " /etc/ca.pem ",
        LINKGATE_PRIVATE_ONLY_TAG: " private-only ",
        LINKGATE_RELAY_PRIVATE_ONLY: " TRUE ",
      }),
    ).toMatchObject({
      findingsTable: "myFindings",
      tableEndpoint: "https://a.table.core.windows.net",
      tableCaFile: "/etc/ca.pem",
      privateOnlyTagName: "private-only",
      relayPrivateOnly: true,
    });
    expect(
      loadSettings({
        LINKGATE_FINDINGS_TABLE: " ",
        LINKGATE_PRIVATE_ONLY_TAG: "",
        LINKGATE_RELAY_PRIVATE_ONLY: "",
      }),
    ).toMatchObject({
      findingsTable: "linkgateFindings",
      privateOnlyTagName: undefined,
      relayPrivateOnly: false,
    });
    expect(loadSettings({ LINKGATE_RELAY_PRIVATE_ONLY: "false" }).relayPrivateOnly).toBe(false);
  });

  test("a malformed boolean is an error naming the setting", () => {
    const e = settingsError({ LINKGATE_RELAY_PRIVATE_ONLY: "yes" });
    expect(e.setting).toBe("LINKGATE_RELAY_PRIVATE_ONLY");
    expect(e.message).toBe('setting LINKGATE_RELAY_PRIVATE_ONLY: "yes" is not true or false');
  });

  test("malformed numbers and subscription IDs are errors naming the setting", () => {
    expect(settingsError({ LINKGATE_MAX_CONCURRENCY: "lots" }).setting).toBe("LINKGATE_MAX_CONCURRENCY");
    expect(settingsError({ LINKGATE_SUBSCRIPTIONS: "not-a-guid" }).setting).toBe("LINKGATE_SUBSCRIPTIONS");
  });
});

describe("loadSweepSchedule", () => {
  test("reads only the schedule: another malformed setting does not matter", () => {
    expect(
      loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: " 0 0 * * * * ", LINKGATE_MAX_CONCURRENCY: "x" }),
    ).toBe("0 0 * * * *");
    expect(() => loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: "* * * * *" })).toThrow(SettingsError);
  });

  test.each(["0 */15 * * * *", "0 30 9 * * 1-5", "0 0 */2 * * Mon-Fri", "30 0 0 1 1,7 *"])(
    "%p is valid",
    (s) => {
      expect(loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: s })).toBe(s);
    },
  );

  test.each([
    ["a b c d e f", /Invalid characters/],
    ["61 * * * * *", /expected range 0-59/],
    ["0 0 25 * * *", /expected range 0-23/],
    ["0 0 0 31 2 *", /day of month/],
  ])("%p is refused, naming the setting and why", (s, why) => {
    let error: unknown;
    try {
      loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: s });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).setting).toBe("LINKGATE_SWEEP_SCHEDULE");
    expect((error as Error).message).toMatch(why);
  });
});

describe("LINKGATE_SWEEP_RECONCILE (the timer's sweep reconciles; the CLI asks --reconcile)", () => {
  test.each<[string | undefined, boolean]>([
    [undefined, true],
    ["", true],
    ["false", false],
    [" TRUE ", true],
  ])("%p -> %p", (value, expected) => {
    expect(loadSettings(value === undefined ? {} : { LINKGATE_SWEEP_RECONCILE: value }).sweepReconcile).toBe(
      expected,
    );
  });

  test("anything else is an error naming the setting", () => {
    expect(settingsError({ LINKGATE_SWEEP_RECONCILE: "sometimes" }).setting).toBe("LINKGATE_SWEEP_RECONCILE");
  });
});

describe("loadSettings for the Event Grid path (purpose: events)", () => {
  // A malformed setting only the sweep reads must not stop approvals: the events path uses its default and
  // says which setting it ignored. Settings the events path reads stay strict.
  test.each([
    ["LINKGATE_SWEEP_SCHEDULE", "every five minutes", "sweepSchedule"],
    ["LINKGATE_SWEEP_RECONCILE", "perhaps", "sweepReconcile"],
    ["LINKGATE_SWEEP_SHARD_SIZE", "2.5", "sweepShardSize"],
    ["LINKGATE_SWEEP_QUEUE", "Bad_Queue", "sweepQueue"],
    ["LINKGATE_PENDING_THRESHOLD_HOURS", "-1", "pendingThresholdHours"],
    ["LINKGATE_TRAFFIC_WINDOW_MINUTES", "abc", "trafficWindowMinutes"],
    ["LINKGATE_NAT_PORT_THRESHOLD_PERCENT", "101", "natPortThresholdPercent"],
    ["LINKGATE_RELAY_PRIVATE_ONLY", "maybe", "relayPrivateOnly"],
  ] as const)("%s=%s is ignored with a note, and still refused for the sweep", (name, value, field) => {
    const env = { [name]: value };
    expect(() => loadSettings(env)).toThrow(SettingsError);
    const s = loadSettings(env, { purpose: "events" });
    expect(s[field]).toEqual(loadSettings({})[field]);
    expect(s.ignored).toEqual([expect.stringContaining(name)]);
  });

  test.each([
    ["LINKGATE_SUBSCRIPTIONS", "not-a-guid"],
    ["LINKGATE_ARM_ENDPOINT", "https://evil.example"],
  ])("%s stays strict: the events path reads it", (name, value) => {
    expect(() => loadSettings({ [name]: value }, { purpose: "events" })).toThrow(SettingsError);
  });

  test("nothing ignored when every setting is well formed", () => {
    expect(loadSettings({}, { purpose: "events" }).ignored).toEqual([]);
  });
});
