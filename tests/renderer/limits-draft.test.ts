import { describe, expect, it } from 'vitest';
import { defaultLimits, starterGames, type Limits } from '../../shared/limits.ts';
import {
  checkDraft,
  draftOf,
  draftText,
  fieldIds,
  isAllDay,
  knownProgramName,
  missingStarters,
  nextWindow,
  parseGib,
  repriceDraft,
  sameLimits,
  serverErrors,
  splitIssue,
  type LimitsDraft,
} from '../../renderer/src/pages/limits/draft.ts';

const USDC = 6;

function draft(limits: Limits = defaultLimits): LimitsDraft {
  return draftOf(limits, USDC);
}

function messages(d: LimitsDraft, field: string): readonly string[] {
  return checkDraft(d, USDC, 'USDC').errors.get(field) ?? [];
}

describe('the limits draft', () => {
  it('round-trips the defaults unchanged', () => {
    const check = checkDraft(draft(), USDC, 'USDC');
    expect(check.count).toBe(0);
    expect(check.limits && sameLimits(check.limits, defaultLimits)).toBe(true);
  });

  it('round-trips every kind of value: zones, night windows, caps in GiB, the price in token units', () => {
    const limits: Limits = {
      ...defaultLimits,
      schedule: { enabled: true, timeZone: 'Europe/Berlin', days: { fri: [{ start: '22:00', end: '06:00', endsNextDay: true }], sun: [{ start: '08:00', end: '24:00' }] } },
      cpu: { maxThreads: 4, maxPercent: 50 },
      gpu: { enabled: true, deviceIndex: 1 },
      vramCapMiB: 6144,
      ramCapMiB: 1536,
      modelDiskQuotaMiB: 512,
      dailyHoursCap: 7.5,
      minPricePerHour: 1_250_000n,
    };
    const d = draft(limits);
    expect(d.vramCapGiB).toBe('6');
    expect(d.ramCapGiB).toBe('1.5');
    expect(d.modelDiskQuotaGiB).toBe('0.5');
    expect(d.minPrice).toBe('1.25');
    const check = checkDraft(d, USDC, 'USDC');
    expect(check.errors).toEqual(new Map());
    expect(check.limits && sameLimits(check.limits, { ...limits, schedule: { ...limits.schedule, days: { mon: [], tue: [], wed: [], thu: [], fri: limits.schedule.days.fri, sat: [], sun: limits.schedule.days.sun } } })).toBe(true);
  });

  it('compares drafts by what they say, not by their row keys', () => {
    expect(draftText(draft())).toBe(draftText(draft()));
    const changed = draft();
    changed.idleOnly.minutes = '11';
    expect(draftText(changed)).not.toBe(draftText(draft()));
  });

  it('puts the schema’s window messages next to the window they are about', () => {
    const d = draft();
    d.schedule.enabled = true;
    const [monday] = d.schedule.days.mon;
    if (!monday) throw new Error('the defaults have a Monday window');
    monday.start = '18:00';
    monday.end = '09:00';
    expect(messages(d, fieldIds.window('mon', monday.key))).toEqual([
      'Monday window 1: ends before it starts (18:00–09:00); a window that runs past midnight must be marked "ends next day".',
    ]);
    monday.endsNextDay = true;
    expect(messages(d, fieldIds.window('mon', monday.key))).toEqual([]);
  });

  it('reports overlapping windows on the later one, and keeps messages with their rows as rows move', () => {
    const d = draft();
    d.schedule.days.tue = [nextWindow([]), { ...nextWindow([]), start: '12:00', end: '13:00' }];
    const [first, second] = d.schedule.days.tue;
    if (!first || !second) throw new Error('two windows');
    expect(messages(d, fieldIds.window('tue', second.key))).toEqual(['Tuesday windows 1 (09:00–17:00) and 2 (12:00–13:00) overlap.']);
    expect(messages(d, fieldIds.window('tue', first.key))).toEqual([]);
  });

  it('says so when the schedule is on without any window', () => {
    const d = draft();
    d.schedule.enabled = true;
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const) d.schedule.days[day] = [];
    expect(messages(d, fieldIds.days)).toEqual(['The schedule is on but has no windows: add one, or turn the schedule off.']);
  });

  it('names empty and duplicate programs by their row', () => {
    const d = draft();
    const first = d.gaming.programs[0];
    if (!first) throw new Error('the starter list');
    d.gaming.programs.push({ key: 900, name: '  ' }, { key: 901, name: `C:\\Games\\${first.name.toUpperCase()}` });
    const n = d.gaming.programs.length;
    expect(messages(d, fieldIds.program(900))).toEqual([`Gaming program ${n - 1}: must not be empty.`]);
    expect(messages(d, fieldIds.program(901))[0]).toMatch(new RegExp(`^Gaming program ${n} \\(.*\\) is the same as program 1 \\("GameOverlayUI\\.exe"\\)$`));
    expect(checkDraft(d, USDC, 'USDC').limits).toBeUndefined();
  });

  it('gives bare range messages their subject, and keeps parsing problems its own', () => {
    const d = draft();
    d.vramCapGiB = '-1';
    d.ramCapGiB = '0.5';
    d.idleOnly.minutes = '';
    d.maxPercent = 'lots';
    d.thermal.maxCelsius = '120';
    d.dailyHoursCap = '0';
    expect(messages(d, fieldIds.vramCap)).toEqual(['VRAM cap must not be negative.']);
    expect(messages(d, fieldIds.ramCap)).toEqual(['RAM cap must be at least 1024 MiB: the inference runtime needs about 1 GiB to start (or no cap)']);
    expect(messages(d, fieldIds.idleMinutes)).toEqual(['Enter a value.']);
    expect(messages(d, fieldIds.maxPercent)).toEqual(['Enter a number, for example 12.']);
    expect(messages(d, fieldIds.maxCelsius)).toEqual(['Temperature limit must be at most 110 °C.']);
    expect(messages(d, fieldIds.dailyHoursCap)).toEqual(['Daily cap must be more than 0 hours (or no cap)']);
    expect(checkDraft(d, USDC, 'USDC').count).toBe(6);
  });

  it('reads the minimum price exactly in the token’s decimals, and refuses more decimals than it has', () => {
    const d = draft();
    d.minPrice = '0.000001';
    expect(checkDraft(d, USDC, 'USDC').limits?.minPricePerHour).toBe(1n);
    d.minPrice = '0.1234567';
    expect(messages(d, fieldIds.minPrice)).toEqual(['USDC has 6 decimal places; this amount has 7.']);
    d.minPrice = '-1';
    expect(messages(d, fieldIds.minPrice)).toEqual(['The amount cannot be negative.']);
    d.minPrice = '';
    expect(checkDraft(d, USDC, 'USDC').limits?.minPricePerHour).toBeNull();
    d.minPrice = '1.5';
    expect(checkDraft(d, 18, 'DAI').limits?.minPricePerHour).toBe(1_500_000_000_000_000_000n);
  });

  it('keeps the same base units when the token’s decimals become known', () => {
    const d = { ...draft(), minPrice: '1.5' }; // 1_500_000 base units at 6 decimals
    expect(repriceDraft(d, 6, 18).minPrice).toBe('0.0000000000015');
    expect(repriceDraft(d, 6, 6)).toBe(d);
  });

  it('converts GiB to whole MiB exactly', () => {
    expect(parseGib('8')).toEqual({ kind: 'ok', value: 8192 });
    expect(parseGib('0.25')).toEqual({ kind: 'ok', value: 256 });
    expect(parseGib('1.0009765625')).toEqual({ kind: 'ok', value: 1025 });
    expect(parseGib('-2')).toEqual({ kind: 'ok', value: -2048 });
    expect(parseGib('')).toEqual({ kind: 'empty' });
    expect(parseGib('0.3')).toMatchObject({ kind: 'error', message: expect.stringContaining('not a whole number of MiB') as unknown });
    expect(parseGib('8 GB')).toMatchObject({ kind: 'error' });
  });

  it('maps the node’s invalid_input issues to the same fields', () => {
    const d = draft();
    const monday = d.schedule.days.mon[0];
    const third = d.gaming.programs[2];
    if (!monday || !third) throw new Error('defaults');
    const errors = serverErrors(
      [
        'schedule.days.mon.0: Monday window 1: ends before it starts (18:00–09:00)',
        'gaming.programs.2: gaming program 3: must not be empty',
        'vramCapMiB: must not be negative',
        'something the node knows and we do not',
      ],
      d,
    );
    expect(errors.get(fieldIds.window('mon', monday.key))).toEqual(['Monday window 1: ends before it starts (18:00–09:00)']);
    expect(errors.get(fieldIds.program(third.key))).toEqual(['Gaming program 3: must not be empty.']);
    expect(errors.get(fieldIds.vramCap)).toEqual(['VRAM cap must not be negative.']);
    expect(errors.get(fieldIds.general)).toEqual(['Something the node knows and we do not.']);
    expect(splitIssue('minPricePerHour: must be a whole number')).toEqual({ path: ['minPricePerHour'], message: 'must be a whole number' });
  });

  it('edits: all day, the next window, the starter list', () => {
    expect(isAllDay(draft().schedule.days.sat)).toBe(true);
    expect(isAllDay(draft().schedule.days.mon)).toBe(false);
    const next = nextWindow(draft().schedule.days.mon);
    expect([next.start, next.end]).toEqual(['08:00', '24:00']);
    const d = draft();
    expect(missingStarters(d.gaming.programs)).toEqual([]);
    d.gaming.programs = d.gaming.programs.filter((p) => p.name !== 'eldenring.exe');
    expect(missingStarters(d.gaming.programs)).toEqual([{ exe: 'eldenring.exe', name: 'Elden Ring' }]);
    expect(knownProgramName('C:\\Games\\ELDENRING')).toBe('Elden Ring');
    expect(knownProgramName('chromium')).toBeUndefined();
    expect(starterGames.length).toBeGreaterThan(10);
  });
});
