// The supervisor with the real worker process and the real ONNX Runtime.
import { describe, expect, it } from 'vitest';
import { allocModel, mlpModel, scaleModel, seededWeights, spinModel } from '../../../shared/onnx/zoo.ts';
import type { WireTensor } from '../../../shared/worker-protocol.ts';
import { WorkerError } from '../../../main/worker/supervisor.ts';
import { f32, sha256, startSupervisor, until } from '../../helpers/worker.ts';

const scale = scaleModel();
const scaleSha = sha256(scale);
const spin = spinModel();
const spinSha = sha256(spin);

const spinInputs = (iterations: bigint): Record<string, WireTensor> => ({
  x: f32(0),
  iterations: { type: 'int64', dims: [], data: BigInt64Array.of(iterations) },
});

async function rejection(promise: Promise<unknown>): Promise<WorkerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerError);
  return error as WorkerError;
}

describe('the supervised inference worker', () => {
  it('runs the scale model exactly', async () => {
    const { supervisor, events } = startSupervisor();
    const result = await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1, -2.5, 3e6) }, deadlineMs: 10_000 });
    expect(result.outputs.y?.data).toEqual(Float32Array.of(2, -5, 6e6));
    expect(result.provider).toBe('cpu');
    expect(events[0]).toMatchObject({ type: 'started', providers: expect.arrayContaining([{ name: 'cpu', available: true }]) as unknown });
  });

  it('matches in-process ONNX Runtime bit for bit on the MLP', async () => {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    const ort = await import('onnxruntime-node');
    const mlp = mlpModel();
    const x = seededWeights(4 * 512, 42, 1);
    const reference = await ort.InferenceSession.create(mlp, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
    const expected = (await reference.run({ x: new ort.Tensor('float32', x, [4, 512]) })).y?.data;
    await reference.release();

    const { supervisor } = startSupervisor();
    const result = await supervisor.run({ modelSha256: sha256(mlp), modelBytes: () => mlp, inputs: { x: { type: 'float32', dims: [4, 512], data: x } }, deadlineMs: 10_000 });
    expect(result.outputs.y?.dims).toEqual([4, 16]);
    expect(result.outputs.y?.data).toEqual(expected);
  });

  it('keeps many jobs in flight and answers each with its own result', async () => {
    const { supervisor } = startSupervisor();
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(i, i + 0.5) }, deadlineMs: 10_000 })),
    );
    results.forEach((result, i) => expect(result.outputs.y?.data).toEqual(Float32Array.of(2 * i, 2 * i + 1)));
  });

  it('loads a model once per worker', async () => {
    const { supervisor } = startSupervisor();
    let loads = 0;
    const bytes = () => {
      loads++;
      return scale;
    };
    await Promise.all([1, 2, 3].map((v) => supervisor.run({ modelSha256: scaleSha, modelBytes: bytes, inputs: { x: f32(v) }, deadlineMs: 10_000 })));
    expect(loads).toBe(1);
  });

  it.each([
    ['an unknown input name', { z: f32(1) }, /unknown input "z"; the model takes "x"/],
    ['a wrong dtype', { x: { type: 'int32', dims: [1], data: Int32Array.of(1) } }, /input "x" must be float32, not int32/],
    ['a wrong rank', { x: { type: 'float32', dims: [1, 1], data: Float32Array.of(1) } }, /must have 1 dimensions/],
    ['data that does not fill the shape', { x: { type: 'float32', dims: [3], data: Float32Array.of(1) } }, /has 1 values for shape \[3\] \(3 expected\)/],
    ['a typed array of the wrong kind', { x: { type: 'float32', dims: [1], data: Float64Array.of(1) } }, /must carry a Float32Array/],
    ['a missing input', {}, /missing input "x"/],
    ['an oversized input', { x: { type: 'float32', dims: [5_000_000], data: new Float32Array(5_000_000) } }, /exceed the size limit of 16777216 bytes/],
  ] as [string, Record<string, WireTensor>, RegExp][])('refuses %s before running, and keeps working', async (_what, inputs, message) => {
    const { supervisor } = startSupervisor();
    const error = await rejection(supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs, deadlineMs: 10_000 }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(message);
    const ok = await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(4) }, deadlineMs: 10_000 });
    expect(ok.outputs.y?.data).toEqual(Float32Array.of(8));
  });

  it('refuses a corrupt or truncated model, and a model whose bytes do not match their hash', async () => {
    const { supervisor } = startSupervisor();
    const truncated = scale.subarray(0, scale.length - 7);
    const corrupt = Uint8Array.from(scale, (b, i) => (i > 10 ? b ^ 0x5a : b));
    for (const bytes of [truncated, corrupt, new Uint8Array(0)]) {
      const error = await rejection(supervisor.run({ modelSha256: sha256(bytes), modelBytes: () => bytes, inputs: { x: f32(1) }, deadlineMs: 10_000 }));
      expect(error.code).toBe('model_invalid');
    }
    const mismatch = await rejection(supervisor.run({ modelSha256: 'f'.repeat(64), modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 }));
    expect(mismatch.code).toBe('hash_mismatch');
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(2));
  });

  it('fails a job past its deadline, kills the stuck worker and carries on with a new one', async () => {
    const { supervisor, events } = startSupervisor();
    await supervisor.start();
    const firstPid = supervisor.status().pid;
    const error = await rejection(supervisor.run({ modelSha256: spinSha, modelBytes: () => spin, inputs: spinInputs(10n ** 12n), deadlineMs: 500 }));
    expect(error.code).toBe('deadline');
    await until(() => events.some((e) => e.type === 'killed' && e.reason === 'deadline'), 5000, 'the kill');
    const next = await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(2) }, deadlineMs: 10_000 });
    expect(next.outputs.y?.data).toEqual(Float32Array.of(4));
    expect(supervisor.status().pid).not.toBe(firstPid);
  });

  it.each(['SIGKILL', 'SIGSEGV', 'SIGABRT'] as const)('fails only the jobs in flight when the worker dies of %s, and restarts it', async (signal) => {
    const { supervisor, events } = startSupervisor();
    await supervisor.start();
    const pid = supervisor.status().pid ?? 0;
    const running = supervisor.run({ modelSha256: spinSha, modelBytes: () => spin, inputs: spinInputs(10n ** 12n), deadlineMs: 60_000 });
    await until(() => supervisor.status().inFlight > 0 && events.length > 0, 5000, 'the job');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let it get into the run
    process.kill(pid, signal);
    const error = await rejection(running);
    expect(error.code).toBe('worker_crashed');
    expect(error.message).toContain(`signal ${signal}`);
    expect(events).toContainEqual(expect.objectContaining({ type: 'crashed', reason: expect.stringContaining(signal) as unknown, inFlight: 1 }));
    expect(events).toContainEqual({ type: 'restarting', attempt: 1, delayMs: 100 });
    await until(() => supervisor.state === 'ready', 10_000, 'the restart');
    expect(supervisor.status()).toMatchObject({ restarts: 1 });
    expect(supervisor.status().pid).not.toBe(pid);
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(3) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(6));
  });

  it('gives up with a clear error after repeated crashes', async () => {
    const { supervisor, events } = startSupervisor({ supervisor: { backoff: { initialMs: 10, maxMs: 50, maxCrashes: 3, windowMs: 60_000 } } });
    for (let crash = 0; crash < 4; crash++) {
      await until(() => supervisor.state === 'ready' || supervisor.state === 'idle', 10_000, 'a worker');
      await supervisor.start();
      process.kill(supervisor.status().pid ?? 0, 'SIGKILL');
      await until(() => supervisor.state !== 'ready', 5000, 'the crash');
    }
    await until(() => supervisor.state === 'failed', 5000, 'giving up');
    expect(events.at(-1)).toEqual({ type: 'gave_up', crashes: 4, windowMs: 60_000 });
    const error = await rejection(supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 1000 }));
    expect(error.code).toBe('worker_unavailable');
    expect(error.message).toMatch(/kept crashing and was given up \(signal SIGKILL/);
  });

  it('turns an allocation over the memory cap into an out_of_memory error, and survives it', async () => {
    const { supervisor } = startSupervisor({ sandbox: { memoryCapBytes: 2 * 1024 ** 3 } });
    const alloc = allocModel();
    const error = await rejection(
      supervisor.run({
        modelSha256: sha256(alloc),
        modelBytes: () => alloc,
        inputs: { value: f32(1), shape: { type: 'int64', dims: [1], data: BigInt64Array.of(1_000_000_000n) } }, // 4 GB of float32
        deadlineMs: 30_000,
      }),
    );
    expect(error.code).toBe('out_of_memory');
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(5) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(10));
  });

  it('on pause, releases an idle worker’s sessions; refuses work until resumed', async () => {
    const { supervisor } = startSupervisor();
    await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 });
    const pid = supervisor.status().pid;
    expect(await supervisor.pause()).toBe('released');
    expect(supervisor.status().pid).toBe(pid); // same process, no sessions
    const refused = await rejection(supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 }));
    expect(refused.code).toBe('paused');
    await supervisor.resume();
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(7) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(14));
  });

  it('on resume, loads again in the background the models it held before the pause', async () => {
    const { supervisor } = startSupervisor();
    let loads = 0;
    const bytes = () => {
      loads++;
      return scale;
    };
    await supervisor.run({ modelSha256: scaleSha, modelBytes: bytes, inputs: { x: f32(1) }, deadlineMs: 10_000 });
    expect(await supervisor.pause()).toBe('released');
    await supervisor.resume();
    expect(loads).toBe(2); // reloaded by resume, before any job asked
    await supervisor.run({ modelSha256: scaleSha, modelBytes: bytes, inputs: { x: f32(2) }, deadlineMs: 10_000 });
    expect(loads).toBe(2);
  });

  it('on pause, ends a running job at once by killing the busy worker', async () => {
    const { supervisor, events } = startSupervisor();
    await supervisor.start();
    const running = supervisor.run({ modelSha256: spinSha, modelBytes: () => spin, inputs: spinInputs(10n ** 12n), deadlineMs: 60_000 });
    await until(() => supervisor.status().inFlight > 0, 5000, 'the job');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const failed = rejection(running); // pause() waits for the exit: handle the job's failure meanwhile
    expect(await supervisor.pause()).toBe('killed');
    expect((await failed).code).toBe('paused');
    expect(events).toContainEqual(expect.objectContaining({ type: 'killed', reason: 'pause' }));
    expect(events.some((e) => e.type === 'crashed')).toBe(false);
    await supervisor.resume();
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(2));
  });

  it('falls back to CPU when the chosen provider is unavailable, and says why', async () => {
    const { supervisor, events } = startSupervisor({ config: { executionProvider: 'webgpu' } });
    await supervisor.start();
    const webgpu = supervisor.status().providers.find((p) => p.name === 'webgpu');
    if (webgpu?.available) return; // a machine with a WebGPU adapter: nothing to fall back from
    const info = await supervisor.describe(scaleSha, () => scale);
    expect(info.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['n'] }]);
    expect(info.provider).toBe('cpu');
    expect(info.fallbackReason).toBe(`webgpu is not available: ${webgpu?.reason ?? ''}`);
    expect(events).toContainEqual({ type: 'provider_fallback', model: scaleSha, provider: 'cpu', reason: info.fallbackReason });
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(3) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(6));
  });

  it('takes the GPU choice to the providers: each is probed on that GPU, and says what of it it cannot honour', async () => {
    const { supervisor } = startSupervisor({ config: { executionProvider: 'auto', gpu: { deviceIndex: 1, vramCapMiB: 4096 } } });
    await supervisor.start();
    const providers = supervisor.status().providers;
    expect(providers).toContainEqual({ name: 'cpu', available: true });
    // No onnxruntime-node provider takes a memory limit: an available GPU provider says so (none on a machine without a GPU).
    for (const gpu of providers.filter((p) => p.available && p.name !== 'cpu')) expect(gpu.note).toMatch(/the VRAM cap \(4 GiB\) is not enforced/);
    // Unavailable for want of the hardware or its libraries, never for an option the binding refused.
    for (const missing of providers.filter((p) => !p.available)) expect(missing.detail).not.toMatch(/Invalid argument|unrecognized option/);
    const result = await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(4) }, deadlineMs: 10_000 });
    expect(result.outputs.y?.data).toEqual(Float32Array.of(8));
  });

  it('does not let a job that was waiting for the worker run after a pause', async () => {
    const { supervisor, events } = startSupervisor();
    const waiting = supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 30)); // the worker is starting
    expect(await supervisor.pause()).toBe('killed');
    expect((await rejection(waiting)).code).toBe('paused');
    expect(events).toContainEqual(expect.objectContaining({ type: 'killed', reason: 'pause' }));
    expect(events.some((e) => e.type === 'killed' && e.reason === 'unresponsive')).toBe(false);
    await supervisor.resume();
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(2) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(4));
  });

  it('does not let a job that was waiting for its model bytes run after a pause', async () => {
    const { supervisor } = startSupervisor();
    await supervisor.start();
    let release!: () => void;
    const slowBytes = new Promise<void>((resolve) => (release = resolve)).then(() => scale);
    const waiting = supervisor.run({ modelSha256: scaleSha, modelBytes: () => slowBytes, inputs: { x: f32(1) }, deadlineMs: 10_000 });
    expect(await supervisor.pause()).toBe('released');
    release();
    expect((await rejection(waiting)).code).toBe('paused');
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a deadline of %s without touching the worker', async (deadlineMs) => {
    const { supervisor, events } = startSupervisor();
    await supervisor.start();
    const pid = supervisor.status().pid;
    expect((await rejection(supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs }))).code).toBe('invalid_input');
    expect(supervisor.status().pid).toBe(pid);
    expect(events.some((e) => e.type === 'killed')).toBe(false);
  });

  it('turns a job that cannot be sent into invalid_input, and keeps the worker', async () => {
    const { supervisor, events } = startSupervisor();
    await supervisor.start();
    const unclonable = { x: { type: 'float32', dims: [1], data: Float32Array.of(1), extra: () => 1 } } as unknown as Record<string, WireTensor>;
    expect((await rejection(supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: unclonable, deadlineMs: 500 }))).code).toBe('invalid_input');
    await new Promise((resolve) => setTimeout(resolve, 800)); // past that job's deadline: nothing is killed
    expect(events.some((e) => e.type === 'killed')).toBe(false);
    expect((await supervisor.run({ modelSha256: scaleSha, modelBytes: () => scale, inputs: { x: f32(1) }, deadlineMs: 10_000 })).outputs.y?.data).toEqual(Float32Array.of(2));
  });
});
