// Test helpers: a real X display for the fullscreen check — Xvfb, optionally
// openbox (a small window manager that keeps the EWMH hints), an xmessage
// window to focus and make fullscreen with wmctrl. Debian: xvfb, x11-utils
// (xprop, xmessage), openbox, wmctrl; .ci/setup installs them. Every process
// started here is ended by close(), by its own pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathFinder } from '../../../../main/policy/sources/commands.ts';
import { parseActiveWindow, parseWindowProperties } from '../../../../main/policy/sources/linux-fullscreen.ts';

const TOOLS = ['Xvfb', 'xprop', 'xmessage', 'openbox', 'wmctrl'] as const;

/** The programs this needs that are not on PATH. */
export function missingXTools(): string[] {
  const find = pathFinder(process.env.PATH, 0);
  return TOOLS.filter((tool) => find(tool) === null);
}

export interface XWindow {
  id: string;
  /** The xmessage process that owns it. */
  pid: number;
}

export interface XSession {
  /** ":N" */
  display: string;
  /** What a signal source is given: this display and PATH, no Wayland. */
  env: Record<string, string>;
  xprop(args: readonly string[]): Promise<string>;
  /** An xmessage window named `name` (its WM_CLASS instance); resolves once it has the focus. */
  openWindow(name: string): Promise<XWindow>;
  setFullscreen(window: XWindow, on: boolean): Promise<void>;
  /** Sets the window's _NET_WM_PID, as most toolkits do (xmessage does not). */
  setPid(window: XWindow, pid: number): Promise<void>;
  closeWindow(window: XWindow): Promise<void>;
  close(): void;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - start > timeoutMs) throw new Error(`X session: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Xvfb on a free display (it picks the number itself: -displayfd), and openbox unless `windowManager` is false. */
export async function startXSession(options: { windowManager?: boolean } = {}): Promise<XSession> {
  const children: ChildProcess[] = [];
  const close = (): void => {
    for (const child of children.reverse()) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
  };
  try {
    const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    children.push(server);
    const display = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
      server.once('exit', (code) => reject(new Error(`Xvfb exited (${code ?? 'signal'})`)));
      server.stdio[3]?.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /^(\d+)\n/.exec(text);
        if (match) {
          clearTimeout(timer);
          resolve(`:${match[1]}`);
        }
      });
    });
    const env = { DISPLAY: display, PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const spawnEnv = { ...process.env, ...env, WAYLAND_DISPLAY: '' };
    /** A program on this display; resolves with its stdout, rejects on a non-zero exit. */
    const runX = (file: string, args: readonly string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(file, [...args], { env: spawnEnv, stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} ${args.join(' ')}: exit ${code ?? 'signal'}`))));
      });
    const xprop = (args: readonly string[]): Promise<string> => runX('xprop', args);
    if (options.windowManager !== false) {
      children.push(spawn('openbox', ['--sm-disable'], { env: spawnEnv, stdio: 'ignore' }));
      await until('openbox', async () => parseActiveWindow(await xprop(['-root', '_NET_SUPPORTING_WM_CHECK'])).kind !== 'no-ewmh');
    }
    const state = async (window: XWindow): Promise<boolean> => parseWindowProperties(await xprop(['-id', window.id, '_NET_WM_STATE'])).fullscreen;
    return {
      display,
      env,
      xprop,
      async openWindow(name) {
        const child = spawn('xmessage', ['-name', name, `Hearth test window ${name}`], { env: spawnEnv, stdio: 'ignore' });
        children.push(child);
        let id = '';
        await until(`window ${name} focused`, async () => {
          const active = parseActiveWindow(await xprop(['-root', '_NET_ACTIVE_WINDOW', '_NET_SUPPORTING_WM_CHECK']));
          if (active.kind !== 'window') return false;
          id = active.id;
          return parseWindowProperties(await xprop(['-id', id, 'WM_CLASS'])).wmClass[0] === name;
        });
        return { id, pid: child.pid ?? -1 };
      },
      async setFullscreen(window, on) {
        await runX('wmctrl', ['-i', '-r', window.id, '-b', `${on ? 'add' : 'remove'},fullscreen`]);
        await until(`fullscreen ${String(on)}`, async () => (await state(window)) === on);
      },
      async setPid(window, pid) {
        await xprop(['-id', window.id, '-f', '_NET_WM_PID', '32c', '-set', '_NET_WM_PID', String(pid)]);
      },
      async closeWindow(window) {
        process.kill(window.pid, 'SIGTERM');
        await until('window closed', async () => {
          const active = parseActiveWindow(await xprop(['-root', '_NET_ACTIVE_WINDOW', '_NET_SUPPORTING_WM_CHECK']));
          if (active.kind !== 'window' || active.id !== window.id) return true;
          return xprop(['-id', window.id, 'WM_CLASS']).then(
            () => false,
            () => true,
          );
        });
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
