// The CPU cost of the fullscreen check (two xprop runs a look, one look a
// second), for `npm run bench` and the Xvfb test (tests/bench/ may import
// this; it is not a test file). Measured on a real X display (Xvfb, openbox)
// with a fullscreen window focused, the costly case: both runs happen. The
// xprop processes' own CPU time counts too — Hearth pays for them — read from
// this process's cutime/cstime (children it has waited for) in
// /proc/self/stat, in clock ticks (10 ms here), hence many looks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { execRunner, pathFinder } from '../../../../main/policy/sources/commands.ts';
import { FullscreenProbe } from '../../../../main/policy/sources/linux-fullscreen.ts';
import { missingXTools, startXSession } from './xvfb.ts';

export interface FullscreenBench {
  looks: number;
  /** Median wall time of one look (both xprop runs), µs. */
  lookMicros: number;
  /** Mean CPU of one look in Hearth's process (spawning, parsing), µs. */
  ownCpuMicros: number;
  /** Mean CPU of the two xprop processes of one look, µs. */
  xpropCpuMicros: number;
  /** What the look found (a check that it worked). */
  found: string;
}

function childTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, cutime 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** `{ missing }`, naming them, where the X tools are not installed. */
export async function benchFullscreen(options: { looks?: number } = {}): Promise<FullscreenBench | { missing: string[] }> {
  const missing = missingXTools();
  if (missing.length > 0) return { missing };
  const looks = options.looks ?? 100;
  const x = await startXSession();
  try {
    const window = await x.openWindow('hearth-bench-game');
    await x.setPid(window, window.pid);
    await x.setFullscreen(window, true);
    let now = Date.parse('2026-03-23T12:00:00Z');
    const probe = new FullscreenProbe({ env: x.env, run: execRunner, find: pathFinder(x.env.PATH), clock: () => now });
    const none = new Set<number>();
    const nameOf = (): string => 'xmessage';
    const first = await probe.read(now, none, nameOf);
    const walls: number[] = [];
    const hz = ticksPerSecond();
    const ticksBefore = childTicks();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < looks; i++) {
      now += 1_000;
      const start = performance.now();
      await probe.read(now, none, nameOf);
      walls.push((performance.now() - start) * 1000);
    }
    const own = process.cpuUsage(cpuBefore);
    const xprop = ((childTicks() - ticksBefore) / hz) * 1e6;
    walls.sort((a, b) => a - b);
    return {
      looks,
      lookMicros: walls[Math.floor(walls.length / 2)] ?? Number.NaN,
      ownCpuMicros: (own.user + own.system) / looks,
      xpropCpuMicros: xprop / looks,
      found: typeof first.app === 'object' && first.app !== null ? first.app.name : String(first.app),
    };
  } finally {
    x.close();
  }
}
