import { z } from 'zod';
import { baseUnits } from './money.ts';

/**
 * The user's contribution limits: when Hearth may run and how much of the
 * machine it may use. The policy engine (main/policy) decides with them; the
 * Limits page edits them. Every rejection names the exact field in plain words
 * ("Monday window 3: ends before it starts"), because the user fixes it by hand.
 */

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
export const weekdayNames: Readonly<Record<Weekday, string>> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
export const weekdayShortNames: Readonly<Record<Weekday, string>> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

const MINUTES_PER_DAY = 24 * 60;
const MAX_WINDOWS_PER_DAY = 12;
const MAX_PROGRAMS = 500;
/** Windows' MAX_PATH: no executable name is longer. */
const MAX_PROGRAM_LENGTH = 260;
const CONTROL_CHARS = /\p{Cc}/u;

// ---- schedule ------------------------------------------------------------

/** "HH:MM" → minutes after midnight; "24:00" (the end of the day) only where `allowEndOfDay`. Null when not a time. */
export function parseClockTime(text: string, allowEndOfDay = false): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  return allowEndOfDay && text === '24:00' ? MINUTES_PER_DAY : null;
}

export const scheduleWindowSchema = z.strictObject({
  /** "HH:MM", 00:00–23:59, in the schedule's time zone. */
  start: z.string(),
  /** "HH:MM"; "24:00" is the end of the day. */
  end: z.string(),
  /**
   * The window runs past midnight (22:00 → 06:00 the next day) and belongs to
   * the day it starts. Explicit, so that a mistyped 18:00–09:00 is caught as
   * "ends before it starts" instead of silently meaning a night shift.
   */
  endsNextDay: z.boolean().optional(),
});
export type ScheduleWindow = z.infer<typeof scheduleWindowSchema>;

/** The whole day: 00:00–24:00. */
export const ALL_DAY: ScheduleWindow = { start: '00:00', end: '24:00' };

/** What is wrong with one window, or null. Read as "Monday window 3: <problem>". */
export function windowProblem(window: ScheduleWindow): string | null {
  const start = parseClockTime(window.start);
  if (start === null) return `start "${window.start}" is not a time (use HH:MM, 00:00–23:59)`;
  const end = parseClockTime(window.end, !window.endsNextDay);
  if (end === null) return `end "${window.end}" is not a time (use HH:MM, ${window.endsNextDay ? '00:00–23:59' : '00:00–24:00'})`;
  if (window.endsNextDay) {
    return end > start ? `ends the next day at ${window.end}, more than 24 hours after it starts at ${window.start}` : null;
  }
  if (end === start) return `starts and ends at ${window.start} (for the whole day use 00:00–24:00)`;
  if (end < start) return `ends before it starts (${window.start}–${window.end}); a window that runs past midnight must be marked "ends next day"`;
  return null;
}

/** Minutes from the start of the window's own day: start in [0, 1440), end in (start, start + 1440]. Null when invalid. */
export function windowSpan(window: ScheduleWindow): { start: number; end: number } | null {
  if (windowProblem(window) !== null) return null;
  const start = parseClockTime(window.start) ?? 0;
  const end = parseClockTime(window.end, true) ?? 0;
  return { start, end: window.endsNextDay ? end + MINUTES_PER_DAY : end };
}

/** "Mon 01:00–08:00", "Sat all day", "Fri 22:00–06:00". */
export function describeWindow(day: Weekday, window: ScheduleWindow): string {
  if (window.start === '00:00' && window.end === '24:00' && !window.endsNextDay) return `${weekdayShortNames[day]} all day`;
  return `${weekdayShortNames[day]} ${window.start}–${window.end}`;
}

const windowList = z.array(scheduleWindowSchema).max(MAX_WINDOWS_PER_DAY, `at most ${MAX_WINDOWS_PER_DAY} windows a day`).optional();

/** Per weekday, its windows; a missing day has none. */
export const scheduleDaysSchema = z.strictObject(
  { mon: windowList, tue: windowList, wed: windowList, thu: windowList, fri: windowList, sat: windowList, sun: windowList },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown weekday ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (use ${weekdays.join(', ')})`
        : undefined,
  },
);
export type ScheduleDays = z.infer<typeof scheduleDaysSchema>;

/** Zones Intl accepted: building a formatter to ask costs tens of microseconds, and the engine asks every tick. */
const knownZones = new Set<string>();

/** An IANA zone name this system's Intl knows, or "system". Fixed offsets ("+01:00") are not zones: they know no DST. */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'system' || knownZones.has(name)) return true;
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  knownZones.add(name);
  return true;
}

export const timeZoneSchema = z.string().superRefine((name, ctx) => {
  if (!isKnownTimeZone(name)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name.slice(0, 80))} is not a time zone this system knows (use an IANA name such as Europe/Berlin, or "system")` });
  }
});

interface PlacedWindow {
  day: Weekday;
  index: number;
  window: ScheduleWindow;
  /** Minutes since Monday 00:00. */
  start: number;
  end: number;
}

const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

function label(window: ScheduleWindow): string {
  return `${window.start}–${window.end}${window.endsNextDay ? ' next day' : ''}`;
}

function overlapMessage(a: PlacedWindow, b: PlacedWindow): string {
  if (a.day === b.day) return `${weekdayNames[a.day]} windows ${a.index + 1} (${label(a.window)}) and ${b.index + 1} (${label(b.window)}) overlap`;
  return `${weekdayNames[a.day]} window ${a.index + 1} (${label(a.window)}) overlaps ${weekdayNames[b.day]} window ${b.index + 1} (${label(b.window)})`;
}

/** Overlaps on the week's circle: Sunday's night window runs into Monday. Touching windows (08:00–12:00, 12:00–13:00) are fine. */
function overlaps(a: PlacedWindow, b: PlacedWindow): boolean {
  for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) {
    if (a.start < b.end + shift && b.start + shift < a.end) return true;
  }
  return false;
}

export const scheduleSchema = z
  .strictObject({
    /** Off: Hearth may run at any hour (the other limits still apply). */
    enabled: z.boolean(),
    /** The zone the windows, the daily cap's day and "until tomorrow" are in: an IANA name, or "system" (follows the computer). */
    timeZone: timeZoneSchema,
    days: scheduleDaysSchema,
  })
  .superRefine((schedule, ctx) => {
    const placed: PlacedWindow[] = [];
    weekdays.forEach((day, dayIndex) => {
      (schedule.days[day] ?? []).forEach((window, index) => {
        const problem = windowProblem(window);
        if (problem !== null) {
          ctx.addIssue({ code: 'custom', path: ['days', day, index], message: `${weekdayNames[day]} window ${index + 1}: ${problem}` });
          return;
        }
        const span = windowSpan(window);
        if (span) placed.push({ day, index, window, start: dayIndex * MINUTES_PER_DAY + span.start, end: dayIndex * MINUTES_PER_DAY + span.end });
      });
    });
    placed.forEach((a, i) => {
      for (const b of placed.slice(i + 1)) {
        if (overlaps(a, b)) ctx.addIssue({ code: 'custom', path: ['days', b.day, b.index], message: overlapMessage(a, b) });
      }
    });
    const count = weekdays.reduce((sum, day) => sum + (schedule.days[day]?.length ?? 0), 0);
    if (schedule.enabled && count === 0) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'the schedule is on but has no windows: add one, or turn the schedule off' });
    }
  });
export type Schedule = z.infer<typeof scheduleSchema>;

// ---- pause while gaming --------------------------------------------------

export interface StarterGame {
  /** The process to look for, as the OS names it. */
  exe: string;
  /** What the user reads: "Paused: Elden Ring is running (eldenring.exe)". */
  name: string;
}

/**
 * The built-in starter list. Launchers themselves (steam.exe,
 * EpicGamesLauncher.exe, Battle.net.exe, EADesktop.exe, upc.exe,
 * GalaxyClient.exe) are deliberately absent: they sit in the tray all day, so
 * their presence says nothing about a game being played. What does: the games'
 * own processes, Steam's in-game overlay (started only with a game), and the
 * anti-cheat services that run only while a protected game does (but not
 * Riot Vanguard's vgc.exe, which runs from boot). Linux-native builds
 * (cs2, dota2) match too: the ".exe" is optional when matching.
 */
export const starterGames: readonly StarterGame[] = [
  { exe: 'GameOverlayUI.exe', name: 'A Steam game (Steam overlay)' },
  { exe: 'gameoverlayui64.exe', name: 'A Steam game (Steam overlay)' },
  { exe: 'EasyAntiCheat.exe', name: 'A game protected by Easy Anti-Cheat' },
  { exe: 'EasyAntiCheat_EOS.exe', name: 'A game protected by Easy Anti-Cheat' },
  { exe: 'BEService.exe', name: 'A game protected by BattlEye' },
  { exe: 'BEService_x64.exe', name: 'A game protected by BattlEye' },
  { exe: 'eldenring.exe', name: 'Elden Ring' },
  { exe: 'cs2.exe', name: 'Counter-Strike 2' },
  { exe: 'dota2.exe', name: 'Dota 2' },
  { exe: 'tf_win64.exe', name: 'Team Fortress 2' },
  { exe: 'FortniteClient-Win64-Shipping.exe', name: 'Fortnite' },
  { exe: 'VALORANT-Win64-Shipping.exe', name: 'VALORANT' },
  { exe: 'League of Legends.exe', name: 'League of Legends' },
  { exe: 'RocketLeague.exe', name: 'Rocket League' },
  { exe: 'GTA5.exe', name: 'Grand Theft Auto V' },
  { exe: 'RDR2.exe', name: 'Red Dead Redemption 2' },
  { exe: 'Cyberpunk2077.exe', name: 'Cyberpunk 2077' },
  { exe: 'bg3.exe', name: "Baldur's Gate 3" },
  { exe: 'bg3_dx11.exe', name: "Baldur's Gate 3" },
  { exe: 'witcher3.exe', name: 'The Witcher 3' },
  { exe: 'r5apex.exe', name: 'Apex Legends' },
  { exe: 'r5apex_dx12.exe', name: 'Apex Legends' },
  { exe: 'Overwatch.exe', name: 'Overwatch 2' },
  { exe: 'cod.exe', name: 'Call of Duty' },
  { exe: 'ModernWarfare.exe', name: 'Call of Duty: Modern Warfare' },
  { exe: 'TslGame.exe', name: 'PUBG: Battlegrounds' },
  { exe: 'destiny2.exe', name: 'Destiny 2' },
  { exe: 'RainbowSix.exe', name: 'Rainbow Six Siege' },
  { exe: 'EscapeFromTarkov.exe', name: 'Escape from Tarkov' },
  { exe: 'RustClient.exe', name: 'Rust' },
  { exe: 'Warframe.x64.exe', name: 'Warframe' },
  { exe: 'Minecraft.Windows.exe', name: 'Minecraft' },
  { exe: 'RobloxPlayerBeta.exe', name: 'Roblox' },
  { exe: 'Wow.exe', name: 'World of Warcraft' },
  { exe: 'Diablo IV.exe', name: 'Diablo IV' },
  { exe: 'SC2_x64.exe', name: 'StarCraft II' },
  { exe: 'Hearthstone.exe', name: 'Hearthstone' },
  { exe: 'PathOfExile.exe', name: 'Path of Exile' },
  { exe: 'ffxiv_dx11.exe', name: 'Final Fantasy XIV' },
  { exe: 'GenshinImpact.exe', name: 'Genshin Impact' },
  { exe: 'helldivers2.exe', name: 'Helldivers 2' },
  { exe: 'Palworld-Win64-Shipping.exe', name: 'Palworld' },
  { exe: 'Starfield.exe', name: 'Starfield' },
  { exe: 'HogwartsLegacy.exe', name: 'Hogwarts Legacy' },
  { exe: 'MonsterHunterWilds.exe', name: 'Monster Hunter Wilds' },
  { exe: 'MonsterHunterWorld.exe', name: 'Monster Hunter: World' },
  { exe: 'ForzaHorizon5.exe', name: 'Forza Horizon 5' },
  { exe: 'SoTGame.exe', name: 'Sea of Thieves' },
  { exe: 'TS4_x64.exe', name: 'The Sims 4' },
  { exe: 'osu!.exe', name: 'osu!' },
];

/**
 * The identity of a program name: path stripped (either separator), trimmed,
 * lower-cased, without ".exe". "C:\Games\EldenRing.EXE", "eldenring.exe" and
 * "eldenring" are one program.
 */
export function programKey(program: string): string {
  const base = program.slice(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1).trim().toLowerCase();
  return base.endsWith('.exe') ? base.slice(0, -4) : base;
}

export const gamingProgramsSchema = z
  .array(z.string().trim())
  .max(MAX_PROGRAMS, `at most ${MAX_PROGRAMS} programs`)
  .superRefine((programs, ctx) => {
    const seen = new Map<string, number>();
    programs.forEach((program, index) => {
      const where = `gaming program ${index + 1}`;
      const fail = (message: string): void => ctx.addIssue({ code: 'custom', path: [index], message });
      if (program === '') return fail(`${where}: must not be empty`);
      if (CONTROL_CHARS.test(program)) return fail(`${where}: must not contain control characters`);
      if (program.length > MAX_PROGRAM_LENGTH) return fail(`${where}: must be at most ${MAX_PROGRAM_LENGTH} characters`);
      const key = programKey(program);
      if (key === '') return fail(`${where} (${JSON.stringify(program)}): names no program`);
      const first = seen.get(key);
      if (first !== undefined) return fail(`${where} (${JSON.stringify(program)}) is the same as program ${first + 1} (${JSON.stringify(programs[first])})`);
      seen.set(key, index);
    });
  });

export const gamingSchema = z.strictObject({
  /** The master switch: off, none of the three checks below applies. */
  enabled: z.boolean(),
  /** Executable names (path and ".exe" optional, any case). */
  programs: gamingProgramsSchema,
  /** Pause while any app is fullscreen, where the OS tells. */
  pauseOnFullscreen: z.boolean(),
  /** Pause while another process computes on the GPU, where the driver tells (NVIDIA's per-process list). */
  pauseOnOtherGpuUsers: z.boolean(),
});

// ---- the limits ----------------------------------------------------------

function mebibytes(min: number, belowMin: string) {
  return z.number().int('must be a whole number of MiB').nonnegative('must not be negative').min(min, belowMin);
}

export const limitsSchema = z.strictObject({
  schedule: scheduleSchema,
  /** Run only after `minutes` without keyboard or mouse input; stop on input. */
  idleOnly: z.strictObject({
    enabled: z.boolean(),
    minutes: z.number().int('must be a whole number of minutes').min(1, 'must be at least 1 minute').max(240, 'must be at most 240 minutes'),
  }),
  gaming: gamingSchema,
  cpu: z.strictObject({
    /** Threads the worker may use; null: all cores but one. */
    maxThreads: z.number().int('must be a whole number of threads').nonnegative('must not be negative').min(1, 'must be at least 1 thread (or no limit)').max(1024, 'must be at most 1024 threads').nullable(),
    /** Share of the whole machine's CPU time, in percent. */
    maxPercent: z.number().int('must be a whole percentage').min(10, 'must be at least 10 %').max(100, 'must be at most 100 %'),
  }),
  gpu: z.strictObject({
    enabled: z.boolean(),
    /** Which GPU (as the hardware page lists them); null: the best one found. */
    deviceIndex: z.number().int('must be a whole number').nonnegative('must not be negative').max(63, 'must be at most 63').nullable(),
  }),
  /** Null: no cap beyond what the GPU has. */
  vramCapMiB: mebibytes(256, 'must be at least 256 MiB (or no cap)').nullable(),
  /** Null: the node's default (half the RAM). ONNX Runtime needs about 1 GiB to start. */
  ramCapMiB: mebibytes(1024, 'must be at least 1024 MiB: the inference runtime needs about 1 GiB to start (or no cap)').nullable(),
  modelDiskQuotaMiB: mebibytes(512, 'must be at least 512 MiB').max(16 * 1024 * 1024, 'must be at most 16 TiB'),
  onBattery: z.enum(['pause', 'continue'], { error: 'must be "pause" or "continue"' }),
  thermal: z.strictObject({
    enabled: z.boolean(),
    /** The hottest the CPU or GPU may get while Hearth works. */
    maxCelsius: z.number().int('must be a whole number of °C').min(50, 'must be at least 50 °C').max(110, 'must be at most 110 °C'),
  }),
  /** Contributed hours per local day (in the schedule's time zone); null: no cap. */
  dailyHoursCap: z.number().nonnegative('must not be negative').gt(0, 'must be more than 0 hours (or no cap)').max(24, 'must be at most 24 hours').nullable(),
  /** Jobs paying less per hour are declined (base units of the payment token); null: no floor. */
  minPricePerHour: baseUnits.nullable(),
});
/** Limits as the engine uses them (money as bigint). */
export type Limits = z.output<typeof limitsSchema>;
/** Limits on the wire and in storage (money as a decimal string). */
export type LimitsWire = z.input<typeof limitsSchema>;

/**
 * What a demanding gamer or home user expects from a fresh install: give the
 * machine back the moment a game, a fullscreen app or another GPU program
 * starts; never drain a laptop's battery; stay under 90 °C; keep a core and a
 * fifth of the CPU for the user. No schedule restriction and no idle-only mode
 * (headless rigs have no idle time to wait for); the schedule is pre-filled
 * with a typical plan, off, as a starting point.
 */
export const defaultLimits: Limits = {
  schedule: {
    enabled: false,
    timeZone: 'system',
    days: {
      mon: [{ start: '01:00', end: '08:00' }],
      tue: [{ start: '01:00', end: '08:00' }],
      wed: [{ start: '01:00', end: '08:00' }],
      thu: [{ start: '01:00', end: '08:00' }],
      fri: [{ start: '01:00', end: '08:00' }],
      sat: [ALL_DAY],
      sun: [ALL_DAY],
    },
  },
  idleOnly: { enabled: false, minutes: 10 },
  gaming: { enabled: true, programs: starterGames.map((game) => game.exe), pauseOnFullscreen: true, pauseOnOtherGpuUsers: true },
  cpu: { maxThreads: null, maxPercent: 80 },
  gpu: { enabled: true, deviceIndex: null },
  vramCapMiB: null,
  ramCapMiB: null,
  modelDiskQuotaMiB: 20 * 1024,
  onBattery: 'pause',
  thermal: { enabled: true, maxCelsius: 90 },
  dailyHoursCap: null,
  minPricePerHour: null,
};
