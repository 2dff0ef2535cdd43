import { weekdays, type Weekday } from '../../shared/limits.ts';

/**
 * Wall-clock arithmetic in an IANA time zone, on Intl alone (Node 24 has full
 * ICU but no Temporal yet). The one subtle part is turning a wall-clock time
 * back into an instant, where DST makes some wall times happen twice and some
 * never:
 * - a time the clock shows twice (fall back, 02:30 on 25 Oct 2026 in Berlin)
 *   means its FIRST occurrence, as Temporal's "compatible" and calendars do;
 * - a time the clock skips (spring forward, 02:30 on 29 Mar 2026 in Berlin)
 *   means the moment the clock jumps past it (03:00 CEST), not 03:30: "from
 *   02:30" starts when the clock first reads later than 02:30.
 */

export interface LocalDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether Intl can compute in `zone` (an IANA name it knows). */
export function isUsableZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export function localDateTime(ms: number, zone: string): LocalDateTime {
  const result: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(zone).formatToParts(ms)) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour' || part.type === 'minute' || part.type === 'second') {
      result[part.type] = Number(part.value);
    }
  }
  return result;
}

export function localDate(ms: number, zone: string): LocalDate {
  const { year, month, day } = localDateTime(ms, zone);
  return { year, month, day };
}

/** The wall clock read as if it were UTC: comparable, and `wall - instant` is the zone's offset. */
function wallAsUtc(local: LocalDate, minutes = 0): number {
  return Date.UTC(local.year, local.month - 1, local.day) + minutes * MINUTE_MS;
}

/** The zone's offset from UTC at `ms` (positive east of Greenwich). */
export function offsetAt(ms: number, zone: string): number {
  const t = localDateTime(ms, zone);
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(wallAsUtc(date) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export function weekdayOf(date: LocalDate): Weekday {
  // getUTCDay: 0 = Sunday; ours start on Monday.
  return weekdays[(new Date(wallAsUtc(date)).getUTCDay() + 6) % 7] ?? 'mon';
}

/** "2026-03-29": the key of a local day. */
export function dateKey(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Every instant at which the clock in `zone` reads `date` + `minutes` (0, 1 or 2 of them), earliest first. */
export function instantsAt(date: LocalDate, minutes: number, zone: string): number[] {
  const wall = wallAsUtc(date, minutes);
  // The offsets a day either side cover any one transition near this wall time.
  const offsets = new Set([offsetAt(wall - DAY_MS, zone), offsetAt(wall, zone), offsetAt(wall + DAY_MS, zone)]);
  const instants = [...offsets].map((offset) => wall - offset).filter((instant) => offsetAt(instant, zone) === wall - instant);
  return [...new Set(instants)].sort((a, b) => a - b);
}

/**
 * The instant the clock first reads `date` + `minutes` (minutes may pass
 * 1440: the next day's time). The first occurrence of a repeated time; for a
 * skipped time, the moment of the jump.
 */
export function resolveWallTime(date: LocalDate, minutes: number, zone: string): number {
  const dayShift = Math.floor(minutes / 1440);
  const day = dayShift === 0 ? date : addDays(date, dayShift);
  const inDay = minutes - dayShift * 1440;
  const instants = instantsAt(day, inDay, zone);
  if (instants[0] !== undefined) return instants[0];
  return jumpPast(wallAsUtc(day, inDay), zone);
}

/** In a spring-forward gap: the first instant whose wall clock reads at or after `wall` (found by bisection, to the second). */
function jumpPast(wall: number, zone: string): number {
  const offsets = [offsetAt(wall - DAY_MS, zone), offsetAt(wall + DAY_MS, zone)];
  let before = wall - Math.max(...offsets);
  let after = wall - Math.min(...offsets);
  const wallOf = (instant: number): number => instant + offsetAt(instant, zone);
  while (after - before > 1000) {
    const middle = Math.floor((before + after) / 2000) * 1000;
    if (wallOf(middle) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/** The first instant of a local day; 01:00 where the day starts by skipping midnight (Santiago, Beirut). */
export function startOfDay(date: LocalDate, zone: string): number {
  return resolveWallTime(date, 0, zone);
}

/** The first instant of the local day after the one `ms` falls in. */
export function startOfNextDay(ms: number, zone: string): number {
  return startOfDay(addDays(localDate(ms, zone), 1), zone);
}

/** "07:05": the wall clock at `ms`. */
export function formatClock(ms: number, zone: string): string {
  const t = localDateTime(ms, zone);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}
