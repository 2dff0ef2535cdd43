// The CPU cost of one game-detection pass, for `npm run bench` (tests/bench/
// imports this; it is not a test file). A pass matches a realistic 500-process
// list (mostly system and background processes, some with full paths, a few
// duplicates, no game: the common case, and the worst, since every process is
// looked at) against the default gaming list. Each pass gets freshly made
// strings, as a signal source parsing the OS's list produces every tick (V8
// caches a string's hash on the string: reusing one list would flatter the
// lookups). Reported next to a baseline measured the same way: one bare
// Set.has per process, no normalisation.
import { defaultLimits } from '../../../shared/limits.ts';
import { createProgramMatcher } from '../../../main/policy/detect.ts';
import { decide } from '../../../main/policy/engine.ts';
import { freshMemory, type PolicyState } from '../../../main/policy/decision.ts';
import type { OsSignalsSnapshot } from '../../../main/policy/signals.ts';

const COMMON = ['svchost.exe', 'RuntimeBroker.exe', 'chrome.exe', 'msedge.exe', 'conhost.exe', 'explorer.exe', 'dllhost.exe', 'steamwebhelper.exe', 'Discord.exe', 'SearchHost.exe'];

/** `count` process names as Windows lists them. */
export function sampleProcessList(count = 500): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const common = COMMON[i % COMMON.length] ?? 'svchost.exe';
    if (i % 3 === 0) names.push(common);
    else if (i % 3 === 1) names.push(`C:\\Program Files\\Vendor${i}\\bin\\helper-${i}.exe`);
    else names.push(`service_${i}.exe`);
  }
  return names;
}

/** New string objects with the same contents (hashes not yet computed). */
const freshCopy = (list: readonly string[]): string[] => JSON.parse(JSON.stringify(list)) as string[];

export interface DetectionBench {
  processes: number;
  programs: number;
  /** One pass, as every tick runs it (the matcher has seen these names before), microseconds: median of rounds. */
  passMicros: number;
  /** CPU time of such a pass (process.cpuUsage), microseconds. */
  passCpuMicros: number;
  /** The first pass of a new matcher (after the list was edited, or at start), microseconds. */
  firstPassMicros: number;
  /** Baseline: one Set.has per process, no normalisation, microseconds. */
  bareSetMicros: number;
  /** One whole decide() (schedule, daily cap, this process list), microseconds. */
  decideMicros: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Per round, `passes` calls of `fn`, each on a fresh copy of `list`; returns median wall µs per pass and mean CPU µs per pass. */
function measure(list: readonly string[], fn: (processes: string[]) => unknown, passes: number, rounds: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  let cpu = 0;
  for (let r = -1; r < rounds; r++) {
    const inputs = Array.from({ length: passes }, () => freshCopy(list));
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (const input of inputs) fn(input);
    const wall = ((performance.now() - start) * 1000) / passes;
    const used = process.cpuUsage(cpuStart);
    // Round -1 warms the JIT and is not counted.
    if (r >= 0) {
      walls.push(wall);
      cpu += (used.user + used.system) / passes;
    }
  }
  return { wall: median(walls), cpu: cpu / rounds };
}

export function benchDetection(options: { passes?: number; rounds?: number } = {}): DetectionBench {
  const passes = options.passes ?? 200;
  const rounds = options.rounds ?? 7;
  const list = sampleProcessList();
  const programs = defaultLimits.gaming.programs;

  const matcher = createProgramMatcher(programs);
  const pass = measure(list, (processes) => matcher.match(processes), passes, rounds);
  const first = measure(list, (processes) => createProgramMatcher(programs).match(processes), Math.max(1, Math.floor(passes / 10)), rounds);
  const bare = new Set(programs);
  const bareSet = measure(list, (processes) => processes.some((p) => bare.has(p)), passes, rounds);

  const limits = { ...defaultLimits, schedule: { ...defaultLimits.schedule, enabled: true, timeZone: 'Europe/Berlin' }, dailyHoursCap: 6 };
  const signals: Omit<OsSignalsSnapshot, 'processes'> = {
    now: Date.parse('2026-03-23T12:00:00Z'),
    timeZone: 'Europe/Berlin',
    logicalCpus: 8,
    interactiveSession: true,
    screenLocked: false,
    idleSeconds: 0,
    onBattery: false,
    fullscreenApp: null,
    gpuUsers: [],
    temperatures: { cpu: 50, gpu: 50 },
  };
  const state: PolicyState = { manualPause: null, usage: { day: '2026-03-23', ms: 3_600_000 }, ownPids: [], memory: freshMemory };
  const whole = measure(list, (processes) => decide(limits, { ...signals, processes }, state), passes, rounds);

  return {
    processes: list.length,
    programs: programs.length,
    passMicros: pass.wall,
    passCpuMicros: pass.cpu,
    firstPassMicros: first.wall,
    bareSetMicros: bareSet.wall,
    decideMicros: whole.wall,
  };
}
