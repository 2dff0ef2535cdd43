import { availableParallelism, totalmem } from 'node:os';
import { workerLocation } from '../worker/entry.ts';
import { forkTransport } from '../worker/fork-transport.ts';
import { sandboxSpec } from '../worker/sandbox.ts';
import { WorkerSupervisor, type WorkerEvent } from '../worker/supervisor.ts';
import type { SpawnWorker } from '../worker/transport.ts';
import type { WorkerConfig } from '../../shared/worker-protocol.ts';
import type { Budget } from '../policy/decision.ts';
import type { Logger } from './log.ts';

/** ONNX Runtime needs about 1 GiB of address space to start: a cap below this one would only make the worker crash. */
const MIN_MEMORY_CAP = 2 * 1024 ** 3;

/**
 * The inference worker as the node runs it, within the contribution limits'
 * budget (threads, RAM cap, GPU on/off, which GPU, VRAM cap), read at every
 * worker start. Without a budget: all cores but one and at most half the RAM.
 */
export function createWorkerSupervisor(options: {
  onEvent: (event: WorkerEvent) => void;
  logger: Logger;
  spawn?: SpawnWorker;
  budget?: () => Budget | null;
}): WorkerSupervisor {
  const { entry, root } = workerLocation();
  const budget = options.budget ?? (() => null);
  return new WorkerSupervisor({
    spawn: options.spawn ?? forkTransport,
    spec: () => sandboxSpec({ entry, readPaths: [root], memoryCapBytes: workerMemoryCap(budget(), totalmem()) }),
    config: () => workerConfig(budget(), availableParallelism()),
    onEvent: options.onEvent,
    onStderr: (line) => options.logger.debug(`worker: ${line}`),
  });
}

/** The worker's address-space cap for a budget: its RAM cap, else half the machine; never under what ONNX Runtime needs. */
export function workerMemoryCap(budget: Budget | null, machineBytes: number): number {
  const cap = budget?.ramCapMiB;
  return Math.max(MIN_MEMORY_CAP, cap === null || cap === undefined ? Math.floor(machineBytes / 2) : cap * 1024 ** 2);
}

/**
 * The worker's threads and execution provider for a budget: GPU off → CPU
 * only; GPU on → the best provider, on the chosen GPU and within the VRAM cap
 * as far as that provider can be told (main/inference/providers.ts says
 * which part it cannot).
 */
export function workerConfig(budget: Budget | null, cpus: number): WorkerConfig {
  const config: WorkerConfig = {
    intraOpThreads: budget ? Math.max(1, budget.threads) : Math.max(1, cpus - 1),
    executionProvider: budget && !budget.gpu.enabled ? 'cpu' : 'auto',
    maxInputBytes: 64 * 1024 * 1024,
  };
  if (budget?.gpu.enabled) config.gpu = { deviceIndex: budget.gpu.deviceIndex, vramCapMiB: budget.vramCapMiB };
  return config;
}
