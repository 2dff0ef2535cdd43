// The node with its real inference worker: pause reaches the worker, crashes are recorded.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../main/headless/metrics.ts';
import { silentLogger } from '../../../main/node/log.ts';
import { ProviderNode } from '../../../main/node/provider-node.ts';
import { createWorkerSupervisor } from '../../../main/node/worker.ts';
import { WorkerError } from '../../../main/worker/supervisor.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import { tempDir } from '../../helpers/temp.ts';
import { f32, sha256, until } from '../../helpers/worker.ts';

const model = scaleModel();
const job = { modelSha256: sha256(model), modelBytes: () => model, inputs: { x: f32(1) }, deadlineMs: 10_000 };

describe('the node and its worker', () => {
  it('pauses and resumes the worker with the node, and records its crashes and restarts', async () => {
    const node = ProviderNode.start({ dataDir: tempDir() });
    try {
      node.attachWorker(createWorkerSupervisor({ onEvent: (event) => node.recordWorkerEvent(event), logger: silentLogger }));
      const worker = node.worker;
      if (!worker) throw new Error('no worker');
      expect((await worker.run(job)).outputs.y?.data).toEqual(Float32Array.of(2));

      node.pause();
      await until(() => worker.state === 'paused', 5000, 'the worker to pause');
      const refused = await worker.run(job).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkerError);
      expect((refused as WorkerError).code).toBe('paused');
      node.resume();
      expect((await worker.run(job)).outputs.y?.data).toEqual(Float32Array.of(2));

      process.kill(worker.status().pid ?? 0, 'SIGKILL');
      await until(() => node.store.workerEvents.count('started') === 2, 10_000, 'the restart'); // the first start, then the restart
      const kinds = node.store.workerEvents.recent(20).map((e) => e.kind).reverse();
      expect(kinds).toContain('crashed');
      expect(kinds).toContain('restarting');
      expect(node.store.workerEvents.recent(20).find((e) => e.kind === 'crashed')?.detail).toMatchObject({ reason: 'signal SIGKILL, possibly the out-of-memory killer' });
      expect(await createMetrics(node).metrics()).toMatch(/^hearth_worker_restarts_total 1$/m);
    } finally {
      node.close();
    }
  });

  it('starts the worker paused when the node starts paused', () => {
    const dir = tempDir();
    const first = ProviderNode.start({ dataDir: dir });
    first.pause();
    first.close();
    const node = ProviderNode.start({ dataDir: dir });
    try {
      node.attachWorker(createWorkerSupervisor({ onEvent: () => {}, logger: silentLogger }));
      expect(node.worker?.state).toBe('paused');
    } finally {
      node.close();
    }
  });
});
