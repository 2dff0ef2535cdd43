import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../../shared/limits.ts';
import { decide } from '../../../../main/policy/engine.ts';
import type { CommandRunner } from '../../../../main/policy/sources/commands.ts';
import { FullscreenProbe, parseActiveWindow, parseWindowProperties, type FullscreenProbeOptions } from '../../../../main/policy/sources/linux-fullscreen.ts';
import { LinuxSignalSource } from '../../../../main/policy/sources/linux.ts';
import { freshState } from '../simulate.ts';
import { fixtures } from './trees.ts';

const T0 = Date.parse('2026-03-23T12:00:00Z');
const xprop = (name: string): string => readFileSync(join(fixtures, 'xprop', `${name}.txt`), 'utf8');

describe('xprop output', () => {
  it('names the active window, or says nothing is focused, or that no EWMH window manager runs', () => {
    expect(parseActiveWindow(xprop('root-openbox-active'))).toEqual({ kind: 'window', id: '0x400030' });
    expect(parseActiveWindow(xprop('root-nothing-focused'))).toEqual({ kind: 'none' });
    expect(parseActiveWindow(xprop('root-openbox-before-first-window'))).toEqual({ kind: 'none' });
    expect(parseActiveWindow(xprop('root-no-window-manager'))).toEqual({ kind: 'no-ewmh' });
    expect(parseActiveWindow('')).toEqual({ kind: 'no-ewmh' });
  });

  it("reads the window's state, pid and class, with or without types", () => {
    expect(parseWindowProperties(xprop('window-xmessage-normal'))).toEqual({ fullscreen: false, pid: null, wmClass: ['xmessage', 'Xmessage'] });
    expect(parseWindowProperties(xprop('window-xmessage-fullscreen'))).toEqual({ fullscreen: true, pid: null, wmClass: ['xmessage', 'Xmessage'] });
    expect(parseWindowProperties(xprop('window-fullscreen-with-pid'))).toEqual({ fullscreen: true, pid: 4242, wmClass: ['xmessage', 'Xmessage'] });
    expect(parseWindowProperties(xprop('window-fullscreen-notype'))).toEqual({ fullscreen: true, pid: 4242, wmClass: ['xmessage', 'Xmessage'] });
    // A maximised, focused window (GNOME) is not fullscreen; a Proton game's class names its Steam app.
    const maximised = '_NET_WM_STATE(ATOM) = _NET_WM_STATE_MAXIMIZED_VERT, _NET_WM_STATE_MAXIMIZED_HORZ, _NET_WM_STATE_FOCUSED\n_NET_WM_PID(CARDINAL) = 0\nWM_CLASS(STRING) = "steam_app_1245620", "steam_app_1245620"\n';
    expect(parseWindowProperties(maximised)).toEqual({ fullscreen: false, pid: null, wmClass: ['steam_app_1245620', 'steam_app_1245620'] });
    expect(parseWindowProperties('WM_CLASS(STRING) = "a \\"b\\"", "C"\n').wmClass).toEqual(['a \\"b\\"', 'C']);
  });
});

/** A fake xprop: the root's answer, then the active window's. */
function fakeXprop(root: string, window: string | Error, calls: string[][] = []): CommandRunner {
  return (_file, args) => {
    calls.push([...args]);
    if (args.includes('-root')) return Promise.resolve(root);
    return window instanceof Error ? Promise.reject(window) : Promise.resolve(window);
  };
}

function probe(patch: Partial<FullscreenProbeOptions> = {}): FullscreenProbe {
  return new FullscreenProbe({
    env: { DISPLAY: ':0' },
    find: (name) => `/usr/bin/${name}`,
    run: fakeXprop(xprop('root-openbox-active'), xprop('window-fullscreen-with-pid')),
    clock: () => T0,
    ...patch,
  });
}

const names = (pid: number): string | null => (pid === 4242 ? 'eldenring.exe' : null);
const none = new Set<number>();

describe('the fullscreen check', () => {
  it("names the fullscreen app by its process's executable, else by its window class", async () => {
    expect(await probe().read(T0, none, names)).toEqual({ app: { name: 'eldenring.exe' } });
    expect(await probe().read(T0, none, () => null)).toEqual({ app: { name: 'xmessage' } });
    const noPid = probe({ run: fakeXprop(xprop('root-openbox-active'), xprop('window-xmessage-fullscreen')) });
    expect(await noPid.read(T0, none, names)).toEqual({ app: { name: 'xmessage' } });
  });

  it('ignores Hearth’s own windows, and a window that is not fullscreen or is gone', async () => {
    expect(await probe().read(T0, new Set([4242]), names)).toEqual({ app: null });
    expect(await probe({ run: fakeXprop(xprop('root-openbox-active'), xprop('window-xmessage-normal')) }).read(T0, none, names)).toEqual({ app: null });
    expect(await probe({ run: fakeXprop(xprop('root-nothing-focused'), '') }).read(T0, none, names)).toEqual({ app: null });
    const gone = new Error('/usr/bin/xprop: Command failed\nX Error of failed request:  BadWindow (invalid Window parameter)\n');
    expect(await probe({ run: fakeXprop(xprop('root-openbox-active'), gone) }).read(T0, none, names)).toEqual({ app: null });
  });

  it('is unknown, with the reason, where it cannot see', async () => {
    const calls: string[][] = [];
    const run = fakeXprop(xprop('root-openbox-active'), xprop('window-fullscreen-with-pid'), calls);
    expect(await probe({ env: {}, run }).read(T0, none, names)).toEqual({
      app: 'unknown',
      why: 'Hearth has no connection to the desktop (no DISPLAY), as when it runs as a service',
    });
    expect(await probe({ env: { WAYLAND_DISPLAY: 'wayland-0' }, run }).read(T0, none, names)).toEqual({
      app: 'unknown',
      why: 'Wayland does not let one app see the windows of another',
    });
    expect(calls).toEqual([]);
    expect(await probe({ find: () => null }).read(T0, none, names)).toEqual({ app: 'unknown', why: 'xprop is not installed (Debian and Ubuntu: x11-utils)' });
    const throwing = probe({
      find: () => {
        throw new Error('no PATH');
      },
    });
    expect((await throwing.read(T0, none, names)).app).toBe('unknown');
    expect(await probe({ run: fakeXprop(xprop('root-no-window-manager'), '') }).read(T0, none, names)).toEqual({
      app: 'unknown',
      why: 'the window manager does not say which window is active (no EWMH)',
    });
  });

  it('says why xprop failed: the display refused, or no answer in time', async () => {
    const refused: CommandRunner = () => Promise.reject(new Error("/usr/bin/xprop: Command failed: /usr/bin/xprop -root\nxprop:  unable to open display ':0'\n"));
    expect(await probe({ run: refused }).read(T0, none, names)).toEqual({ app: 'unknown', why: "cannot read the display :0: xprop:  unable to open display ':0'" });
    const hung: CommandRunner = () => Promise.reject(new Error('/usr/bin/xprop: Command failed', { cause: { killed: true, signal: 'SIGKILL' } }));
    expect(await probe({ run: hung, timeoutMs: 500 }).read(T0, none, names)).toEqual({ app: 'unknown', why: 'cannot read the display :0: xprop did not answer within 500 ms' });
  });

  it('under XWayland, sees a fullscreen X11 app but cannot claim that none is fullscreen', async () => {
    const env = { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' };
    expect(await probe({ env }).read(T0, none, names)).toEqual({ app: { name: 'eldenring.exe' } });
    const windowed = probe({ env, run: fakeXprop(xprop('root-openbox-active'), xprop('window-xmessage-normal')) });
    expect(await windowed.read(T0, none, names)).toEqual({ app: 'unknown', why: 'on Wayland only X11 apps can be seen, and none of them is fullscreen' });
  });

  it('runs xprop twice a look, at most once a second, with the timeout', async () => {
    const calls: string[][] = [];
    const timeouts: number[] = [];
    const inner = fakeXprop(xprop('root-openbox-active'), xprop('window-fullscreen-with-pid'), calls);
    let now = T0;
    const checker = probe({
      clock: () => now,
      timeoutMs: 700,
      run: (file, args, timeoutMs) => {
        timeouts.push(timeoutMs);
        return inner(file, args, timeoutMs);
      },
    });
    for (let i = 0; i < 4; i++) {
      await checker.read(now, none, names);
      now += 250; // the node's signal pass
    }
    expect(calls).toEqual([
      ['-display', ':0', '-root', '_NET_ACTIVE_WINDOW', '_NET_SUPPORTING_WM_CHECK'],
      ['-display', ':0', '-id', '0x400030', '_NET_WM_STATE', '_NET_WM_PID', 'WM_CLASS'],
    ]);
    expect(timeouts).toEqual([700, 700]);
    await checker.read(now, none, names);
    expect(calls).toHaveLength(4);
  });
});

describe('the Linux source with the fullscreen check', () => {
  const desktop = join(fixtures, 'desktop');
  // No game list, no GPU-user check: the fixture's ROCm job (pid 1700) would pause first.
  const noGames = { ...defaultLimits, gaming: { ...defaultLimits.gaming, programs: [], pauseOnOtherGpuUsers: false } };

  it('pauses for a fullscreen app, named by its process (Elden Ring under Proton, pid 1300)', async () => {
    const window = '_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN, _NET_WM_STATE_FOCUSED\n_NET_WM_PID(CARDINAL) = 1300\nWM_CLASS(STRING) = "steam_app_1245620", "steam_app_1245620"\n';
    const source = new LinuxSignalSource({
      root: desktop,
      env: { DISPLAY: ':0' },
      clock: () => T0,
      session: false,
      findCommand: (name) => (name === 'xprop' ? '/usr/bin/xprop' : null),
      run: fakeXprop(xprop('root-openbox-active'), window),
    });
    const snapshot = await source.read();
    expect(snapshot.fullscreenApp).toEqual({ name: 'eldenring.exe' });
    expect(snapshot).not.toHaveProperty('fullscreenUnknownReason');
    expect(decide(noGames, { ...snapshot, interactiveSession: true }, freshState()).reasons[0]).toEqual({
      code: 'fullscreen',
      text: 'Paused: Elden Ring is fullscreen (eldenring.exe)',
    });
  });

  it('tells the engine why it cannot see, and the engine says it', async () => {
    const source = new LinuxSignalSource({ root: desktop, env: { WAYLAND_DISPLAY: 'wayland-0' }, clock: () => T0, session: false, findCommand: () => null });
    const snapshot = await source.read();
    expect(snapshot).toMatchObject({ fullscreenApp: 'unknown', fullscreenUnknownReason: 'Wayland does not let one app see the windows of another' });
    const decision = decide(noGames, { ...snapshot, interactiveSession: true }, freshState());
    expect(decision.reasons).toContainEqual({
      code: 'fullscreen-unknown',
      text: 'Fullscreen detection unavailable here: Wayland does not let one app see the windows of another',
    });
  });
});
