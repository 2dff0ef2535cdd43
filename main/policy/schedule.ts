import { windowSpan, type Schedule, type ScheduleWindow, type Weekday } from '../../shared/limits.ts';
import { addDays, dateKey, localDate, resolveWallTime, startOfDay, weekdayOf, type LocalDate } from './zone.ts';

/**
 * The schedule on the real clock. Each window of a weekday becomes, on each
 * calendar date, one interval of instants [start, end): its start and end
 * resolved in the zone (see zone.ts for the DST rules). So a window never
 * stops and restarts inside itself:
 * - spring forward, Berlin 29 Mar 2026 (02:00 → 03:00): 01:00–08:00 runs
 *   01:00 CET → 08:00 CEST, six real hours; a window starting in the skipped
 *   hour starts at 03:00; a window entirely inside it does not happen that day;
 * - fall back, Berlin 25 Oct 2026 (03:00 → 02:00): 01:00–08:00 runs eight
 *   real hours; a window ending at 02:30 ends at the first 02:30 and does not
 *   come back when the clock shows 02:30 again.
 * A window that ends the next day belongs to the day it starts: Monday's
 * 22:00–06:00 runs Monday 22:00 → Tuesday 06:00.
 */

export interface WindowOccurrence {
  day: Weekday;
  index: number;
  window: ScheduleWindow;
  date: LocalDate;
  start: number;
  end: number;
}

export interface ScheduleStatus {
  active: boolean;
  /** The window running now, or the next one to start; null when none is in sight. */
  occurrence: WindowOccurrence | null;
  /**
   * When `active` flips by the clock alone: the end of the run of windows
   * going on now (touching windows chain), or the next start. Null when the
   * schedule never changes (every day all day) or nothing starts in the coming
   * week (every window fell into DST gaps).
   */
  changesAt: number | null;
}

/** Dates to look at beyond today: a week ahead finds the next start of any non-empty weekly schedule. */
const LOOKAHEAD_DAYS = 8;

export function occurrencesOn(schedule: Schedule, date: LocalDate, zone: string): WindowOccurrence[] {
  const day = weekdayOf(date);
  const occurrences: WindowOccurrence[] = [];
  (schedule.days[day] ?? []).forEach((window, index) => {
    const span = windowSpan(window);
    if (!span) return;
    const start = resolveWallTime(date, span.start, zone);
    const end = resolveWallTime(date, span.end, zone);
    // A window inside a spring-forward gap resolves to an empty interval: it does not happen.
    if (end > start) occurrences.push({ day, index, window, date, start, end });
  });
  return occurrences;
}

/**
 * Decides from the occurrences known so far, or returns null when a date not
 * yet looked at could change the answer. `horizon`: every later date's
 * windows start at or after it.
 */
function evaluate(occurrences: WindowOccurrence[], now: number, horizon: number): ScheduleStatus | null {
  const current = occurrences.filter((o) => o.start <= now && now < o.end).sort((a, b) => a.start - b.start)[0];
  if (current) {
    let end = current.end;
    for (let grew = true; grew; ) {
      grew = false;
      for (const o of occurrences) {
        if (o.start <= end && o.end > end) {
          end = o.end;
          grew = true;
        }
      }
    }
    return end < horizon ? { active: true, occurrence: current, changesAt: end } : null;
  }
  const next = occurrences.filter((o) => o.start > now).sort((a, b) => a.start - b.start)[0];
  return next && next.start <= horizon ? { active: false, occurrence: next, changesAt: next.start } : null;
}

export function scheduleStatus(schedule: Schedule, now: number, zone: string): ScheduleStatus {
  const today = localDate(now, zone);
  // Yesterday's windows may run past midnight into today.
  const occurrences: WindowOccurrence[] = [];
  for (let offset = -1; offset <= LOOKAHEAD_DAYS; offset++) {
    occurrences.push(...occurrencesOnCached(schedule, addDays(today, offset), zone));
    if (offset < 0) continue;
    const result = evaluate(occurrences, now, startOfDayCached(addDays(today, offset + 1), zone));
    if (result) return result;
  }
  const current = occurrences.find((o) => o.start <= now && now < o.end);
  return { active: current !== undefined, occurrence: current ?? null, changesAt: null };
}

// The engine asks about the same few dates every second; resolving a wall
// time costs a handful of Intl calls, so the answers per (schedule, zone,
// date) are kept. Keyed by the schedule object (limits are replaced, never
// mutated in place): new limits, new cache.
const occurrenceCache = new WeakMap<Schedule, Map<string, WindowOccurrence[]>>();
const dayStartCache = new Map<string, number>();
const CACHE_LIMIT = 64;

function occurrencesOnCached(schedule: Schedule, date: LocalDate, zone: string): WindowOccurrence[] {
  let byDate = occurrenceCache.get(schedule);
  if (!byDate) occurrenceCache.set(schedule, (byDate = new Map<string, WindowOccurrence[]>()));
  const key = `${zone} ${dateKey(date)}`;
  let occurrences = byDate.get(key);
  if (!occurrences) {
    if (byDate.size >= CACHE_LIMIT) byDate.clear();
    occurrences = occurrencesOn(schedule, date, zone);
    byDate.set(key, occurrences);
  }
  return occurrences;
}

function startOfDayCached(date: LocalDate, zone: string): number {
  const key = `${zone} ${dateKey(date)}`;
  let start = dayStartCache.get(key);
  if (start === undefined) {
    if (dayStartCache.size >= CACHE_LIMIT) dayStartCache.clear();
    start = startOfDay(date, zone);
    dayStartCache.set(key, start);
  }
  return start;
}
