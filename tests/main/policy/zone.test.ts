import { describe, expect, it } from 'vitest';
import { addDays, dateKey, formatClock, instantsAt, localDateTime, offsetAt, resolveWallTime, startOfDay, startOfNextDay, weekdayOf } from '../../../main/policy/zone.ts';
import { at } from './simulate.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('zone arithmetic on Intl', () => {
  it.each([
    // [zone, date, wall time, the instant(s) the clock reads it]
    ['Europe/Berlin', '2026-03-23', '01:30', ['2026-03-23T00:30:00.000Z']],
    ['Europe/Berlin', '2026-03-29', '02:30', []], // spring forward: skipped
    ['Europe/Berlin', '2026-10-25', '02:30', ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']], // fall back: twice
    ['America/New_York', '2026-03-08', '02:30', []],
    ['America/New_York', '2026-11-01', '01:30', ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
    ['America/Santiago', '2026-09-06', '00:00', []], // DST skips midnight
    ['Australia/Lord_Howe', '2026-10-04', '02:15', []], // a half-hour DST shift
    ['Asia/Kathmandu', '2026-07-01', '00:00', ['2026-06-30T18:15:00.000Z']],
  ])('%s %s %s → %j', (zone, date, time, expected) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    expect(instantsAt({ year, month, day }, hour * 60 + minute, zone).map(iso)).toEqual(expected);
  });

  it.each([
    // A repeated time means its first occurrence; a skipped one, the moment of the jump.
    ['Europe/Berlin', { year: 2026, month: 3, day: 29 }, 150, '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', { year: 2026, month: 10, day: 25 }, 150, '2026-10-25T00:30:00.000Z'],
    ['America/New_York', { year: 2026, month: 3, day: 8 }, 150, '2026-03-08T07:00:00.000Z'],
    ['America/New_York', { year: 2026, month: 11, day: 1 }, 90, '2026-11-01T05:30:00.000Z'],
    ['Australia/Lord_Howe', { year: 2026, month: 10, day: 4 }, 135, '2026-10-03T15:30:00.000Z'],
    // Minutes past 1440 are the next day's: Saturday's "06:00 next day".
    ['Europe/Berlin', { year: 2026, month: 10, day: 24 }, 1440 + 360, '2026-10-25T05:00:00.000Z'],
    // Samoa skipped 30 Dec 2011 entirely: the day "starts" when 31 Dec does.
    ['Pacific/Apia', { year: 2011, month: 12, day: 30 }, 0, '2011-12-30T10:00:00.000Z'],
  ])('resolves %s %j + %i min to %s', (zone, date, minutes, expected) => {
    expect(iso(resolveWallTime(date, minutes, zone))).toBe(expected);
  });

  it('finds the start of the next local day, DST or not', () => {
    expect(iso(startOfNextDay(at('2026-10-24T23:30:00+02:00'), 'Europe/Berlin'))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(startOfNextDay(at('2026-10-25T12:00:00+01:00'), 'Europe/Berlin'))).toBe('2026-10-25T23:00:00.000Z');
    expect(iso(startOfNextDay(at('2026-09-05T22:00:00-04:00'), 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(iso(startOfDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('reads the wall clock, the offset, weekdays and dates', () => {
    expect(localDateTime(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0 });
    expect(offsetAt(at('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(formatClock(at('2026-03-23T06:05:00Z'), 'America/New_York')).toBe('02:05');
    expect(weekdayOf({ year: 2026, month: 3, day: 29 })).toBe('sun');
    expect(weekdayOf({ year: 2026, month: 3, day: 23 })).toBe('mon');
    expect(dateKey(addDays({ year: 2026, month: 12, day: 31 }, 1))).toBe('2027-01-01');
    expect(dateKey(addDays({ year: 2028, month: 3, day: 1 }, -1))).toBe('2028-02-29');
  });
});
