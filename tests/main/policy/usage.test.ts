import { describe, expect, it } from 'vitest';
import { addRunTime, usedToday } from '../../../main/policy/usage.ts';
import { at } from './simulate.ts';

const HOUR = 3_600_000;

describe('daily usage', () => {
  it('adds running time within a day', () => {
    const usage = addRunTime(addRunTime(null, at('2026-03-23T08:00:00+01:00'), at('2026-03-23T09:00:00+01:00'), 'Europe/Berlin'), at('2026-03-23T10:00:00+01:00'), at('2026-03-23T10:30:00+01:00'), 'Europe/Berlin');
    expect(usage).toEqual({ day: '2026-03-23', ms: 1.5 * HOUR });
    expect(usedToday(usage, at('2026-03-23T23:59:59+01:00'), 'Europe/Berlin')).toBe(1.5 * HOUR);
    expect(usedToday(usage, at('2026-03-24T00:00:00+01:00'), 'Europe/Berlin')).toBe(0);
  });

  it('counts only the part after local midnight toward the new day', () => {
    const before = { day: '2026-03-23', ms: 5 * HOUR };
    expect(addRunTime(before, at('2026-03-23T23:00:00+01:00'), at('2026-03-24T00:30:00+01:00'), 'Europe/Berlin')).toEqual({ day: '2026-03-24', ms: 0.5 * HOUR });
  });

  it('rolls over at the limits’ zone’s midnight, not UTC’s', () => {
    const usage = { day: '2026-03-23', ms: HOUR };
    // 23:30 UTC on the 23rd is already the 24th in Berlin, still the 23rd in New York.
    expect(usedToday(usage, at('2026-03-23T23:30:00Z'), 'Europe/Berlin')).toBe(0);
    expect(usedToday({ day: '2026-03-23', ms: HOUR }, at('2026-03-23T23:30:00Z'), 'America/New_York')).toBe(HOUR);
  });

  it('ignores a stretch of no time or negative time', () => {
    expect(addRunTime({ day: '2026-03-23', ms: HOUR }, at('2026-03-23T10:00:00+01:00'), at('2026-03-23T09:00:00+01:00'), 'Europe/Berlin')).toEqual({ day: '2026-03-23', ms: HOUR });
  });
});
