import { describe, expect, it } from 'vitest';
import { isManualPauseActive, manualPause, pauseUntil } from '../../../main/policy/manual-pause.ts';
import { at } from './simulate.ts';

describe('manual pause options', () => {
  const now = at('2026-10-24T21:15:00+02:00');

  it.each([
    ['30m', 'Europe/Berlin', '2026-10-24T19:45:00.000Z'],
    ['1h', 'Europe/Berlin', '2026-10-24T20:15:00.000Z'],
    // The next local midnight: Sunday 00:00 CEST, before that night's clock change.
    ['tomorrow', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'],
    ['tomorrow', 'America/New_York', '2026-10-25T04:00:00.000Z'],
  ] as const)('%s in %s ends at %s', (option, zone, expected) => {
    expect(new Date(pauseUntil(option, now, zone) ?? 0).toISOString()).toBe(expected);
  });

  it('"until tomorrow" ends at 01:00 where DST skips midnight', () => {
    expect(pauseUntil('tomorrow', at('2026-09-05T20:00:00-04:00'), 'America/Santiago')).toBe(at('2026-09-06T01:00:00-03:00'));
  });

  it('"until resumed" has no end, and is active until then', () => {
    const pause = manualPause('until-resumed', now, 'Europe/Berlin');
    expect(pause).toEqual({ since: now, until: null });
    expect(isManualPauseActive(pause, now + 365 * 86_400_000)).toBe(true);
  });

  it('expires exactly at its end', () => {
    const pause = manualPause('30m', now, 'Europe/Berlin');
    expect(isManualPauseActive(pause, now + 30 * 60_000 - 1)).toBe(true);
    expect(isManualPauseActive(pause, now + 30 * 60_000)).toBe(false);
    expect(isManualPauseActive(null, now)).toBe(false);
  });
});
