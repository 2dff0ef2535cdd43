import { availableParallelism } from 'node:os';
import type { OsSignalsSnapshot, SignalSource, Temperatures, Unknown } from '../signals.ts';
import { execRunner, pathFinder, type CommandFinder, type CommandRunner } from './commands.ts';
import { GpuProbe, type GpuReading } from './linux-gpu.ts';
import { FullscreenProbe, type FullscreenReading } from './linux-fullscreen.ts';
import { readOnBattery } from './linux-power.ts';
import { ProcessTable } from './linux-processes.ts';
import { SessionProbe, type SessionReading } from './linux-session.ts';
import { TemperatureReader } from './linux-thermal.ts';

/**
 * The OS signals of a Linux machine, read the cheap way: /proc and /sys
 * files, and a helper program (nvidia-smi, loginctl, xprintidle, xprop) only
 * where installed, with a timeout, at most every second or few. Headless
 * mode uses it as is; a desktop source can take its snapshot and put
 * Electron's idle time and lock state over it (`session: false` spares the
 * loginctl calls then).
 *
 * Where each field comes from, and when it is 'unknown':
 * - processes: /proc (linux-processes.ts); 'unknown' when /proc cannot be
 *   listed or nothing in it read.
 * - onBattery: /sys/class/power_supply (linux-power.ts); no battery → false;
 *   'unknown' when /sys is unreadable or the entries do not tell.
 * - temperatures: /sys/class/hwmon, /sys/class/thermal (linux-thermal.ts),
 *   NVIDIA via nvidia-smi; a kind without a sensor is absent; 'unknown' when
 *   neither directory can be listed (and no NVIDIA reading).
 * - gpuUsers: nvidia-smi, KFD, DRM fdinfo (linux-gpu.ts); 'unknown' when a
 *   GPU's compute users cannot be listed and none was found elsewhere.
 * - interactiveSession, screenLocked, idleSeconds: logind, xprintidle
 *   (linux-session.ts); no desktop → interactiveSession false, the others
 *   'unknown' (the engine then skips idle-only mode).
 * - fullscreenApp: on X11, the window manager's EWMH hints read with xprop
 *   (linux-fullscreen.ts), at most once a second. 'unknown', with the reason
 *   in `fullscreenUnknownReason`, without DISPLAY (a service has no connection
 *   to the display server), on Wayland (it does not tell one client about
 *   another's windows; under XWayland only X11 apps are seen), without xprop
 *   or an EWMH window manager. The engine shows that only where there is a
 *   desktop; games are still caught by their process name and GPU use.
 * - timeZone: Intl's resolved zone (TZ, /etc/localtime).
 *
 * read() never rejects: each part that fails degrades to 'unknown'.
 */

export interface LinuxSignalOptions {
  /** The file-system root holding proc/, sys/, run/, tmp/: '/' (default), or a fixture tree in tests. */
  root?: string;
  /** Hearth's own processes (the worker…), left out of `processes`. Asked at every read. */
  ownPids?: () => Iterable<number>;
  /** Look at the desktop session (idle time, lock). Default true; false when the caller knows better (Electron). */
  session?: boolean;
  /** The environment (DISPLAY, WAYLAND_DISPLAY, XDG_SESSION_TYPE, PATH). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Runs helper programs. Default: execFile with a timeout. */
  run?: CommandRunner;
  /** Finds helper programs. Default: a PATH lookup. */
  findCommand?: CommandFinder;
  /** Wall clock, ms. Default Date.now. */
  clock?: () => number;
  timing?: {
    /** GPU probe (nvidia-smi, fd scans). Default 5 s. */
    gpuMs?: number;
    /** nvidia-smi temperature. Default 15 s. */
    gpuTemperatureMs?: number;
    /** Session, idle and lock. Default 2 s. */
    sessionMs?: number;
    /** The fullscreen window (xprop). Default 1 s. */
    fullscreenMs?: number;
    /** Helper program timeout. Default 2 s (1 s for session helpers and xprop). */
    commandTimeoutMs?: number;
    /** Programs started (or exec'd) this recently are rechecked every pass. Default 30 s. */
    recentMs?: number;
    /** Long-running processes about this often. Default 15 s. */
    recheckMs?: number;
    /** Processes younger than this have their fds listed (for DRM clients) at every GPU probe. Default 2 min. */
    fdRecentMs?: number;
    /** Older processes' fds about this often. Default 5 min. */
    fdRescanMs?: number;
  };
}

/** The computer's IANA zone, as Intl resolves it; 'unknown' when it has none. */
export function systemTimeZone(): string {
  try {
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof zone === 'string' && zone !== '' ? zone : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Building a formatter to ask costs ~45 µs, a fifth of a whole pass: ask once
 * a minute. (Node itself only notices a new zone when TZ is set in its
 * environment; a changed /etc/localtime needs a restart anyway.)
 */
const ZONE_TTL_MS = 60_000;

/** Hwmon temperatures with NVIDIA's (from nvidia-smi) merged into `gpu`: the hottest. */
export function mergeTemperatures(sensors: Temperatures | Unknown, nvidiaCelsius: number | null): Temperatures | Unknown {
  if (nvidiaCelsius === null) return sensors;
  const base = sensors === 'unknown' ? {} : sensors;
  return { ...base, gpu: base.gpu === undefined ? nvidiaCelsius : Math.max(base.gpu, nvidiaCelsius) };
}

function guard<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

const NO_SESSION_INFO: SessionReading = { interactiveSession: 'unknown', screenLocked: 'unknown', idleSeconds: 'unknown' };

export class LinuxSignalSource implements SignalSource {
  readonly #root: string;
  readonly #ownPids: () => Iterable<number>;
  readonly #clock: () => number;
  readonly #table: ProcessTable;
  readonly #temperatures: TemperatureReader;
  readonly #gpu: GpuProbe;
  readonly #session: SessionProbe | null;
  readonly #fullscreen: FullscreenProbe;
  #zone = { name: 'unknown', at: Number.NEGATIVE_INFINITY };

  constructor(options: LinuxSignalOptions = {}) {
    const root = options.root ?? '/';
    const env = options.env ?? process.env;
    const clock = options.clock ?? Date.now;
    const run = options.run ?? execRunner;
    const find = options.findCommand ?? pathFinder(env.PATH);
    const timing = options.timing ?? {};
    this.#root = root;
    this.#ownPids = options.ownPids ?? (() => []);
    this.#clock = clock;
    this.#table = new ProcessTable({ root, recentMs: timing.recentMs, recheckMs: timing.recheckMs });
    this.#temperatures = new TemperatureReader(root);
    this.#gpu = new GpuProbe({
      root,
      run,
      find,
      clock,
      intervalMs: timing.gpuMs,
      temperatureIntervalMs: timing.gpuTemperatureMs,
      timeoutMs: timing.commandTimeoutMs,
      fdRecentMs: timing.fdRecentMs,
      fdRescanMs: timing.fdRescanMs,
    });
    this.#session =
      options.session === false ? null : new SessionProbe({ root, env, run, find, clock, intervalMs: timing.sessionMs, timeoutMs: timing.commandTimeoutMs ?? 1_000 });
    this.#fullscreen = new FullscreenProbe({ env, run, find, clock, intervalMs: timing.fullscreenMs, timeoutMs: timing.commandTimeoutMs ?? 1_000 });
  }

  /** The process table behind `processes` (its last pass's entries and counters). */
  get processTable(): ProcessTable {
    return this.#table;
  }

  #timeZone(now: number): string {
    if (now - this.#zone.at >= ZONE_TTL_MS || now < this.#zone.at) this.#zone = { name: systemTimeZone(), at: now };
    return this.#zone.name;
  }

  async read(): Promise<OsSignalsSnapshot> {
    const now = this.#clock();
    const own = guard(() => new Set(this.#ownPids()), new Set<number>());
    const processes = guard(() => this.#table.scan(now, own), 'unknown');
    const onBattery = guard(() => readOnBattery(this.#root), 'unknown');
    const sensors = guard(() => this.#temperatures.read(now), 'unknown');
    const [gpu, session, fullscreen] = await Promise.all([
      this.#gpu.read(now, this.#table).catch((): GpuReading => ({ users: 'unknown', nvidiaCelsius: null })),
      this.#session ? this.#session.read(now).catch(() => NO_SESSION_INFO) : Promise.resolve(NO_SESSION_INFO),
      this.#fullscreen
        .read(now, own, (pid) => this.#table.nameOf(pid))
        .catch((): FullscreenReading => ({ app: 'unknown', why: 'the fullscreen check failed' })),
    ]);
    return {
      now,
      timeZone: this.#timeZone(now),
      logicalCpus: guard(() => availableParallelism(), 1),
      interactiveSession: session.interactiveSession,
      screenLocked: session.screenLocked,
      idleSeconds: session.idleSeconds,
      onBattery,
      processes,
      fullscreenApp: fullscreen.app,
      ...(fullscreen.app === 'unknown' && fullscreen.why ? { fullscreenUnknownReason: fullscreen.why } : {}),
      gpuUsers: gpu.users,
      temperatures: mergeTemperatures(sensors, gpu.nvidiaCelsius),
    };
  }
}

export function createLinuxSignalSource(options: LinuxSignalOptions = {}): LinuxSignalSource {
  return new LinuxSignalSource(options);
}
