import { describe, expect, it } from 'vitest';
import { ALL_DAY, type Schedule, type ScheduleDays } from '../../../shared/limits.ts';
import { scheduleStatus } from '../../../main/policy/schedule.ts';
import { at } from './simulate.ts';

const schedule = (days: ScheduleDays, timeZone = 'Europe/Berlin'): Schedule => ({ enabled: true, timeZone, days });
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

interface Row {
  name: string;
  days: ScheduleDays;
  zone?: string;
  now: string;
  active: boolean;
  changesAt: string | null;
}

// Every `changesAt` is an instant in UTC ("Z"): the expectations do not go through the code under test.
const rows: Row[] = [
  // ---- across midnight ----------------------------------------------------
  { name: 'before a night window', days: { mon: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-03-23T20:59:00+01:00', active: false, changesAt: '2026-03-23T21:00:00Z' },
  { name: 'in a night window, on its own day', days: { mon: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-03-23T23:00:00+01:00', active: true, changesAt: '2026-03-24T05:00:00Z' },
  { name: 'in a night window, after midnight (it belongs to Monday)', days: { mon: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-03-24T03:00:00+01:00', active: true, changesAt: '2026-03-24T05:00:00Z' },
  { name: 'after a night window: next week', days: { mon: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-03-24T06:00:00+01:00', active: false, changesAt: '2026-03-30T20:00:00Z' },
  { name: "Sunday's night window runs into Monday (week wrap)", days: { sun: [{ start: '23:00', end: '02:00', endsNextDay: true }] }, now: '2026-03-23T01:00:00+01:00', active: true, changesAt: '2026-03-23T01:00:00Z' },
  { name: 'touching windows chain across days', days: { fri: [{ start: '18:00', end: '24:00' }], sat: [ALL_DAY], sun: [{ start: '00:00', end: '12:00' }] }, now: '2026-03-27T20:00:00+01:00', active: true, changesAt: '2026-03-29T10:00:00Z' },
  { name: 'every day all day never changes', days: { mon: [ALL_DAY], tue: [ALL_DAY], wed: [ALL_DAY], thu: [ALL_DAY], fri: [ALL_DAY], sat: [ALL_DAY], sun: [ALL_DAY] }, now: '2026-03-25T12:00:00+01:00', active: true, changesAt: null },
  { name: 'a 24-hour window ending the next day', days: { wed: [{ start: '08:00', end: '08:00', endsNextDay: true }] }, now: '2026-03-26T07:00:00+01:00', active: true, changesAt: '2026-03-26T07:00:00Z' },
  { name: 'the end is exclusive, the start inclusive', days: { mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '14:00' }] }, now: '2026-03-23T12:00:00+01:00', active: false, changesAt: '2026-03-23T12:00:00Z' },

  // ---- spring forward, Berlin 29 Mar 2026: 02:00 CET → 03:00 CEST (01:00Z) --------
  { name: 'spring: 01:00–08:00 ends at 08:00 CEST (six real hours)', days: { sun: [{ start: '01:00', end: '08:00' }] }, now: '2026-03-29T01:30:00+01:00', active: true, changesAt: '2026-03-29T06:00:00Z' },
  { name: 'spring: a start in the skipped hour is the jump', days: { sun: [{ start: '02:30', end: '05:00' }] }, now: '2026-03-29T01:59:00+01:00', active: false, changesAt: '2026-03-29T01:00:00Z' },
  { name: 'spring: … and runs from the jump', days: { sun: [{ start: '02:30', end: '05:00' }] }, now: '2026-03-29T03:00:00+02:00', active: true, changesAt: '2026-03-29T03:00:00Z' },
  { name: 'spring: an end in the skipped hour is the jump', days: { sun: [{ start: '01:00', end: '02:30' }] }, now: '2026-03-29T01:30:00+01:00', active: true, changesAt: '2026-03-29T01:00:00Z' },
  { name: 'spring: a window inside the skipped hour does not happen', days: { sun: [{ start: '02:10', end: '02:50' }] }, now: '2026-03-29T00:30:00+01:00', active: false, changesAt: '2026-04-05T00:10:00Z' },
  { name: 'spring: a night window across the jump', days: { sat: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-03-28T23:00:00+01:00', active: true, changesAt: '2026-03-29T04:00:00Z' },

  // ---- fall back, Berlin 25 Oct 2026: 03:00 CEST → 02:00 CET (01:00Z) -------------
  { name: 'fall: 01:00–08:00 runs eight real hours', days: { sun: [{ start: '01:00', end: '08:00' }] }, now: '2026-10-25T01:00:00+02:00', active: true, changesAt: '2026-10-25T07:00:00Z' },
  { name: 'fall: an end in the repeated hour is its first occurrence', days: { sun: [{ start: '01:00', end: '02:30' }] }, now: '2026-10-25T02:00:00+02:00', active: true, changesAt: '2026-10-25T00:30:00Z' },
  { name: 'fall: … and the window does not come back when 02:10 repeats', days: { sun: [{ start: '01:00', end: '02:30' }] }, now: '2026-10-25T02:10:00+01:00', active: false, changesAt: '2026-11-01T00:00:00Z' },
  { name: 'fall: a window from 02:30 runs on through the repeated hour', days: { sun: [{ start: '02:30', end: '05:00' }] }, now: '2026-10-25T02:10:00+01:00', active: true, changesAt: '2026-10-25T04:00:00Z' },
  { name: 'fall: a night window across the change', days: { sat: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, now: '2026-10-24T22:00:00+02:00', active: true, changesAt: '2026-10-25T05:00:00Z' },

  // ---- New York, 8 Mar and 1 Nov 2026 -------------------------------------------
  { name: 'New York spring: a night window is seven real hours', days: { sat: [{ start: '22:00', end: '06:00', endsNextDay: true }] }, zone: 'America/New_York', now: '2026-03-07T22:00:00-05:00', active: true, changesAt: '2026-03-08T10:00:00Z' },
  { name: 'New York fall: 01:30–03:00 starts at the first 01:30', days: { sun: [{ start: '01:30', end: '03:00' }] }, zone: 'America/New_York', now: '2026-11-01T01:00:00-04:00', active: false, changesAt: '2026-11-01T05:30:00Z' },
  { name: 'New York fall: … and ends at 03:00 EST', days: { sun: [{ start: '01:30', end: '03:00' }] }, zone: 'America/New_York', now: '2026-11-01T01:30:00-05:00', active: true, changesAt: '2026-11-01T08:00:00Z' },

  // ---- Santiago, 6 Sep 2026: the day starts at 01:00 ---------------------------
  { name: 'Santiago: a window from midnight starts at 01:00', days: { sun: [{ start: '00:00', end: '02:00' }] }, zone: 'America/Santiago', now: '2026-09-05T23:30:00-04:00', active: false, changesAt: '2026-09-06T04:00:00Z' },
  { name: 'Santiago: Saturday until 24:00 ends at the jump', days: { sat: [{ start: '20:00', end: '24:00' }] }, zone: 'America/Santiago', now: '2026-09-05T23:30:00-04:00', active: true, changesAt: '2026-09-06T04:00:00Z' },
];

describe('schedule on the real clock', () => {
  it.each(rows)('$name', ({ days, zone, now, active, changesAt }) => {
    const status = scheduleStatus(schedule(days, zone), at(now), zone ?? 'Europe/Berlin');
    expect({ active: status.active, changesAt: iso(status.changesAt) }).toEqual({ active, changesAt: changesAt === null ? null : new Date(changesAt).toISOString() });
  });

  it('tells which window runs or comes next', () => {
    const days: ScheduleDays = { mon: [{ start: '08:00', end: '12:00' }, { start: '22:00', end: '06:00', endsNextDay: true }] };
    const running = scheduleStatus(schedule(days), at('2026-03-24T01:00:00+01:00'), 'Europe/Berlin');
    expect(running.occurrence).toMatchObject({ day: 'mon', index: 1 });
    const next = scheduleStatus(schedule(days), at('2026-03-23T13:00:00+01:00'), 'Europe/Berlin');
    expect(next.occurrence).toMatchObject({ day: 'mon', index: 1, start: at('2026-03-23T22:00:00+01:00') });
  });
});
