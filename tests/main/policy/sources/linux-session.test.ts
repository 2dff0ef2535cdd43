import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../../main/policy/sources/commands.ts';
import { parseLoginctlShow, parseSessionFile, SessionProbe } from '../../../../main/policy/sources/linux-session.ts';
import { fixtures, tree } from './trees.ts';

const T0 = Date.parse('2026-03-23T12:00:00Z');
const micros = (ms: number): number => ms * 1000;

function probe(root: string, options: { env?: Record<string, string>; answers?: Record<string, string | Error>; installed?: string[] } = {}) {
  let now = T0;
  const calls: string[][] = [];
  const run: CommandRunner = (file, args) => {
    calls.push([file, ...args]);
    const answer = options.answers?.[file] ?? new Error(`${file}: not expected`);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const installed = new Set(options.installed ?? ['loginctl', 'xprintidle']);
  const session = new SessionProbe({ root, env: options.env ?? {}, run, find: (name) => (installed.has(name) ? name : null), clock: () => now });
  return {
    calls,
    read: (at = T0) => {
      now = at;
      return session.read(now);
    },
  };
}

const desktop = join(fixtures, 'desktop');

describe('desktop session', () => {
  it('asks logind about the active local graphical session: idle since the hint, not locked', async () => {
    const { read, calls } = probe(desktop, { answers: { loginctl: `IdleHint=yes\nIdleSinceHint=${micros(T0 - 600_000)}\nLockedHint=no\n` } });
    expect(await read()).toEqual({ interactiveSession: true, screenLocked: false, idleSeconds: 600 });
    // Session 2 (wayland, active), not 5 (a text console) or 9 (remote X11).
    expect(calls).toEqual([['loginctl', 'show-session', '2', '-p', 'IdleHint', '-p', 'IdleSinceHint', '-p', 'LockedHint']]);
  });

  it('asks at most every 2 s', async () => {
    const { read, calls } = probe(desktop, { answers: { loginctl: 'IdleHint=no\nIdleSinceHint=1\nLockedHint=no\n' } });
    await read(T0);
    await read(T0 + 1000);
    expect(calls).toHaveLength(1);
    await read(T0 + 2000);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['active user, hint kept by the desktop', `IdleHint=no\nIdleSinceHint=${micros(T0 - 5000)}\nLockedHint=no\n`, 0, false],
    ['nobody keeps the hint', 'IdleHint=no\nIdleSinceHint=0\nLockedHint=no\n', 'unknown', false],
    ['locked', `IdleHint=yes\nIdleSinceHint=${micros(T0 - 30_000)}\nLockedHint=yes\n`, 30, true],
    ['an old logind without LockedHint', 'IdleHint=no\nIdleSinceHint=0\n', 'unknown', 'unknown'],
  ])('%s', (_case, answer, idleSeconds, locked) => {
    expect(parseLoginctlShow(answer, T0)).toEqual({ idleSeconds, locked });
  });

  it("without loginctl, or when it fails: a desktop whose idle time and lock are 'unknown'", async () => {
    expect(await probe(desktop, { installed: [] }).read()).toEqual({ interactiveSession: true, screenLocked: 'unknown', idleSeconds: 'unknown' });
    expect(await probe(desktop, { answers: { loginctl: new Error('timed out') } }).read()).toEqual({ interactiveSession: true, screenLocked: 'unknown', idleSeconds: 'unknown' });
  });

  it("X11 with xprintidle: exact idle time; under Wayland xprintidle is not asked (it sees only X clients' input)", async () => {
    const answers = { xprintidle: '12345\n', loginctl: 'IdleHint=no\nIdleSinceHint=0\nLockedHint=no\n' };
    expect(await probe(desktop, { env: { DISPLAY: ':0' }, answers }).read()).toEqual({ interactiveSession: true, screenLocked: false, idleSeconds: 12.345 });
    const wayland = probe(desktop, { env: { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' }, answers });
    expect((await wayland.read()).idleSeconds).toBe('unknown');
    expect(wayland.calls.map((call) => call[0])).toEqual(['loginctl']);
  });

  it('a login screen (greeter session) counts as locked', async () => {
    const root = tree({ 'run/systemd/sessions/c1': 'ACTIVE=1\nSTATE=active\nREMOTE=0\nTYPE=wayland\nCLASS=greeter\n' });
    const { read, calls } = probe(root);
    expect(await read()).toEqual({ interactiveSession: true, screenLocked: true, idleSeconds: 'unknown' });
    expect(calls).toEqual([]);
  });

  it('reads session files', () => {
    expect(parseSessionFile('2', '# This is private data.\nACTIVE=1\nREMOTE=0\nTYPE=wayland\nCLASS=user\nSTATE=active\n')).toEqual({
      id: '2',
      active: true,
      remote: false,
      type: 'wayland',
      sessionClass: 'user',
      state: 'active',
    });
  });
});

describe('no desktop', () => {
  it('headless: no graphical session, no display in the environment, no X server → interactiveSession false, nothing run', async () => {
    const { read, calls } = probe(join(fixtures, 'thermal-only'));
    expect(await read()).toEqual({ interactiveSession: false, screenLocked: 'unknown', idleSeconds: 'unknown' });
    expect(calls).toEqual([]);
  });

  it('only a remote X11 session or a text console: no desktop', async () => {
    const root = tree({
      'run/systemd/sessions/9': 'ACTIVE=0\nSTATE=online\nREMOTE=1\nTYPE=x11\nCLASS=user\n',
      'run/systemd/sessions/5': 'ACTIVE=1\nSTATE=active\nREMOTE=0\nTYPE=tty\nCLASS=user\n',
    });
    expect((await probe(root).read()).interactiveSession).toBe(false);
  });

  it('an X server socket (startx from a console) or a DISPLAY is a desktop', async () => {
    expect(await probe(tree({ 'tmp/.X11-unix/X0': '' })).read()).toEqual({ interactiveSession: true, screenLocked: 'unknown', idleSeconds: 'unknown' });
    expect((await probe(join(fixtures, 'thermal-only'), { env: { WAYLAND_DISPLAY: 'wayland-0' } }).read()).interactiveSession).toBe(true);
  });
});
