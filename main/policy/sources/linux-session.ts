import type { Unknown } from '../signals.ts';
import { Throttled, type CommandFinder, type CommandRunner } from './commands.ts';
import { listDir, listOrEmpty, readSmall, rooted } from './linux-files.ts';

/**
 * Is there a desktop someone can sit at, and how long has its user been away?
 *
 * A desktop exists when logind knows a local graphical session
 * (/run/systemd/sessions/ID: TYPE x11/wayland/mir, REMOTE 0: the files
 * sd-login reads, so also with elogind), when Hearth's own environment names a
 * display (DISPLAY, WAYLAND_DISPLAY), or when an X server's socket exists
 * (/tmp/.X11-unix/X0: startx from a text console registers no graphical
 * session). Headless mode usually runs as a service without DISPLAY while a
 * gamer sits at the same machine: hence logind first, not the environment.
 *
 * Idle time and lock, where there is a desktop:
 * - `xprintidle` (X11 only, if installed and Hearth has the DISPLAY): exact
 *   milliseconds since the last input. Under Wayland it would only see input
 *   to X clients, so it is not used there.
 * - `loginctl show-session ID -p IdleHint -p IdleSinceHint -p LockedHint`:
 *   GNOME, KDE and other session managers set these. IdleHint "yes" since T
 *   → idle for now − T (a lower bound: the desktop waits its own idle delay,
 *   often 5 min, before setting it); "no" with a T → the user is active → 0;
 *   "no" and no T ever set → nobody maintains the hint → 'unknown'.
 *   LockedHint gives screenLocked. A login screen (greeter session) counts
 *   as locked: nobody is logged in at the desktop.
 * Neither → 'unknown'. Without a desktop both stay 'unknown' and
 * interactiveSession is false: the engine then skips idle-only mode.
 */

const GRAPHICAL: ReadonlySet<string> = new Set(['x11', 'wayland', 'mir']);

export interface LogindSession {
  id: string;
  active: boolean;
  remote: boolean;
  /** "x11", "wayland", "tty"…; null when not written. */
  type: string | null;
  /** "user", "greeter", "lock-screen"… */
  sessionClass: string | null;
  state: string | null;
}

/** One /run/systemd/sessions/ID file (KEY=VALUE lines). */
export function parseSessionFile(id: string, text: string): LogindSession {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0 && !line.startsWith('#')) values.set(line.slice(0, equals), line.slice(equals + 1).trim());
  }
  return {
    id,
    active: values.get('ACTIVE') === '1',
    remote: values.get('REMOTE') === '1',
    type: values.get('TYPE') ?? null,
    sessionClass: values.get('CLASS') ?? null,
    state: values.get('STATE') ?? null,
  };
}

export interface IdleReading {
  idleSeconds: number | Unknown;
  locked: boolean | Unknown;
}

/** `loginctl show-session ID -p IdleHint -p IdleSinceHint -p LockedHint` → idle seconds and lock (see the module comment). */
export function parseLoginctlShow(text: string, now: number): IdleReading {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals).trim(), line.slice(equals + 1).trim());
  }
  const hint = values.get('IdleHint');
  const since = Number(values.get('IdleSinceHint') ?? 'NaN');
  let idleSeconds: number | Unknown = 'unknown';
  if (Number.isFinite(since) && since > 0) {
    if (hint === 'yes') idleSeconds = Math.max(0, (now - since / 1000) / 1000);
    else if (hint === 'no') idleSeconds = 0;
  }
  const lockedHint = values.get('LockedHint');
  const locked = lockedHint === 'yes' ? true : lockedHint === 'no' ? false : 'unknown';
  return { idleSeconds, locked };
}

export interface SessionReading {
  interactiveSession: boolean | Unknown;
  screenLocked: boolean | Unknown;
  idleSeconds: number | Unknown;
}

export interface SessionProbeOptions {
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  run: CommandRunner;
  find: CommandFinder;
  clock: () => number;
  /** Between two looks (session files, loginctl, xprintidle). Default 2 s. */
  intervalMs?: number;
  timeoutMs?: number;
}

const present = (value: string | undefined): boolean => value !== undefined && value !== '';

export class SessionProbe {
  readonly #root: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #run: CommandRunner;
  readonly #find: CommandFinder;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #reading: Throttled<SessionReading>;

  constructor(options: SessionProbeOptions) {
    this.#root = options.root;
    this.#env = options.env;
    this.#run = options.run;
    this.#find = options.find;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#reading = new Throttled(options.intervalMs ?? 2_000);
  }

  read(now: number): Promise<SessionReading> {
    return this.#reading.get(now, () => this.#probe(), this.#clock);
  }

  /** Local graphical logind sessions; null when logind's directory cannot be listed (no logind). */
  #graphicalSessions(): LogindSession[] | null {
    const dir = rooted(this.#root, 'run/systemd/sessions');
    const listing = listDir(dir);
    if (!listing.ok) return null;
    const sessions: LogindSession[] = [];
    for (const id of listing.names) {
      if (id.startsWith('.') || id.endsWith('.ref')) continue;
      const text = readSmall(`${dir}/${id}`);
      if (text === null) continue;
      const session = parseSessionFile(id, text);
      if (session.type !== null && GRAPHICAL.has(session.type) && !session.remote && session.state !== 'closing') sessions.push(session);
    }
    return sessions;
  }

  async #probe(): Promise<SessionReading> {
    const none: SessionReading = { interactiveSession: false, screenLocked: 'unknown', idleSeconds: 'unknown' };
    try {
      const sessions = this.#graphicalSessions() ?? [];
      const x11 = present(this.#env.DISPLAY) && !present(this.#env.WAYLAND_DISPLAY) && this.#env.XDG_SESSION_TYPE !== 'wayland';
      const display = present(this.#env.DISPLAY) || present(this.#env.WAYLAND_DISPLAY);
      const xServer = listOrEmpty(rooted(this.#root, 'tmp/.X11-unix')).some((name) => /^X\d+$/.test(name));
      if (sessions.length === 0 && !display && !xServer) return none;

      const session = sessions.find((candidate) => candidate.active) ?? sessions[0];
      const greeter = session?.sessionClass === 'greeter' || session?.sessionClass === 'lock-screen';
      const xprintidle = x11 ? this.#find('xprintidle') : null;
      const loginctl = session !== undefined && !greeter ? this.#find('loginctl') : null;
      const [fromX, fromLogind] = await Promise.all([
        xprintidle === null ? null : this.#xprintidle(xprintidle),
        loginctl === null || session === undefined ? null : this.#loginctl(loginctl, session.id),
      ]);
      return {
        interactiveSession: true,
        screenLocked: greeter ? true : (fromLogind?.locked ?? 'unknown'),
        idleSeconds: fromX ?? fromLogind?.idleSeconds ?? 'unknown',
      };
    } catch {
      return { interactiveSession: 'unknown', screenLocked: 'unknown', idleSeconds: 'unknown' };
    }
  }

  async #xprintidle(path: string): Promise<number | null> {
    try {
      const text = (await this.#run(path, [], this.#timeoutMs)).trim();
      return /^\d+$/.test(text) ? Number(text) / 1000 : null;
    } catch {
      return null;
    }
  }

  async #loginctl(path: string, id: string): Promise<IdleReading | null> {
    try {
      const text = await this.#run(path, ['show-session', id, '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'LockedHint'], this.#timeoutMs);
      return parseLoginctlShow(text, this.#clock());
    } catch {
      return null;
    }
  }
}
