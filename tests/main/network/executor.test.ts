import { describe, expect, it, onTestFinished } from 'vitest';
import { JobRunFailure, workerExecutor } from '../../../main/network/executor.ts';
import { ModelCache } from '../../../main/models/cache.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import { hashOutputs } from '../../../shared/protocol/eip712.ts';
import { decodeTensors } from '../../../shared/protocol/payloads.ts';
import { ScriptedCoordinator } from '../../helpers/scripted-coordinator.ts';
import { tempDir } from '../../helpers/temp.ts';
import { sha256, startSupervisor } from '../../helpers/worker.ts';
import { loggedIn, startHarness } from './harness.ts';

/** A coordinator that also serves the `scale` model, and a model cache that trusts it. */
async function modelSource(coordinator: ScriptedCoordinator): Promise<{ models: ModelCache; sha: string; url: string }> {
  const bytes = scaleModel();
  coordinator.files.set('/models/scale.onnx', bytes);
  const models = await ModelCache.open({ dir: tempDir(), quotaBytes: 64 * 1024 * 1024, trustedLocalOrigins: [coordinator.networkUrl] });
  return { models, sha: sha256(bytes), url: `${coordinator.networkUrl}/models/scale.onnx` };
}

describe('workerExecutor (the real worker)', () => {
  it('fetches the model by its sha256, runs the job in the worker and returns wire outputs', async () => {
    const coordinator = await ScriptedCoordinator.start();
    onTestFinished(() => coordinator.close());
    const { models, sha, url } = await modelSource(coordinator);
    const { supervisor } = startSupervisor();
    const executor = workerExecutor({ supervisor, models });
    const offer = await coordinator.offer({ model: { id: 'scale', sha256: sha, url, sizeBytes: 100 } });

    const run = await executor.run({ offer, signal: new AbortController().signal });
    expect(run.executionProvider).toBe('cpu');
    expect(run.outputs.task === 'tensor' && Array.from(decodeTensors(run.outputs.tensors)['y']?.data as Float32Array)).toEqual([2, 4, 6]);
    expect(await models.has(sha)).toBe(true);

    // A model that does not hash to what the offer says is never run.
    const wrong = await coordinator.offer({ model: { id: 'scale', sha256: 'f'.repeat(64), url, sizeBytes: 100 } });
    await expect(executor.run({ offer: wrong, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'model_unavailable' });

    // Inputs the model cannot take: the worker's code comes through.
    const bad = await coordinator.offer({
      model: { id: 'scale', sha256: sha, url, sizeBytes: 100 },
      inputs: { task: 'tensor', tensors: [{ name: 'nope', type: 'float32', dims: [1], data: 'AAAAAA==' }] },
    });
    await expect(executor.run({ offer: bad, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'invalid_input' });

    // An abort answers at once, with its reason.
    const controller = new AbortController();
    controller.abort(new JobRunFailure('paused', 'paused by you'));
    await expect(executor.run({ offer, signal: controller.signal })).rejects.toMatchObject({ code: 'paused' });
  }, 60_000);

  it('earns through the whole client: offer → worker → signed result', async () => {
    const h = await startHarness({ start: false });
    const { models, sha, url } = await modelSource(h.coordinator);
    const { supervisor } = startSupervisor();
    const client = h.restart({ executor: workerExecutor({ supervisor, models }) });
    client.start();
    await loggedIn(h);
    const { offer } = await h.coordinator.sendOffer({ model: { id: 'scale', sha256: sha, url, sizeBytes: 100 } });
    const { message: result } = await h.coordinator.next('result', (m) => m.jobId === offer.jobId, 60_000);
    expect(result.resultHash).toBe(hashOutputs(result.outputs));
    expect(result.metrics.executionProvider).toBe('cpu');
    expect(result.outputs.task === 'tensor' && Array.from(decodeTensors(result.outputs.tensors)['y']?.data as Float32Array)).toEqual([2, 4, 6]);
    expect(h.store.jobs.get(offer.jobId)).toMatchObject({ state: 'succeeded', executionProvider: 'cpu', resultHash: result.resultHash });
  }, 60_000);
});
