/**
 * src/config.ts is imported at Functions registration by every function: cron-parser (and the luxon it
 * brings) load only when a schedule other than the default is checked, and a bad schedule fails as before.
 * Which packages a fresh process has loaded is the measure (cold start: `npm run bench -- cold`).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { CronExpressionParser } from "cron-parser";
import { DEFAULT_SWEEP_SCHEDULE } from "../../src/config";

const REPO = path.resolve(__dirname, "../..");
const REGISTER_TS = path.join(REPO, "test/integration/sweep/support/register-ts.js");

/** Requires src/config.ts in a fresh node, runs `then` with `config`, prints which of the two are loaded after each step. */
function inChild(then: string): { steps: Record<string, string[]>; result: unknown } {
  const script = `
const steps = {};
const loaded = (name) => { steps[name] = ["cron-parser", "luxon"].filter((m) =>
  Object.keys(require.cache).some((f) => f.split(/[\\\\/]/).includes(m))); };
const config = require(${JSON.stringify(path.join(REPO, "src/config.ts"))});
loaded("import");
const result = (() => { ${then} })();
process.stdout.write(JSON.stringify({ steps, result }));
`;
  const r = spawnSync(process.execPath, ["-r", REGISTER_TS, "-e", script], {
    cwd: REPO,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { steps: Record<string, string[]>; result: unknown };
}

describe("config loads cron-parser only where a schedule is checked", () => {
  test("importing config and reading the default schedule load neither cron-parser nor luxon", () => {
    const r = inChild(`
      const schedule = config.loadSweepSchedule({});
      loaded("default");
      const queue = config.loadSweepQueue({});
      loaded("queue");
      return { schedule, queue };
    `);
    expect(r.result).toEqual({ schedule: DEFAULT_SWEEP_SCHEDULE, queue: "linkgate-sweep-shards" });
    expect(r.steps).toEqual({ import: [], default: [], queue: [] });
  }, 30_000);

  test("another schedule is checked by cron-parser, and a bad one fails as before", () => {
    const r = inChild(`
      const ok = config.loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: "0 30 9 * * 1-5" });
      loaded("custom");
      let error;
      try { config.loadSweepSchedule({ LINKGATE_SWEEP_SCHEDULE: "61 * * * * *" }); }
      catch (e) { error = { name: e.name, setting: e.setting, message: e.message }; }
      return { ok, error };
    `);
    expect(r.steps).toEqual({ import: [], custom: ["cron-parser", "luxon"] });
    expect(r.result).toEqual({
      ok: "0 30 9 * * 1-5",
      error: {
        name: "SettingsError",
        setting: "LINKGATE_SWEEP_SCHEDULE",
        message: expect.stringMatching(
          /^setting LINKGATE_SWEEP_SCHEDULE: "61 \* \* \* \* \*" is not a valid NCRONTAB expression \(.*expected range 0-59.*\); fields are second minute hour day month weekday, e\.g\. "0 \*\/15 \* \* \* \*"$/,
        ),
      },
    });
  }, 30_000);

  test("the default schedule, accepted without the parser, is one cron-parser accepts", () => {
    expect(() => CronExpressionParser.parse(DEFAULT_SWEEP_SCHEDULE)).not.toThrow();
  });
});
