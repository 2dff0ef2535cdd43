import { clockOnlySignals } from '../../main/node/policy.ts';
import type { ProviderNode } from '../../main/node/provider-node.ts';
import type { OsSignalsSnapshot, SignalSource } from '../../main/policy/signals.ts';
import { WorkerError, type WorkerSupervisor } from '../../main/worker/supervisor.ts';
import { sha256 } from './worker.ts';
import { spinModel } from '../../shared/onnx/zoo.ts';

/** A machine whose process list the caller controls; records when the source first reported the game. */
export interface FakeMachine {
  source: SignalSource;
  startGame(): void;
  stopGame(): void;
  /** performance.now() when read() first returned the running game. */
  observedAt: number | null;
}

export function fakeMachine(game = 'eldenring.exe'): FakeMachine {
  let running = false;
  const machine: FakeMachine = {
    observedAt: null,
    source: {
      read(): Promise<OsSignalsSnapshot> {
        if (running && machine.observedAt === null) machine.observedAt = performance.now();
        return Promise.resolve({
          ...clockOnlySignals(Date.now()),
          interactiveSession: false,
          onBattery: false,
          gpuUsers: [],
          temperatures: {},
          processes: running ? ['systemd', 'bash', game] : ['systemd', 'bash'],
        });
      },
    },
    startGame() {
      machine.observedAt = null;
      running = true;
    },
    stopGame() {
      running = false;
    },
  };
  return machine;
}

/**
 * One game start while the worker is busy inside a run: the times from the
 * game starting (detection included) and from the signal being observed, to
 * the worker's sessions released (its process has exited).
 */
export async function measureGamePause(
  node: ProviderNode,
  supervisor: WorkerSupervisor,
  machine: FakeMachine,
): Promise<{ fromStart: number; fromObserved: number; jobError: string }> {
  const spin = spinModel();
  const job = supervisor.run({
    modelSha256: sha256(spin),
    modelBytes: () => spin,
    inputs: {
      x: { type: 'float32', dims: [1], data: Float32Array.of(0) },
      iterations: { type: 'int64', dims: [], data: BigInt64Array.of(10n ** 12n) },
    },
    deadlineMs: 120_000,
  });
  const failed = job.then(
    () => 'finished',
    (error: unknown) => (error instanceof WorkerError ? error.code : String(error)),
  );
  while (supervisor.status().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));
  let releasedAt = 0;
  const pause = supervisor.pause.bind(supervisor);
  supervisor.pause = async () => {
    const result = await pause();
    releasedAt = performance.now();
    return result;
  };
  const startedAt = performance.now();
  machine.startGame();
  while (releasedAt === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  supervisor.pause = pause;
  const jobError = await failed;
  const observed = machine.observedAt ?? startedAt;
  if (node.status().state !== 'paused') throw new Error('the node did not pause for the game');
  return { fromStart: releasedAt - startedAt, fromObserved: releasedAt - observed, jobError };
}

/** A clock the caller can move forward (past the engine's 60 s wait after a game). */
export function skippableClock(): { now: () => number; skip: (ms: number) => void } {
  let offset = 0;
  return { now: () => Date.now() + offset, skip: (ms) => (offset += ms) };
}

/** Ends the game and moves the clock past the wait after it; resolves when the node runs again. */
export async function endGame(node: ProviderNode, machine: FakeMachine, clock: { skip: (ms: number) => void }): Promise<void> {
  machine.stopGame();
  const end = Date.now() + 5_000;
  // The engine waits a minute after a game before giving the machine back to Hearth: seen, then skipped.
  while (!node.status().reason.includes('resuming at')) {
    if (Date.now() > end) throw new Error(`no wait after the game: ${node.status().reason}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  clock.skip(61_000);
  while (node.status().state !== 'running') {
    if (Date.now() > end) throw new Error(`the node did not resume: ${node.status().reason}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
