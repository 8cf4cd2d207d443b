import { evaluate } from "../../../src/core/policy";
import { checkSchedule } from "../../../src/core/policy/schedule";
import type { Schedule } from "../../../src/core/policy/types";
import { facts, ruleWhen } from "./helpers";

const AMS = "Europe/Amsterdam";
const office: Schedule = {
  days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
  from: "08:00",
  to: "18:00",
  timeZone: AMS,
};
const night: Schedule = { days: ["Fri"], from: "22:00", to: "06:00", timeZone: AMS };
// 02:00-03:00 local does not exist on the spring-forward day and happens twice on the fall-back day.
const twoToThree: Schedule = { from: "02:00", to: "03:00", timeZone: AMS };
const wholeDay: Schedule = { days: ["Sun"], from: "00:00", to: "24:00", timeZone: AMS };

const kind = (s: Schedule, at: string) => checkSchedule(s, at).kind;

describe("schedule windows", () => {
  it.each([
    // Winter (CET, UTC+1)
    ["Fri 08:00 CET is the first minute", office, "2025-01-10T07:00:00Z", "inside"],
    ["Fri 07:59 CET is before", office, "2025-01-10T06:59:00Z", "outside"],
    ["Fri 17:59 CET is inside", office, "2025-01-10T16:59:00Z", "inside"],
    ["Fri 18:00 CET is the end (exclusive)", office, "2025-01-10T17:00:00Z", "outside"],
    ["Sat 10:00 CET is not a weekday", office, "2025-01-11T09:00:00Z", "outside"],
    // Spring forward: Sunday 2025-03-30 02:00 CET -> 03:00 CEST.
    ["Mon after spring-forward, 08:00 CEST = 06:00Z, inside", office, "2025-03-31T06:00:00Z", "inside"],
    [
      "Mon after spring-forward, 07:30 CEST = 05:30Z, outside (would be inside in CET)",
      office,
      "2025-03-31T05:30:00Z",
      "outside",
    ],
    ["Fri before spring-forward, 07:30Z = 08:30 CET, inside", office, "2025-03-28T07:30:00Z", "inside"],
    ["spring-forward: 00:59Z is 01:59 CET, outside 02-03", twoToThree, "2025-03-30T00:59:00Z", "outside"],
    [
      "spring-forward: 01:00Z is 03:00 CEST, the skipped hour never occurs",
      twoToThree,
      "2025-03-30T01:00:00Z",
      "outside",
    ],
    ["day before spring-forward: 01:30Z is 02:30 CET, inside", twoToThree, "2025-03-29T01:30:00Z", "inside"],
    // Fall back: Sunday 2025-10-26 03:00 CEST -> 02:00 CET; 02:00-03:00 local happens twice.
    ["fall-back: 00:30Z is 02:30 CEST (first pass), inside", twoToThree, "2025-10-26T00:30:00Z", "inside"],
    ["fall-back: 01:30Z is 02:30 CET (second pass), inside", twoToThree, "2025-10-26T01:30:00Z", "inside"],
    ["fall-back: 02:00Z is 03:00 CET, outside", twoToThree, "2025-10-26T02:00:00Z", "outside"],
    ["Mon after fall-back, 07:30Z = 08:30 CET, inside", office, "2025-10-27T07:30:00Z", "inside"],
    ["Fri before fall-back, 06:30Z = 08:30 CEST, inside", office, "2025-10-24T06:30:00Z", "inside"],
    ["Mon after fall-back, 06:30Z = 07:30 CET, outside", office, "2025-10-27T06:30:00Z", "outside"],
    // Overnight windows belong to the day they start on.
    ["Fri 23:00 local starts the Friday night window", night, "2025-01-10T22:00:00Z", "inside"],
    ["Sat 05:59 local is still Friday's window", night, "2025-01-11T04:59:00Z", "inside"],
    ["Sat 06:00 local ends it", night, "2025-01-11T05:00:00Z", "outside"],
    ["Thu 23:00 local is not a Friday night", night, "2025-01-09T22:00:00Z", "outside"],
    ["Fri 03:00 local belongs to Thursday's night: outside", night, "2025-01-10T02:00:00Z", "outside"],
    [
      "overnight across fall-back: Sat 2025-10-25 23:00 CEST window covers Sun 05:00 CET",
      { ...night, days: ["Sat"] },
      "2025-10-26T04:00:00Z",
      "inside",
    ],
    ["24:00 closes a whole-day window: Sun 23:59", wholeDay, "2025-01-12T22:59:00Z", "inside"],
    ["whole-day window: Mon 00:00 is the next day", wholeDay, "2025-01-12T23:00:00Z", "outside"],
    ["offsets in the instant are honoured", office, "2025-01-10T09:00:00+02:00", "inside"],
  ] as const)("%s", (_name, schedule, at, expected) => {
    expect(kind(schedule, at)).toBe(expected);
  });

  it("treats a missing or malformed time as unknown", () => {
    expect(checkSchedule(office, undefined)).toEqual({ kind: "unknown", why: "decision time unknown" });
    expect(checkSchedule(office, "yesterday")).toMatchObject({ kind: "unknown" });
  });

  it("reports the local time it judged in the reason", () => {
    const p = ruleWhen(
      `{schedule: {days: [Mon, Tue, Wed, Thu, Fri], from: "08:00", to: "18:00", timeZone: ${AMS}}}`,
    );
    const d = evaluate(p, facts({ at: "2025-03-31T05:30:00Z" }));
    expect(d.action).toBe("pending");
    expect(d.reasons[0]).toBe(
      "rule r1: schedule: Mon 2025-03-31 07:30 Europe/Amsterdam is outside Mon,Tue,Wed,Thu,Fri 08:00-18:00",
    );
  });
});
