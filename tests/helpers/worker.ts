import { createHash } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { workerLocation } from '../../main/worker/entry.ts';
import { forkTransport } from '../../main/worker/fork-transport.ts';
import { sandboxSpec, type SandboxOptions } from '../../main/worker/sandbox.ts';
import { WorkerSupervisor, type SupervisorOptions, type WorkerEvent } from '../../main/worker/supervisor.ts';
import type { WireTensor, WorkerConfig } from '../../shared/worker-protocol.ts';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const f32 = (...values: number[]): WireTensor => ({ type: 'float32', dims: [values.length], data: Float32Array.from(values) });

/** The real worker (main/inference/worker.ts) in the real sandbox, supervised; stopped when the test ends. */
export function startSupervisor(
  options: { config?: Partial<WorkerConfig>; sandbox?: Partial<SandboxOptions>; supervisor?: Partial<SupervisorOptions> } = {},
): { supervisor: WorkerSupervisor; events: WorkerEvent[]; stderr: string[] } {
  const { entry, root } = workerLocation();
  const events: WorkerEvent[] = [];
  const stderr: string[] = [];
  const supervisor = new WorkerSupervisor({
    spawn: forkTransport,
    spec: () => sandboxSpec({ entry, readPaths: [root], memoryCapBytes: 3 * 1024 ** 3, ...options.sandbox }),
    config: () => ({ intraOpThreads: 1, executionProvider: 'cpu', maxInputBytes: 16 * 1024 * 1024, ...options.config }),
    onEvent: (event) => events.push(event),
    onStderr: (line) => stderr.push(line),
    ...options.supervisor,
  });
  onTestFinished(() => supervisor.stop());
  return { supervisor, events, stderr };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
