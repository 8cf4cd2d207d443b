/**
 * Schedule windows are wall-clock times in an IANA time zone (luxon resolves DST): `from` inclusive, `to`
 * exclusive. When `to` is earlier than `from` the window runs overnight and belongs to the day it starts on,
 * so `days: [Fri], from: "22:00", to: "06:00"` covers Friday 22:00 to Saturday 06:00.
 * On a spring-forward day the skipped local hour never occurs; on a fall-back day the repeated hour counts
 * twice (both instants have that wall-clock time). Days are the window's start day in that time zone.
 */
import { DateTime, IANAZone } from "luxon";
import { type Schedule, type Weekday, WEEKDAYS } from "./types";

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;

/** Minutes since local midnight for `HH:MM` (`24:00` = 1440), or undefined when malformed. */
export function parseClock(value: string): number | undefined {
  if (!TIME.test(value)) return undefined;
  const [h, m] = value.split(":");
  return Number(h) * 60 + Number(m);
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export type ScheduleResult =
  | { readonly kind: "inside"; readonly local: string }
  | { readonly kind: "outside"; readonly local: string }
  | { readonly kind: "unknown"; readonly why: string };

function weekday(dt: DateTime): Weekday {
  // luxon: 1 = Monday ... 7 = Sunday
  return WEEKDAYS[dt.weekday - 1] as Weekday;
}

/** Whether the instant `atIso` falls inside the schedule's window. */
export function checkSchedule(schedule: Schedule, atIso: string | undefined): ScheduleResult {
  if (atIso === undefined) return { kind: "unknown", why: "decision time unknown" };
  const instant = DateTime.fromISO(atIso, { setZone: true });
  if (!instant.isValid)
    return { kind: "unknown", why: `decision time "${atIso}" is not an ISO 8601 instant` };
  const from = parseClock(schedule.from);
  const to = parseClock(schedule.to);
  if (from === undefined || to === undefined || from === to) {
    return { kind: "unknown", why: `window ${schedule.from}-${schedule.to} is malformed` };
  }
  const local = instant.setZone(schedule.timeZone);
  if (!local.isValid) return { kind: "unknown", why: `time zone "${schedule.timeZone}" is unknown` };
  const minute = local.hour * 60 + local.minute;
  const days = schedule.days && schedule.days.length > 0 ? schedule.days : WEEKDAYS;
  const shown = `${weekday(local)} ${local.toFormat("yyyy-MM-dd HH:mm")} ${schedule.timeZone}`;
  let inside: boolean;
  if (from < to) {
    inside = minute >= from && minute < to && days.includes(weekday(local));
  } else {
    // Overnight: the evening part belongs to today, the early-morning part to the day before.
    const evening = minute >= from && days.includes(weekday(local));
    const morning = minute < to && days.includes(weekday(local.minus({ days: 1 })));
    inside = evening || morning;
  }
  return inside ? { kind: "inside", local: shown } : { kind: "outside", local: shown };
}
