import { describe, expect, it } from 'vitest';
import { defaultLimits, describeWindow, limitsSchema, programKey, starterGames, windowSpan, type LimitsWire } from '../../shared/limits.ts';

/** The default limits in their wire form, with `patch` applied to one section. */
function wire(patch: Record<string, unknown>): unknown {
  return { ...limitsSchema.encode(defaultLimits), ...patch };
}

const wireDefaults: LimitsWire = limitsSchema.encode(defaultLimits);
const schedule = (days: Record<string, unknown>, enabled = true): Record<string, unknown> => ({ schedule: { enabled, timeZone: 'Europe/Berlin', days } });

function messages(input: unknown): string[] {
  const result = limitsSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('contribution limits schema', () => {
  it('accepts the defaults, and round-trips them through the wire form', () => {
    expect(limitsSchema.parse(wireDefaults)).toEqual(defaultLimits);
    expect(defaultLimits.gaming.programs).toContain('eldenring.exe');
    expect(defaultLimits.onBattery).toBe('pause');
    expect(defaultLimits.schedule.enabled).toBe(false);
  });

  it('carries the price floor as exact base units', () => {
    const parsed = limitsSchema.parse(wire({ minPricePerHour: (10n ** 40n).toString() }));
    expect(parsed.minPricePerHour).toBe(10n ** 40n);
    expect(limitsSchema.encode(parsed).minPricePerHour).toBe('1' + '0'.repeat(40));
  });

  it.each([
    ['weekdays at night, weekends all day', { mon: [{ start: '01:00', end: '08:00' }], sat: [{ start: '00:00', end: '24:00' }], sun: [{ start: '00:00', end: '24:00' }] }],
    ['a window past midnight', { fri: [{ start: '22:00', end: '06:00', endsNextDay: true }], sat: [{ start: '06:00', end: '12:00' }] }],
    ['touching windows', { mon: [{ start: '08:00', end: '12:00' }, { start: '12:00', end: '13:00' }] }],
    ['a whole 24 hours from 08:00', { wed: [{ start: '08:00', end: '08:00', endsNextDay: true }] }],
    ['until midnight, marked next day', { wed: [{ start: '22:00', end: '00:00', endsNextDay: true }], thu: [{ start: '00:00', end: '01:00' }] }],
  ])('accepts %s', (_name, days) => {
    expect(messages(wire(schedule(days)))).toEqual([]);
  });

  it.each([
    // ---- schedule ----
    ['an inverted window', schedule({ mon: [{ start: '01:00', end: '02:00' }, { start: '03:00', end: '04:00' }, { start: '08:00', end: '06:00' }] }), 'schedule.days.mon.2: Monday window 3: ends before it starts (08:00–06:00); a window that runs past midnight must be marked "ends next day"'],
    ['an empty window', schedule({ tue: [{ start: '08:00', end: '08:00' }] }), 'schedule.days.tue.0: Tuesday window 1: starts and ends at 08:00 (for the whole day use 00:00–24:00)'],
    ['a window over 24 hours', schedule({ wed: [{ start: '08:00', end: '09:00', endsNextDay: true }] }), 'Wednesday window 1: ends the next day at 09:00, more than 24 hours after it starts at 08:00'],
    ['a start that is not a time', schedule({ thu: [{ start: '7:00', end: '09:00' }] }), 'Thursday window 1: start "7:00" is not a time (use HH:MM, 00:00–23:59)'],
    ['an end past 24:00', schedule({ fri: [{ start: '07:00', end: '24:30' }] }), 'Friday window 1: end "24:30" is not a time (use HH:MM, 00:00–24:00)'],
    ['24:00 on a next-day end', schedule({ fri: [{ start: '07:00', end: '24:00', endsNextDay: true }] }), 'Friday window 1: end "24:00" is not a time (use HH:MM, 00:00–23:59)'],
    ['overlapping windows on one day', schedule({ sat: [{ start: '08:00', end: '12:00' }, { start: '14:00', end: '15:00' }, { start: '11:00', end: '13:00' }] }), 'schedule.days.sat.2: Saturday windows 1 (08:00–12:00) and 3 (11:00–13:00) overlap'],
    ['a night window over the next day’s', schedule({ mon: [{ start: '22:00', end: '06:00', endsNextDay: true }], tue: [{ start: '05:00', end: '09:00' }] }), 'Monday window 1 (22:00–06:00 next day) overlaps Tuesday window 1 (05:00–09:00)'],
    ['Sunday night over Monday morning', schedule({ mon: [{ start: '01:00', end: '08:00' }], sun: [{ start: '23:00', end: '02:00', endsNextDay: true }] }), 'Monday window 1 (01:00–08:00) overlaps Sunday window 1 (23:00–02:00 next day)'],
    ['an unknown weekday', schedule({ mon: [], funday: [{ start: '01:00', end: '02:00' }] }), 'schedule.days: unknown weekday "funday" (use mon, tue, wed, thu, fri, sat, sun)'],
    ['a schedule on without windows', schedule({ mon: [] }), 'schedule.days: the schedule is on but has no windows: add one, or turn the schedule off'],
    ['too many windows', schedule({ mon: Array.from({ length: 13 }, (_, i) => ({ start: `${String(i).padStart(2, '0')}:00`, end: `${String(i).padStart(2, '0')}:30` })) }), 'schedule.days.mon: at most 12 windows a day'],
    ['an unknown time zone', { schedule: { enabled: false, timeZone: 'Mars/Olympus', days: {} } }, 'schedule.timeZone: "Mars/Olympus" is not a time zone this system knows (use an IANA name such as Europe/Berlin, or "system")'],
    ['a fixed offset for a zone', { schedule: { enabled: false, timeZone: '+01:00', days: {} } }, 'is not a time zone this system knows'],
    // ---- gaming ----
    ['an empty program name', { gaming: { ...wireDefaults.gaming, programs: ['eldenring.exe', '   '] } }, 'gaming.programs.1: gaming program 2: must not be empty'],
    ['the same program twice', { gaming: { ...wireDefaults.gaming, programs: ['eldenring.exe', 'cs2.exe', 'C:\\Games\\EldenRing.EXE'] } }, 'gaming.programs.2: gaming program 3 ("C:\\\\Games\\\\EldenRing.EXE") is the same as program 1 ("eldenring.exe")'],
    ['a path to no program', { gaming: { ...wireDefaults.gaming, programs: ['C:\\Games\\'] } }, 'gaming program 1 ("C:\\\\Games\\\\"): names no program'],
    ['a control character', { gaming: { ...wireDefaults.gaming, programs: ['game\u0000.exe'] } }, 'gaming program 1: must not contain control characters'],
    // ---- caps ----
    ['negative threads', { cpu: { maxThreads: -2, maxPercent: 80 } }, 'cpu.maxThreads: must not be negative'],
    ['too small a CPU share', { cpu: { maxThreads: null, maxPercent: 5 } }, 'cpu.maxPercent: must be at least 10 %'],
    ['a negative VRAM cap', { vramCapMiB: -1024 }, 'vramCapMiB: must not be negative'],
    ['too small a RAM cap', { ramCapMiB: 512 }, 'ramCapMiB: must be at least 1024 MiB: the inference runtime needs about 1 GiB to start (or no cap)'],
    ['a fractional disk quota', { modelDiskQuotaMiB: 1024.5 }, 'modelDiskQuotaMiB: must be a whole number of MiB'],
    ['a negative daily cap', { dailyHoursCap: -3 }, 'dailyHoursCap: must not be negative'],
    ['a zero daily cap', { dailyHoursCap: 0 }, 'dailyHoursCap: must be more than 0 hours (or no cap)'],
    ['a 25-hour day', { dailyHoursCap: 25 }, 'dailyHoursCap: must be at most 24 hours'],
    ['a negative price floor', { minPricePerHour: '-5' }, 'minPricePerHour: must be a whole number of base units'],
    ['a price floor as a number', { minPricePerHour: 5 }, 'minPricePerHour'],
    ['an unknown battery choice', { onBattery: 'sometimes' }, 'onBattery: must be "pause" or "continue"'],
    ['a thermal limit below 50 °C', { thermal: { enabled: true, maxCelsius: 20 } }, 'thermal.maxCelsius: must be at least 50 °C'],
    ['idle minutes of zero', { idleOnly: { enabled: true, minutes: 0 } }, 'idleOnly.minutes: must be at least 1 minute'],
    ['a negative GPU index', { gpu: { enabled: true, deviceIndex: -1 } }, 'gpu.deviceIndex: must not be negative'],
    ['an unknown setting', { turbo: true }, 'turbo'],
  ])('rejects %s', (_name, patch, expected) => {
    const found = messages(wire(patch));
    expect(found.join('\n')).toContain(expected);
  });

  it('reports every bad window at once, with nothing saved', () => {
    const found = messages(wire(schedule({ mon: [{ start: '09:00', end: '08:00' }], tue: [{ start: '25:00', end: '26:00' }] })));
    expect(found).toHaveLength(2);
    expect(limitsSchema.safeParse(wire(schedule({ mon: [{ start: '09:00', end: '08:00' }] }))).success).toBe(false);
  });
});

describe('schedule windows and programs', () => {
  it('spans windows in minutes of their day', () => {
    expect(windowSpan({ start: '22:00', end: '06:00', endsNextDay: true })).toEqual({ start: 1320, end: 1800 });
    expect(windowSpan({ start: '00:00', end: '24:00' })).toEqual({ start: 0, end: 1440 });
    expect(windowSpan({ start: '08:00', end: '06:00' })).toBeNull();
  });

  it('describes windows for people', () => {
    expect(describeWindow('mon', { start: '01:00', end: '08:00' })).toBe('Mon 01:00–08:00');
    expect(describeWindow('sat', { start: '00:00', end: '24:00' })).toBe('Sat all day');
    expect(describeWindow('fri', { start: '22:00', end: '06:00', endsNextDay: true })).toBe('Fri 22:00–06:00');
  });

  it('has a starter list with a name for every program, no launcher, no duplicates', () => {
    const keys = starterGames.map((game) => programKey(game.exe));
    expect(new Set(keys).size).toBe(keys.length);
    for (const launcher of ['steam', 'epicgameslauncher', 'battle.net', 'eadesktop', 'upc', 'galaxyclient', 'vgc']) expect(keys).not.toContain(launcher);
    for (const game of starterGames) expect(game.name.length).toBeGreaterThan(0);
  });
});
