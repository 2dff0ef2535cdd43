import { dateKey, localDate, startOfDay } from './zone.ts';

/**
 * Time contributed on one local day, for the daily cap. The day is the
 * limits' zone's calendar day, so the cap rolls over at local midnight (the
 * day's first instant where DST skips midnight), whatever UTC says.
 */
export interface DailyUsage {
  /** "2026-10-25" in the limits' zone. */
  day: string;
  ms: number;
}

/** Contributed today, as of `now`: zero once the day has rolled over. */
export function usedToday(usage: DailyUsage | null, now: number, zone: string): number {
  return usage !== null && usage.day === dateKey(localDate(now, zone)) ? usage.ms : 0;
}

/**
 * Adds a stretch of running, [from, to), to the usage. A stretch that
 * crosses midnight counts only its part after midnight toward the new day.
 */
export function addRunTime(usage: DailyUsage | null, from: number, to: number, zone: string): DailyUsage {
  const today = localDate(to, zone);
  const day = dateKey(today);
  const counted = Math.max(0, to - Math.max(from, startOfDay(today, zone)));
  return usage !== null && usage.day === day ? { day, ms: usage.ms + counted } : { day, ms: counted };
}
