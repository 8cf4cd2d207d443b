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
