import { weekdayShortNames } from '../../shared/limits.ts';
import { formatClock, localDateTime, weekdayOf } from './zone.ts';

/**
 * Times and durations inside reasons. Reasons are plain sentences that travel
 * as text (policy events, the tray), so the engine writes the user's wall
 * clock in 24-hour form; the structured times (nextCheckAt, pausedUntil) stay
 * numbers for screens that format in their own locale.
 */

const DAY_MS = 86_400_000;

/** "14:30" when it is within the next 24 hours (the next time the clock reads it), else "Tue 14:30". */
export function formatWhen(ms: number, now: number, zone: string): string {
  const clock = formatClock(ms, zone);
  if (ms - now < DAY_MS) return clock;
  return `${weekdayShortNames[weekdayOf(localDateTime(ms, zone))]} ${clock}`;
}

/** "6 h", "1 h 30 min", "45 min", "less than a minute". Rounded down to the minute. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes === 0) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
