import type { Unknown } from '../signals.ts';
import { baseName, listDir, readLink, readSmall, rooted } from './linux-files.ts';

/**
 * The running programs, by executable name, from /proc: what the gaming rule
 * matches against the user's list.
 *
 * A name is, in order: the basename of /proc/PID/exe; for Windows programs
 * under Wine or Proton, the ".exe" in the command line (the exe link names the
 * Wine loader: "Z:\…\ELDEN RING\Game\eldenring.exe" → "eldenring.exe");
 * when the exe link is unreadable (another user's process, without root),
 * argv[0]'s basename; last, /proc/PID/comm (cut to 15 characters by Linux:
 * "FortniteClient-", which the matcher still recognises). Kernel threads and
 * zombies are not programs and are left out.
 *
 * Cost: a pass lists /proc and reads /proc/PID/stat (comm, state, start time)
 * of the processes it must check; a name is resolved (exe link, sometimes the
 * command line) only when the process is new or its stat changed. Checked in
 * a pass are:
 * - new pids (not in the previous pass);
 * - recent programs, at every pass: those started less than `recentMs` ago
 *   (by their start time, /proc/uptime's clock), and those seen to exec or
 *   rename within `recentMs`. A program that exec()s another keeps its pid
 *   ("exec ./game" at the end of a launch script; Wine renames its processes
 *   just after they start), and comm changes with it;
 * - long-running ones about every `recheckMs` (staggered by pid), for the
 *   rare late exec and for zombies;
 * - all of them when the previous pass is more than TRUST_MS old: a reused
 *   pid is told from its predecessor only by its start time, and pids are
 *   handed out cyclically, so reuse between two passes a second apart would
 *   take the whole pid space in that second;
 * - kernel threads never again while they stay.
 */

/** Between two passes closer than this, a pid still listed is taken for the same process. */
const TRUST_MS = 5_000;
/** Linux's USER_HZ: /proc/PID/stat counts start times in 1/100 s on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** PF_KTHREAD in /proc/PID/stat's flags. */
const PF_KTHREAD = 0x00200000;
/** The executables of Wine and Proton's loader: the program they run is named on the command line. */
const WINE_LOADERS: ReadonlySet<string> = new Set(['wine', 'wine64', 'wine-preloader', 'wine64-preloader']);
const WINDOWS_EXE = /\.exe$/i;

export interface StatFields {
  /** /proc/PID/comm: at most 15 bytes of the executable's (or thread's) name. */
  comm: string;
  /** R, S, D, Z (zombie), X (dead)… */
  state: string;
  flags: number;
  /** Start time after boot, in clock ticks (as text: it only identifies). */
  start: string;
}

/** Parses /proc/PID/stat; comm may hold spaces and parentheses, so fields are counted from the last ")". */
export function parseStat(text: string): StatFields | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After ") ": state (field 3), …, flags (field 9), …, starttime (field 22).
  const fields = text.slice(close + 2).split(' ', 20);
  const state = fields[0];
  const flags = Number(fields[6]);
  const start = fields[19];
  if (state === undefined || state === '' || start === undefined || !/^\d+$/.test(start) || !Number.isInteger(flags)) return null;
  return { comm: text.slice(open + 1, close), state, flags, start };
}

/** The first three arguments of /proc/PID/cmdline ([] when unreadable or empty). */
export function parseCmdline(text: string | null): string[] {
  if (text === null || text === '') return [];
  return text.split('\0', 3).filter((arg, index) => index === 0 || arg !== '');
}

const DELETED = ' (deleted)';

/** The basename of an exe link's target, without the " (deleted)" Linux appends once the file is replaced (a game updated while it runs). */
function exeBaseName(exe: string): string {
  return baseName(exe.endsWith(DELETED) ? exe.slice(0, -DELETED.length) : exe);
}

/**
 * A process's name from what could be read: `exe` the target of
 * /proc/PID/exe (null when unreadable), `argv` its first arguments, `comm`
 * its 15-character name. Null when nothing names it.
 */
export function processName(exe: string | null, argv: readonly string[], comm: string): string | null {
  // A program run from memory (memfd_create + fexecve: container runtimes, some launchers) has no file name.
  const exeBase = exe === null || exe.startsWith('/memfd:') ? null : exeBaseName(exe);
  const wine = exeBase !== null && WINE_LOADERS.has(exeBase);
  if (exeBase === null || wine || WINDOWS_EXE.test(comm)) {
    // Wine rewrites argv so that argv[0] is the Windows path; while it starts, that path is argv[1] or argv[2].
    const windows = argv.slice(0, 3).find((arg) => WINDOWS_EXE.test(arg));
    if (windows !== undefined) {
      const name = baseName(windows).trim();
      if (name !== '') return name;
    }
  }
  if (exeBase !== null && exeBase !== '') return wine && comm !== '' ? comm : exeBase;
  // No exe link: argv[0], unless it was rewritten into a title ("sshd: me@pts/0").
  const first = argv[0];
  if (first !== undefined && !first.includes(': ')) {
    const name = baseName(first).replace(/^-/, '').trim();
    if (name !== '') return name;
  }
  return comm !== '' ? comm : null;
}

/** What a pass knows about one process. */
export interface ProcessEntry {
  readonly pid: number;
  /** Start time (clock ticks after boot), '' when /proc/PID/stat was unreadable. */
  readonly start: string;
  readonly comm: string;
  /** Its name in the list, or null: a kernel thread or a zombie. */
  readonly name: string | null;
  readonly kernel: boolean;
  /** When the process started, on the source's clock (ms): from its start time where /proc/uptime tells, else when first seen. */
  readonly startedAt: number;
  /** Until then (the source's clock, ms) it is rechecked at every pass: it started or changed program recently. */
  readonly watchUntil: number;
  readonly checkedAt: number;
}

export interface ProcessTableOptions {
  /** The file-system root that holds proc/ ('/' or a fixture tree). */
  root: string;
  /** Programs this recent are checked every pass. Default 30 s. */
  recentMs?: number;
  /** Long-running ones about this often (staggered between half and all of it). Default 15 s. */
  recheckMs?: number;
}

/** Counters of the last pass, for the bench and tests. */
export interface PassStats {
  /** Pids listed in /proc. */
  listed: number;
  /** /proc/PID/stat files read. */
  statReads: number;
  /** Names resolved (exe link and maybe command line read). */
  resolved: number;
}

export class ProcessTable {
  readonly #proc: string;
  readonly #recentMs: number;
  readonly #recheckMs: number;
  #entries = new Map<number, ProcessEntry>();
  #lastPassAt = Number.NEGATIVE_INFINITY;
  #stats: PassStats = { listed: 0, statReads: 0, resolved: 0 };

  constructor(options: ProcessTableOptions) {
    this.#proc = rooted(options.root, 'proc');
    this.#recentMs = options.recentMs ?? 30_000;
    this.#recheckMs = options.recheckMs ?? 15_000;
  }

  get stats(): PassStats {
    return this.#stats;
  }

  /** The processes of the last pass (own pids excluded), by pid. */
  get entries(): ReadonlyMap<number, ProcessEntry> {
    return this.#entries;
  }

  /** The name of a process seen in the last pass, or null. */
  nameOf(pid: number): string | null {
    return this.#entries.get(pid)?.name ?? null;
  }

  /**
   * One pass: the distinct names of the running programs, in /proc order,
   * without `own` (Hearth's processes). 'unknown' when /proc cannot be listed
   * or no process in it can be read.
   */
  scan(now: number, own: ReadonlySet<number>): readonly string[] | Unknown {
    const listing = listDir(this.#proc);
    if (!listing.ok) return 'unknown';
    const trusted = now >= this.#lastPassAt && now - this.#lastPassAt < TRUST_MS;
    const uptime = this.#uptime();
    const stats: PassStats = { listed: 0, statReads: 0, resolved: 0 };
    const next = new Map<number, ProcessEntry>();
    const names: string[] = [];
    const seen = new Set<string>();
    let readable = 0;
    for (const item of listing.names) {
      const first = item.charCodeAt(0);
      if (first < 48 || first > 57) continue;
      const pid = Number(item);
      if (!Number.isSafeInteger(pid)) continue;
      stats.listed++;
      if (own.has(pid)) {
        readable++;
        continue;
      }
      const old = this.#entries.get(pid);
      const entry = old && trusted && !this.#due(old, now) ? old : this.#check(pid, old, now, uptime, stats);
      if (!entry) continue;
      readable++;
      next.set(pid, entry);
      if (entry.name !== null && !seen.has(entry.name)) {
        seen.add(entry.name);
        names.push(entry.name);
      }
    }
    this.#entries = next;
    this.#lastPassAt = now;
    this.#stats = stats;
    return readable === 0 ? 'unknown' : names;
  }

  /** Seconds since boot (/proc/uptime), the clock of start times; null when unreadable. */
  #uptime(): number | null {
    const text = readSmall(`${this.#proc}/uptime`);
    const seconds = text === null ? Number.NaN : Number.parseFloat(text);
    return Number.isFinite(seconds) ? seconds : null;
  }

  #due(entry: ProcessEntry, now: number): boolean {
    if (entry.kernel) return false;
    if (entry.start === '' || now < entry.watchUntil || now < entry.checkedAt) return true;
    // Spread the rechecks of long-running processes over passes: between half and all of recheckMs.
    const interval = this.#recheckMs * (0.5 + (entry.pid % 16) / 32);
    return now - entry.checkedAt >= interval;
  }

  /** A process's start on the source's clock: from its start time where /proc/uptime tells its age, else now. */
  static #startedAt(start: string, now: number, uptime: number | null): number {
    if (uptime === null) return now;
    return now - Math.max(0, (uptime - Number(start) / TICKS_PER_SECOND) * 1000);
  }

  /** Reads a process afresh; null when it is gone or nothing of it is readable. */
  #check(pid: number, old: ProcessEntry | undefined, now: number, uptime: number | null, stats: PassStats): ProcessEntry | null {
    const dir = `${this.#proc}/${pid}`;
    stats.statReads++;
    const text = readSmall(`${dir}/stat`);
    const stat = text === null ? null : parseStat(text);
    if (stat === null) {
      // No identity (hidepid, a racing exit): name it from what else is readable, and check again next pass.
      const comm = readSmall(`${dir}/comm`)?.trim() ?? '';
      stats.resolved++;
      const name = processName(readLink(`${dir}/exe`), parseCmdline(readSmall(`${dir}/cmdline`)), comm);
      return name === null ? null : { pid, start: '', comm, name, kernel: false, startedAt: old?.startedAt ?? now, watchUntil: now, checkedAt: now };
    }
    const samePid = old !== undefined && old.start === stat.start;
    const same = samePid && old.comm === stat.comm;
    const startedAt = samePid ? old.startedAt : ProcessTable.#startedAt(stat.start, now, uptime);
    // A new process is watched from its start; a known one that exec'd or renamed itself, from now.
    const watchUntil = same ? old.watchUntil : samePid ? now + this.#recentMs : startedAt + this.#recentMs;
    const kernel = (stat.flags & PF_KTHREAD) !== 0;
    const base = { pid, start: stat.start, comm: stat.comm, kernel, startedAt, watchUntil, checkedAt: now };
    if (kernel || stat.state === 'Z' || stat.state === 'X') return { ...base, name: null };
    if (same && old.name !== null) return { ...old, checkedAt: now };
    stats.resolved++;
    return { ...base, name: this.#resolve(dir, stat.comm) };
  }

  #resolve(dir: string, comm: string): string | null {
    const exe = readLink(`${dir}/exe`);
    // The command line is read only where it can tell more than the exe link.
    const wanted = exe === null || exe.startsWith('/memfd:') || WINE_LOADERS.has(exeBaseName(exe)) || WINDOWS_EXE.test(comm);
    return processName(exe, wanted ? parseCmdline(readSmall(`${dir}/cmdline`)) : [], comm);
  }
}
