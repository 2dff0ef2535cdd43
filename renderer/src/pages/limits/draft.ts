import { ALL_DAY, defaultLimits, limitsSchema, programKey, starterGames, weekdays, type Limits, type LimitsWire, type ScheduleWindow, type Weekday } from '../../../../shared/limits.ts';
import { parseDecimalAmount, toDecimalInput } from '../../money-input.ts';

/**
 * The Limits page edits a draft: what the user typed, as typed (numbers as
 * text, sizes in GiB, the price in tokens). `checkDraft` turns it into the
 * contract's limits and runs the contract's own schema over it, so the
 * messages next to the fields are the node's messages ("Monday window 2:
 * ends before it starts…"), mapped to the field they are about. Windows and
 * programs carry a `key` so that a message stays with its row while rows are
 * added and removed.
 */

export interface WindowDraft {
  key: number;
  start: string;
  end: string;
  endsNextDay: boolean;
}

export interface ProgramDraft {
  key: number;
  name: string;
}

export interface LimitsDraft {
  schedule: { enabled: boolean; timeZone: string; days: Record<Weekday, WindowDraft[]> };
  idleOnly: { enabled: boolean; minutes: string };
  gaming: { enabled: boolean; programs: ProgramDraft[]; pauseOnFullscreen: boolean; pauseOnOtherGpuUsers: boolean };
  /** Empty: all cores but one. */
  maxThreads: string;
  maxPercent: string;
  gpu: { enabled: boolean; /** Empty: the best GPU found. */ deviceIndex: string };
  /** GiB; empty: no cap. */
  vramCapGiB: string;
  /** GiB; empty: the node's default. */
  ramCapGiB: string;
  modelDiskQuotaGiB: string;
  onBattery: 'pause' | 'continue';
  thermal: { enabled: boolean; maxCelsius: string };
  /** Empty: no cap. */
  dailyHoursCap: string;
  /** In the payment token's units; empty: no floor. */
  minPrice: string;
}

let lastKey = 0;
export function newKey(): number {
  lastKey += 1;
  return lastKey;
}

const MIB_PER_GIB = 1024;

/** MiB as GiB for an input: exact (a MiB is 2^-10 GiB, so at most 10 decimal places). */
export function mibToGibText(mib: number): string {
  return String(mib / MIB_PER_GIB);
}

export type Parsed<T> = { kind: 'empty' } | { kind: 'ok'; value: T } | { kind: 'error'; message: string };

/** A typed number: digits, an optional sign and decimal point. Range and wholeness are the schema's to judge. */
export function parseNumber(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { kind: 'error', message: 'Enter a number, for example 12.' };
  return { kind: 'ok', value: Number(trimmed) };
}

/** GiB typed by people → whole MiB, exactly (0.5 GiB is 512 MiB; 0.3 GiB is no whole number of MiB). */
export function parseGib(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(trimmed);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '') || whole.length > 9 || fraction.length > 10) {
    return { kind: 'error', message: 'Enter a size in GiB, for example 8 or 1.5.' };
  }
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole || '0') * scale + BigInt(fraction || '0')) * BigInt(MIB_PER_GIB);
  if (scaled % scale !== 0n) return { kind: 'error', message: `${trimmed} GiB is not a whole number of MiB (1 GiB = 1024 MiB): use, for example, ${mibToGibText(Number(scaled / scale))} GiB.` };
  const mib = Number(scaled / scale);
  return { kind: 'ok', value: match[1] === '-' ? -mib : mib };
}

function windowDraft(window: ScheduleWindow): WindowDraft {
  return { key: newKey(), start: window.start, end: window.end, endsNextDay: window.endsNextDay === true };
}

export function draftOf(limits: Limits, decimals: number): LimitsDraft {
  const days = Object.fromEntries(weekdays.map((day) => [day, (limits.schedule.days[day] ?? []).map(windowDraft)])) as Record<Weekday, WindowDraft[]>;
  return {
    schedule: { enabled: limits.schedule.enabled, timeZone: limits.schedule.timeZone, days },
    idleOnly: { enabled: limits.idleOnly.enabled, minutes: String(limits.idleOnly.minutes) },
    gaming: {
      enabled: limits.gaming.enabled,
      programs: limits.gaming.programs.map((name) => ({ key: newKey(), name })),
      pauseOnFullscreen: limits.gaming.pauseOnFullscreen,
      pauseOnOtherGpuUsers: limits.gaming.pauseOnOtherGpuUsers,
    },
    maxThreads: limits.cpu.maxThreads === null ? '' : String(limits.cpu.maxThreads),
    maxPercent: String(limits.cpu.maxPercent),
    gpu: { enabled: limits.gpu.enabled, deviceIndex: limits.gpu.deviceIndex === null ? '' : String(limits.gpu.deviceIndex) },
    vramCapGiB: limits.vramCapMiB === null ? '' : mibToGibText(limits.vramCapMiB),
    ramCapGiB: limits.ramCapMiB === null ? '' : mibToGibText(limits.ramCapMiB),
    modelDiskQuotaGiB: mibToGibText(limits.modelDiskQuotaMiB),
    onBattery: limits.onBattery,
    thermal: { enabled: limits.thermal.enabled, maxCelsius: String(limits.thermal.maxCelsius) },
    dailyHoursCap: limits.dailyHoursCap === null ? '' : String(limits.dailyHoursCap),
    minPrice: limits.minPricePerHour === null ? '' : toDecimalInput(limits.minPricePerHour, decimals),
  };
}

/** The draft without its row keys: two drafts that say the same are equal. */
export function draftText(draft: LimitsDraft): string {
  return JSON.stringify(draft, (key, value: unknown) => (key === 'key' ? undefined : value));
}

// ---- where a message belongs ---------------------------------------------

/** Field ids: the form's fields, a window or program row by its key, or 'general' for the rest. */
export const fieldIds = {
  days: 'schedule.days',
  timeZone: 'schedule.timeZone',
  window: (day: Weekday, key: number) => `schedule.days.${day}.#${key}`,
  program: (key: number) => `gaming.programs.#${key}`,
  programs: 'gaming.programs',
  idleMinutes: 'idleOnly.minutes',
  maxThreads: 'cpu.maxThreads',
  maxPercent: 'cpu.maxPercent',
  deviceIndex: 'gpu.deviceIndex',
  vramCap: 'vramCapMiB',
  ramCap: 'ramCapMiB',
  diskQuota: 'modelDiskQuotaMiB',
  onBattery: 'onBattery',
  maxCelsius: 'thermal.maxCelsius',
  dailyHoursCap: 'dailyHoursCap',
  minPrice: 'minPricePerHour',
  general: 'general',
} as const;

/** What a bare schema message ("must be at least 1 minute") is about, to make it a sentence. */
const subjects: Record<string, string> = {
  [fieldIds.timeZone]: 'Time zone',
  [fieldIds.idleMinutes]: 'Idle time',
  [fieldIds.maxThreads]: 'Threads',
  [fieldIds.maxPercent]: 'CPU share',
  [fieldIds.deviceIndex]: 'GPU number',
  [fieldIds.vramCap]: 'VRAM cap',
  [fieldIds.ramCap]: 'RAM cap',
  [fieldIds.diskQuota]: 'Model disk quota',
  [fieldIds.onBattery]: 'On battery',
  [fieldIds.maxCelsius]: 'Temperature limit',
  [fieldIds.dailyHoursCap]: 'Daily cap',
  [fieldIds.minPrice]: 'Minimum price',
};

/** "must be at least 1 minute" → "Idle time must be at least 1 minute."; messages that name their subject stay as they are. */
export function fieldMessage(field: string, message: string): string {
  const subject = subjects[field];
  const text = subject && /^(must|is|should|expected|invalid)\b/.test(message) ? `${subject} ${message}` : message;
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(first) ? first : `${first}.`;
}

/** The field a schema path points at, in this draft. */
export function fieldForPath(path: readonly PropertyKey[], draft: LimitsDraft): string {
  const [head, second, third, fourth] = path;
  if (head === 'schedule') {
    if (second === 'days') {
      if (typeof third === 'string' && (weekdays as readonly string[]).includes(third)) {
        const day = third as Weekday;
        const index = typeof fourth === 'number' ? fourth : typeof fourth === 'string' && /^\d+$/.test(fourth) ? Number(fourth) : undefined;
        const row = index === undefined ? undefined : draft.schedule.days[day][index];
        return row ? fieldIds.window(day, row.key) : fieldIds.days;
      }
      return fieldIds.days;
    }
    if (second === 'timeZone') return fieldIds.timeZone;
    return fieldIds.general;
  }
  if (head === 'gaming') {
    if (second === 'programs') {
      const index = typeof third === 'number' ? third : typeof third === 'string' && /^\d+$/.test(third) ? Number(third) : undefined;
      const row = index === undefined ? undefined : draft.gaming.programs[index];
      return row ? fieldIds.program(row.key) : fieldIds.programs;
    }
    return fieldIds.general;
  }
  const dotted = path.map(String).join('.');
  return Object.values(fieldIds).includes(dotted as never) ? dotted : fieldIds.general;
}

/** A server issue, "schedule.days.mon.2: Monday window 3: …", split into its path and message. */
export function splitIssue(issue: string): { path: string[]; message: string } {
  const match = /^([A-Za-z][\w]*(?:\.[\w]+)*): (.+)$/s.exec(issue);
  return match?.[1] && match[2] ? { path: match[1].split('.'), message: match[2] } : { path: [], message: issue };
}

export type FieldErrors = ReadonlyMap<string, readonly string[]>;

function addError(errors: Map<string, string[]>, field: string, message: string): void {
  const list = errors.get(field) ?? [];
  if (!list.includes(message)) list.push(message);
  errors.set(field, list);
}

/** The server's `invalid_input` issues for the draft that was sent, by field. */
export function serverErrors(issues: readonly string[], draft: LimitsDraft): FieldErrors {
  const errors = new Map<string, string[]>();
  for (const issue of issues) {
    const { path, message } = splitIssue(issue);
    const field = path.length === 0 ? fieldIds.general : fieldForPath(path, draft);
    addError(errors, field, fieldMessage(field, field === fieldIds.general && path.length > 0 ? issue : message));
  }
  return errors;
}

// ---- the check -------------------------------------------------------------

export interface DraftCheck {
  /** The limits to send, when the draft has no problem. */
  limits: Limits | undefined;
  errors: FieldErrors;
  /** How many problems, for the summary beside Save. */
  count: number;
}

/**
 * The draft as the contract's limits: typed text parsed here (numbers, GiB,
 * token amounts), everything else judged by `limitsSchema` itself. A field
 * that does not parse is replaced by a valid stand-in for the schema's pass,
 * so the other fields are still checked; its own message is the parse's.
 */
export function checkDraft(draft: LimitsDraft, decimals: number, symbol: string): DraftCheck {
  const errors = new Map<string, string[]>();
  const local = new Set<string>();
  const take = <T>(field: string, parsed: Parsed<T>, whenEmpty: T | 'required', standIn: T): T => {
    if (parsed.kind === 'ok') return parsed.value;
    if (parsed.kind === 'empty' && whenEmpty !== 'required') return whenEmpty;
    local.add(field);
    addError(errors, field, parsed.kind === 'error' ? parsed.message : 'Enter a value.');
    return standIn;
  };
  const price = parseDecimalAmount(draft.minPrice, decimals, symbol);
  const minPrice = take<string | null>(
    fieldIds.minPrice,
    price.kind === 'ok' ? { kind: 'ok', value: price.value.toString() } : price,
    null,
    null,
  );

  const wire: LimitsWire = {
    schedule: {
      enabled: draft.schedule.enabled,
      timeZone: draft.schedule.timeZone,
      days: Object.fromEntries(
        weekdays.map((day) => [day, draft.schedule.days[day].map(({ start, end, endsNextDay }) => (endsNextDay ? { start, end, endsNextDay } : { start, end }))]),
      ),
    },
    idleOnly: { enabled: draft.idleOnly.enabled, minutes: take(fieldIds.idleMinutes, parseNumber(draft.idleOnly.minutes), 'required', defaultLimits.idleOnly.minutes) },
    gaming: {
      enabled: draft.gaming.enabled,
      programs: draft.gaming.programs.map((program) => program.name),
      pauseOnFullscreen: draft.gaming.pauseOnFullscreen,
      pauseOnOtherGpuUsers: draft.gaming.pauseOnOtherGpuUsers,
    },
    cpu: {
      maxThreads: take(fieldIds.maxThreads, parseNumber(draft.maxThreads), null, null),
      maxPercent: take(fieldIds.maxPercent, parseNumber(draft.maxPercent), 'required', defaultLimits.cpu.maxPercent),
    },
    gpu: { enabled: draft.gpu.enabled, deviceIndex: take(fieldIds.deviceIndex, parseNumber(draft.gpu.deviceIndex), null, null) },
    vramCapMiB: take(fieldIds.vramCap, parseGib(draft.vramCapGiB), null, null),
    ramCapMiB: take(fieldIds.ramCap, parseGib(draft.ramCapGiB), null, null),
    modelDiskQuotaMiB: take(fieldIds.diskQuota, parseGib(draft.modelDiskQuotaGiB), 'required', defaultLimits.modelDiskQuotaMiB),
    onBattery: draft.onBattery,
    thermal: { enabled: draft.thermal.enabled, maxCelsius: take(fieldIds.maxCelsius, parseNumber(draft.thermal.maxCelsius), 'required', defaultLimits.thermal.maxCelsius) },
    dailyHoursCap: take(fieldIds.dailyHoursCap, parseNumber(draft.dailyHoursCap), null, null),
    minPricePerHour: minPrice,
  };

  const result = limitsSchema.safeParse(wire);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = fieldForPath(issue.path, draft);
      // One value, one message: "-1" is "must not be negative", not also "must be at least 256 MiB".
      const single = subjects[field] !== undefined && errors.has(field);
      if (!local.has(field) && !single) addError(errors, field, fieldMessage(field, issue.message));
    }
  }
  const count = [...errors.values()].reduce((sum, list) => sum + list.length, 0);
  return { limits: result.success && count === 0 ? result.data : undefined, errors, count };
}

// ---- editing helpers ---------------------------------------------------------

export function isAllDay(windows: readonly WindowDraft[]): boolean {
  const [only] = windows;
  return windows.length === 1 && only !== undefined && only.start === ALL_DAY.start && only.end === ALL_DAY.end && !only.endsNextDay;
}

/** A new window after the day's last one (its end to midnight), or 09:00–17:00 on an empty day. */
export function nextWindow(windows: readonly WindowDraft[]): WindowDraft {
  const last = windows.at(-1);
  if (!last) return { key: newKey(), start: '09:00', end: '17:00', endsNextDay: false };
  if (!last.endsNextDay && /^([01]\d|2[0-3]):[0-5]\d$/.test(last.end)) return { key: newKey(), start: last.end, end: '24:00', endsNextDay: false };
  return { key: newKey(), start: '', end: '', endsNextDay: false };
}

export interface StarterChoice {
  exe: string;
  name: string;
}

/** Starter-list programs not in the list yet (by program identity: case, path and ".exe" do not matter), by game name. */
export function missingStarters(programs: readonly ProgramDraft[]): StarterChoice[] {
  const listed = new Set(programs.map((program) => programKey(program.name)));
  return starterGames.filter((game) => !listed.has(programKey(game.exe))).sort((a, b) => a.name.localeCompare(b.name, 'en') || a.exe.localeCompare(b.exe, 'en'));
}

const starterNames = new Map(starterGames.map((game) => [programKey(game.exe), game.name]));

/** The game a listed program is, when the starter list knows it. */
export function knownProgramName(program: string): string | undefined {
  return starterNames.get(programKey(program));
}

/** Re-express a typed price in new decimals (the token became known): the same base units, so the same amount. */
export function repriceDraft(draft: LimitsDraft, fromDecimals: number, toDecimals: number): LimitsDraft {
  if (fromDecimals === toDecimals) return draft;
  const parsed = parseDecimalAmount(draft.minPrice, fromDecimals, 'tokens');
  if (parsed.kind !== 'ok') return draft;
  return { ...draft, minPrice: toDecimalInput(parsed.value, toDecimals) };
}

/** Equal limits (bigint money included). */
export function sameLimits(a: Limits, b: Limits): boolean {
  const text = (limits: Limits): string => JSON.stringify(limits, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return text(a) === text(b);
}

/** Whether any field under `prefix` has a problem. */
export function hasErrorIn(errors: FieldErrors, prefix: string): boolean {
  for (const [field, list] of errors) if (field.startsWith(prefix) && list.length > 0) return true;
  return false;
}
