// The CPU cost of one Linux signal pass (LinuxSignalSource.read() against
// this machine's real /proc and /sys), for `npm run bench` (tests/bench/ may
// import this; it is not a test file). A quiet machine lists few processes,
// so the pass can be measured with the process count raised to `padTo` by
// idle `sleep` children (each costs a pass what any process costs: its
// /proc/PID/stat read now and then, its name resolved once). A fake clock
// steps one second per pass, as the node's tick does. Helper programs
// (nvidia-smi, loginctl) run in child processes whose CPU time is not counted.
//
// The GPU probe's fd scan (DRM clients, on AMD and Intel machines) is
// measured too, against the real /proc, through a root whose sys/ claims an
// amdgpu card.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxSignalSource } from '../../../../main/policy/sources/linux.ts';

export interface SignalsBench {
  /** Pids in /proc while measuring. */
  processes: number;
  /** The first read(): every process's name resolved. Microseconds of CPU. */
  coldPassCpuMicros: number;
  /** Steady state (processes older than the recent window): median wall time per read(), µs. */
  passMicros: number;
  /** Steady state: mean CPU time per read(), µs. */
  passCpuMicros: number;
  /** /proc/PID/stat files read per steady pass, mean. */
  statReadsPerPass: number;
  /** Worst case: every process started within the last 30 s (all rechecked every pass): mean CPU per read(), µs. */
  recentPassCpuMicros: number;
  /** With an AMD/Intel GPU: the first read(), every process's fds listed. CPU µs. */
  gpuColdPassCpuMicros: number;
  /** With an AMD/Intel GPU: a steady read() that probes the GPU (one in five), mean CPU µs. */
  gpuPassCpuMicros: number;
}

function countPids(): number {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function cpuOf(read: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await read();
  const used = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - start) * 1000, cpu: used.user + used.system };
}

async function measure(source: LinuxSignalSource, step: () => void, passes: number): Promise<{ walls: number[]; cpu: number; statReads: number }> {
  const walls: number[] = [];
  let cpu = 0;
  let statReads = 0;
  for (let i = 0; i < passes; i++) {
    step();
    const pass = await cpuOf(() => source.read());
    walls.push(pass.wall);
    cpu += pass.cpu;
    statReads += source.processTable.stats.statReads;
  }
  return { walls, cpu: cpu / passes, statReads: statReads / passes };
}

/** A root whose proc/ is the real /proc and whose sys/ shows one amdgpu card (and nothing else). */
function amdRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'hearth-bench-signals-'));
  symlinkSync('/proc', join(root, 'proc'));
  mkdirSync(join(root, 'sys/class/drm/card0/device'), { recursive: true });
  symlinkSync('../../../../bus/pci/drivers/amdgpu', join(root, 'sys/class/drm/card0/device/driver'));
  return root;
}

export async function benchSignals(options: { passes?: number; padTo?: number } = {}): Promise<SignalsBench> {
  const passes = options.passes ?? 60;
  const children: ChildProcess[] = [];
  const root = amdRoot();
  try {
    for (let missing = (options.padTo ?? 0) - countPids(); missing > 0; missing--) {
      children.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
    }
    const recentMs = 30_000;
    let now = Date.parse('2026-03-23T12:00:00Z');
    const source = new LinuxSignalSource({ clock: () => now, timing: { recentMs } });
    const cold = await cpuOf(() => source.read());
    const processes = source.processTable.stats.listed;
    // Every process seen moments ago: rechecked at each pass.
    const recent = await measure(source, () => (now += 1000), Math.min(passes, Math.floor(recentMs / 1000) - 2));
    // Then all of them older than the window: a few rechecked per pass.
    now += recentMs;
    await source.read();
    const steady = await measure(source, () => (now += 1000), passes);

    const gpuMs = 5000;
    const gpu = new LinuxSignalSource({ root, clock: () => now, session: false, findCommand: () => null, timing: { recentMs, gpuMs } });
    const gpuCold = await cpuOf(() => gpu.read());
    now += 10 * 60_000; // every process older than the fd-scan windows
    await gpu.read();
    // One-second passes; every fifth probes the GPU: those are measured.
    let gpuCpu = 0;
    const probes = Math.max(3, Math.floor(passes / 5));
    for (let i = 0; i < probes; i++) {
      for (let j = 1; j < gpuMs / 1000; j++) {
        now += 1000;
        await gpu.read();
      }
      now += 1000;
      gpuCpu += (await cpuOf(() => gpu.read())).cpu;
    }

    return {
      processes,
      coldPassCpuMicros: cold.cpu,
      passMicros: median(steady.walls),
      passCpuMicros: steady.cpu,
      statReadsPerPass: steady.statReads,
      recentPassCpuMicros: recent.cpu,
      gpuColdPassCpuMicros: gpuCold.cpu,
      gpuPassCpuMicros: gpuCpu / probes,
    };
  } finally {
    for (const child of children) child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}
