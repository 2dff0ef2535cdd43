// The fullscreen check against a real X server (Xvfb), a real EWMH window
// manager (openbox) and a real window made fullscreen by wmctrl, read through
// the Linux signal source with this machine's /proc. Skipped, saying what is
// missing, where the X tools are not installed (.ci/setup installs them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../../shared/limits.ts';
import { decide } from '../../../../main/policy/engine.ts';
import { LinuxSignalSource } from '../../../../main/policy/sources/linux.ts';
import type { OsSignalsSnapshot } from '../../../../main/policy/signals.ts';
import { freshState } from '../simulate.ts';
import { benchFullscreen } from './linux-fullscreen.bench-helper.ts';
import { missingXTools, startXSession, type XSession } from './xvfb.ts';

const missing = missingXTools();
const title = missing.length === 0 ? 'the fullscreen check under Xvfb' : `the fullscreen check under Xvfb (skipped: ${missing.join(', ')} not installed)`;
// No game list and no GPU-user check: only the fullscreen window may pause.
const fullscreenOnly = { ...defaultLimits, gaming: { ...defaultLimits.gaming, programs: [], pauseOnOtherGpuUsers: false } };

describe.skipIf(missing.length > 0)(title, () => {
  let x: XSession;
  let now = Date.parse('2026-03-23T12:00:00Z');
  let own: number[] = [];

  beforeAll(async () => {
    x = await startXSession();
  }, 30_000);
  afterAll(() => x?.close());

  function source(env: Record<string, string>): LinuxSignalSource {
    return new LinuxSignalSource({ env, session: false, clock: () => now, ownPids: () => own, timing: { gpuMs: 60_000 } });
  }

  /** Reads (a second later each time, past the check's interval) until `fullscreenApp` is `expected`; the window manager applies changes asynchronously. */
  async function readUntil(signals: LinuxSignalSource, expected: OsSignalsSnapshot['fullscreenApp']): Promise<OsSignalsSnapshot> {
    const start = Date.now();
    for (;;) {
      now += 1_000;
      const snapshot = await signals.read();
      if (JSON.stringify(snapshot.fullscreenApp) === JSON.stringify(expected) || Date.now() - start > 5_000) return snapshot;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('follows a window into fullscreen and out, names it, ignores Hearth’s own, and pauses for it', async () => {
    const signals = source(x.env);
    expect((await readUntil(signals, null)).fullscreenApp).toBeNull();

    const window = await x.openWindow('hearth-test-game');
    expect((await readUntil(signals, null)).fullscreenApp).toBeNull();

    await x.setFullscreen(window, true);
    // No _NET_WM_PID (xmessage sets none): named by its window class.
    expect((await readUntil(signals, { name: 'hearth-test-game' })).fullscreenApp).toEqual({ name: 'hearth-test-game' });
    // With one: named by its process's executable, from /proc.
    await x.setPid(window, window.pid);
    const snapshot = await readUntil(signals, { name: 'xmessage' });
    expect(snapshot.fullscreenApp).toEqual({ name: 'xmessage' });
    expect(decide(fullscreenOnly, { ...snapshot, interactiveSession: true }, freshState()).reasons[0]).toEqual({ code: 'fullscreen', text: 'Paused: xmessage is fullscreen' });

    own = [window.pid];
    expect((await readUntil(signals, null)).fullscreenApp).toBeNull();
    own = [];
    expect((await readUntil(signals, { name: 'xmessage' })).fullscreenApp).toEqual({ name: 'xmessage' });

    await x.setFullscreen(window, false);
    expect((await readUntil(signals, null)).fullscreenApp).toBeNull();
    await x.setFullscreen(window, true);
    await x.closeWindow(window);
    expect((await readUntil(signals, null)).fullscreenApp).toBeNull();
  });

  it('under XWayland, catches a fullscreen X11 app but calls "none" unknown', async () => {
    const signals = source({ ...x.env, WAYLAND_DISPLAY: 'wayland-0' });
    const window = await x.openWindow('hearth-test-xwayland');
    const windowed = await readUntil(signals, 'unknown');
    expect(windowed).toMatchObject({ fullscreenApp: 'unknown', fullscreenUnknownReason: 'on Wayland only X11 apps can be seen, and none of them is fullscreen' });
    await x.setFullscreen(window, true);
    expect((await readUntil(signals, { name: 'hearth-test-xwayland' })).fullscreenApp).toEqual({ name: 'hearth-test-xwayland' });
    await x.closeWindow(window);
  });

  it('says so when no EWMH window manager runs, or the display is gone', async () => {
    const bare = await startXSession({ windowManager: false });
    try {
      const snapshot = await source(bare.env).read();
      expect(snapshot).toMatchObject({ fullscreenApp: 'unknown', fullscreenUnknownReason: 'the window manager does not say which window is active (no EWMH)' });
    } finally {
      bare.close();
    }
    const gone = await source({ ...x.env, DISPLAY: ':999' }).read();
    expect(gone.fullscreenApp).toBe('unknown');
    expect(gone.fullscreenUnknownReason).toMatch(/^cannot read the display :999: .*unable to open display/);
  });

  it('measures its CPU cost: two xprop runs a second', async () => {
    const bench = await benchFullscreen({ looks: 60 });
    if ('missing' in bench) throw new Error(`X tools missing: ${bench.missing.join(', ')}`);
    console.log(
      `fullscreen check, one look (2 xprop runs): ${bench.lookMicros.toFixed(0)} µs wall; CPU ${bench.ownCpuMicros.toFixed(0)} µs in Hearth + ${bench.xpropCpuMicros.toFixed(0)} µs in xprop = ${((bench.ownCpuMicros + bench.xpropCpuMicros) / 1e4).toFixed(2)} % of a core at one look a second`,
    );
    expect(bench.found).toBe('xmessage');
  });
});
