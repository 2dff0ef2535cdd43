// Contribution-limits benchmarks (npm run bench):
// - pause latency end to end: a game starts while the real worker is inside a
//   run → the node's signal poll sees it → the engine decides → the worker is
//   killed and its memory back. From the game's start (detection included) and
//   from the moment the signal source reported it. Target p95 ≤ 500 ms.
// - the CPU cost of one detection pass: matching 500 processes against the
//   gaming list (vs a bare Set lookup), and one real Linux signal pass.
// - the CPU cost of the fullscreen check (two xprop runs a second), under Xvfb
//   with openbox where they are installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderNode } from '../../main/node/provider-node.ts';
import { createWorkerSupervisor } from '../../main/node/worker.ts';
import { silentLogger } from '../../main/node/log.ts';
import { endGame, fakeMachine, measureGamePause, skippableClock } from '../helpers/game-pause.ts';
import { benchDetection } from '../main/policy/detect.bench-helper.ts';
import { benchFullscreen } from '../main/policy/sources/linux-fullscreen.bench-helper.ts';
import { benchSignals } from '../main/policy/sources/linux.bench-helper.ts';
import { percentile } from './stats.ts';


export async function benchPolicy(print: (line: string) => void): Promise<string[]> {
  const results: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-policy-'));
  const clock = skippableClock();
  const node = ProviderNode.start({ dataDir: dir, now: clock.now, logger: silentLogger });
  const supervisor = createWorkerSupervisor({ onEvent: (event) => node.recordWorkerEvent(event), logger: silentLogger });
  node.attachWorker(supervisor);
  const machine = fakeMachine();
  node.attachSignals(machine.source);
  const fromStart: number[] = [];
  const fromObserved: number[] = [];
  try {
    for (let i = 0; i < 15; i++) {
      const run = await measureGamePause(node, supervisor, machine);
      fromStart.push(run.fromStart);
      fromObserved.push(run.fromObserved);
      await endGame(node, machine, clock);
    }
  } finally {
    node.close();
    rmSync(dir, { recursive: true, force: true });
  }
  print(`  game starts → worker released (detection incl.):  p50 ${percentile(fromStart, 50).toFixed(0)} ms, p95 ${percentile(fromStart, 95).toFixed(0)} ms`);
  print(`  signal observed → worker released:               p50 ${percentile(fromObserved, 50).toFixed(0)} ms, p95 ${percentile(fromObserved, 95).toFixed(0)} ms`);
  results.push(
    `game pause p95: ${percentile(fromStart, 95).toFixed(0)} ms from the game's start, detection included (${percentile(fromObserved, 95).toFixed(0)} ms from the signal) (target ≤ 500 ms)`,
  );
  const d = benchDetection();
  print(
    `  game detection, ${d.processes} processes × ${d.programs} programs: ${d.passMicros.toFixed(1)} µs/pass (bare Set ${d.bareSetMicros.toFixed(1)} µs; first pass ${d.firstPassMicros.toFixed(0)} µs); decide() ${d.decideMicros.toFixed(1)} µs`,
  );
  const sig = await benchSignals({ passes: 50 });
  print(`  Linux signal read(), ${sig.processes} processes: ${sig.passMicros.toFixed(0)} µs/pass (CPU ${sig.passCpuMicros.toFixed(0)} µs; first ${sig.coldPassCpuMicros.toFixed(0)} µs)`);
  results.push(
    `detection: matching ÷ bare Set = ${(d.passMicros / d.bareSetMicros).toFixed(2)} (${d.passMicros.toFixed(1)} µs); one Linux signal pass ${sig.passCpuMicros.toFixed(0)} µs CPU, 4 a second = ${((sig.passCpuMicros * 4) / 1e4).toFixed(3)} % of a core`,
  );
  const fs = await benchFullscreen({ looks: 100 });
  if ('missing' in fs) {
    print(`  fullscreen check: skipped (${fs.missing.join(', ')} not installed)`);
  } else {
    const cpu = fs.ownCpuMicros + fs.xpropCpuMicros;
    print(`  fullscreen check (2 xprop runs): ${fs.lookMicros.toFixed(0)} µs wall; CPU ${fs.ownCpuMicros.toFixed(0)} µs in Hearth + ${fs.xpropCpuMicros.toFixed(0)} µs in xprop`);
    results.push(`fullscreen check: ${(cpu / 1000).toFixed(1)} ms CPU a look, one a second = ${(cpu / 1e4).toFixed(2)} % of a core`);
  }
  return results;
}
