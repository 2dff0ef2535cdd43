import type { Unknown } from '../signals.ts';
import { Throttled, type CommandFinder, type CommandRunner } from './commands.ts';

/**
 * Is another app fullscreen? On X11 the window manager says so through EWMH:
 * the root window's `_NET_ACTIVE_WINDOW` names the focused window, and that
 * window's `_NET_WM_STATE` holds `_NET_WM_STATE_FULLSCREEN` while it fills
 * its screen. `xprop` reads both (two short runs, at most once a second, with
 * a timeout); the window's `_NET_WM_PID` names its process, whose executable
 * name the process table knows (WM_CLASS where no pid is set).
 *
 * 'unknown', with the reason, where this cannot be seen:
 * - no DISPLAY: a service has no connection to the desktop's X server (and
 *   no Xauthority), so it cannot ask;
 * - Wayland without X: Wayland does not tell one app about another's windows;
 * - Wayland with XWayland: only X11 apps can be seen, so a fullscreen one is
 *   caught, but "none is fullscreen" cannot be claimed;
 * - no xprop, a window manager without EWMH, a display that does not answer.
 * Hearth's own windows (own pids) never count: its window fullscreen is not
 * a game.
 */

export interface FullscreenReading {
  app: { name: string } | null | Unknown;
  /** Why `app` is 'unknown', in words for the Overview. */
  why?: string;
}

/** What `xprop -root _NET_ACTIVE_WINDOW _NET_SUPPORTING_WM_CHECK` says. */
export type ActiveWindow =
  /** An EWMH window manager runs and this window (hex id) has the focus. */
  | { kind: 'window'; id: string }
  /** An EWMH window manager runs and no window has the focus. */
  | { kind: 'none' }
  /** No EWMH window manager: nobody keeps `_NET_ACTIVE_WINDOW`. */
  | { kind: 'no-ewmh' };

export interface WindowProperties {
  fullscreen: boolean;
  pid: number | null;
  /** WM_CLASS: instance, then class ("xmessage", "Xmessage"); empty when not set. */
  wmClass: string[];
}

/** xprop prints `NAME(TYPE) = value`, `NAME: window id # 0x…` or `NAME:  not found.`; `-notype` drops `(TYPE)`. */
function properties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Za-z0-9_]*)(?:\([A-Za-z0-9_]+\))?(?: =|:)(.*)$/.exec(line.trimEnd());
    if (!match?.[1] || match[2] === undefined) continue;
    const value = match[2].trim();
    if (value === 'not found.' || value === 'no such atom on any window.') continue;
    values.set(match[1], value);
  }
  return values;
}

function windowId(value: string | undefined): string | null {
  const match = /window id # (0x[0-9a-f]+)/i.exec(value ?? '');
  return match?.[1] ? match[1].toLowerCase() : null;
}

export function parseActiveWindow(text: string): ActiveWindow {
  const values = properties(text);
  const active = windowId(values.get('_NET_ACTIVE_WINDOW'));
  const wm = windowId(values.get('_NET_SUPPORTING_WM_CHECK'));
  if (active !== null && Number.parseInt(active, 16) !== 0) return { kind: 'window', id: active };
  // A window manager that set neither (or the check only: nothing focused yet) — the check tells them apart.
  return active !== null || (wm !== null && Number.parseInt(wm, 16) !== 0) ? { kind: 'none' } : { kind: 'no-ewmh' };
}

export function parseWindowProperties(text: string): WindowProperties {
  const values = properties(text);
  const states = (values.get('_NET_WM_STATE') ?? '').split(',').map((state) => state.trim());
  const pidText = values.get('_NET_WM_PID') ?? '';
  const pid = /^\d+$/.test(pidText) ? Number(pidText) : null;
  const wmClass = [...(values.get('WM_CLASS') ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '').filter((name) => name !== '');
  return { fullscreen: states.includes('_NET_WM_STATE_FULLSCREEN'), pid: pid !== null && pid > 0 ? pid : null, wmClass };
}

export interface FullscreenProbeOptions {
  env: Readonly<Record<string, string | undefined>>;
  run: CommandRunner;
  find: CommandFinder;
  clock: () => number;
  /** Between two looks. Default 1 s: a game going fullscreen is seen within a second (it is usually caught by name first). */
  intervalMs?: number;
  /** Per xprop run. Default 1 s. */
  timeoutMs?: number;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The last line of a failed run (xprop's own complaint, e.g. "unable to open display"), short. */
function failure(error: unknown, timeoutMs: number): string {
  const cause = (error as { cause?: { killed?: boolean } } | null)?.cause;
  if (cause?.killed) return `xprop did not answer within ${timeoutMs} ms`;
  const text = error instanceof Error ? error.message : String(error);
  const last = text.split('\n').map((line) => line.trim()).filter((line) => line !== '').at(-1) ?? text;
  return last.length > 120 ? `${last.slice(0, 117)}…` : last;
}

export class FullscreenProbe {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #run: CommandRunner;
  readonly #find: CommandFinder;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #reading: Throttled<FullscreenReading>;

  constructor(options: FullscreenProbeOptions) {
    this.#env = options.env;
    this.#run = options.run;
    this.#find = options.find;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? 1_000;
    this.#reading = new Throttled(options.intervalMs ?? 1_000);
  }

  /** `own`: Hearth's pids; `nameOf`: a pid's executable name (the process table's), or null. */
  read(now: number, own: ReadonlySet<number>, nameOf: (pid: number) => string | null): Promise<FullscreenReading> {
    return this.#reading.get(now, () => this.#probe(own, nameOf), this.#clock);
  }

  async #probe(own: ReadonlySet<number>, nameOf: (pid: number) => string | null): Promise<FullscreenReading> {
    const display = this.#env.DISPLAY;
    const wayland = present(this.#env.WAYLAND_DISPLAY) || this.#env.XDG_SESSION_TYPE === 'wayland';
    if (!present(display)) {
      return wayland
        ? { app: 'unknown', why: 'Wayland does not let one app see the windows of another' }
        : { app: 'unknown', why: 'Hearth has no connection to the desktop (no DISPLAY), as when it runs as a service' };
    }
    // On Wayland only X11 apps (through XWayland) are visible: one of them fullscreen is certain, none is not.
    const nothing: FullscreenReading = wayland
      ? { app: 'unknown', why: 'on Wayland only X11 apps can be seen, and none of them is fullscreen' }
      : { app: null };
    let xprop: string | null;
    try {
      xprop = this.#find('xprop');
    } catch {
      xprop = null;
    }
    if (xprop === null) return { app: 'unknown', why: 'xprop is not installed (Debian and Ubuntu: x11-utils)' };

    // The display is named, not inherited: the source's environment is the one that counts.
    const on = ['-display', display];
    let active: ActiveWindow;
    try {
      active = parseActiveWindow(await this.#run(xprop, [...on, '-root', '_NET_ACTIVE_WINDOW', '_NET_SUPPORTING_WM_CHECK'], this.#timeoutMs));
    } catch (error) {
      return { app: 'unknown', why: `cannot read the display ${display}: ${failure(error, this.#timeoutMs)}` };
    }
    if (active.kind === 'no-ewmh') return { app: 'unknown', why: 'the window manager does not say which window is active (no EWMH)' };
    if (active.kind === 'none') return nothing;

    let window: WindowProperties;
    try {
      window = parseWindowProperties(await this.#run(xprop, [...on, '-id', active.id, '_NET_WM_STATE', '_NET_WM_PID', 'WM_CLASS'], this.#timeoutMs));
    } catch (error) {
      // The window is gone — closed between the two runs, or left named as active after closing (openbox does): not fullscreen.
      if (/BadWindow/.test(error instanceof Error ? error.message : String(error))) return nothing;
      return { app: 'unknown', why: `cannot read the active window: ${failure(error, this.#timeoutMs)}` };
    }
    if (!window.fullscreen) return nothing;
    if (window.pid !== null && own.has(window.pid)) return nothing;
    const name = (window.pid === null ? null : nameOf(window.pid)) ?? window.wmClass[0] ?? window.wmClass[1] ?? `window ${active.id}`;
    return { app: { name } };
  }
}
