import { availableParallelism, totalmem } from 'node:os';
import { workerLocation } from '../worker/entry.ts';
import { forkTransport } from '../worker/fork-transport.ts';
import { sandboxSpec } from '../worker/sandbox.ts';
import { WorkerSupervisor, type WorkerEvent } from '../worker/supervisor.ts';
import type { SpawnWorker } from '../worker/transport.ts';
import type { Logger } from './log.ts';

/**
 * The inference worker as the node runs it. Until the contribution limits
 * decide budgets, it may use all cores but one and at most half the RAM
 * (at least 2 GiB of address space: ONNX Runtime needs about 1 GiB to start).
 */
export function createWorkerSupervisor(options: { onEvent: (event: WorkerEvent) => void; logger: Logger; spawn?: SpawnWorker }): WorkerSupervisor {
  const { entry, root } = workerLocation();
  const memoryCapBytes = Math.max(2 * 1024 ** 3, Math.floor(totalmem() / 2));
  return new WorkerSupervisor({
    spawn: options.spawn ?? forkTransport,
    spec: () => sandboxSpec({ entry, readPaths: [root], memoryCapBytes }),
    config: () => ({ intraOpThreads: Math.max(1, availableParallelism() - 1), executionProvider: 'auto', maxInputBytes: 64 * 1024 * 1024 }),
    onEvent: options.onEvent,
    onStderr: (line) => options.logger.debug(`worker: ${line}`),
  });
}
