// Worker benchmarks: each against a baseline measured in the same run.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { workerLocation } from '../../main/worker/entry.ts';
import { forkTransport } from '../../main/worker/fork-transport.ts';
import { sandboxSpec } from '../../main/worker/sandbox.ts';
import { WorkerSupervisor, type WorkerEvent } from '../../main/worker/supervisor.ts';
import { bundledOcrModel } from '../../main/models/bundled.ts';
import { decodeImage } from '../../main/inference/ocr/image.ts';
import { alphabetFrom, recognise } from '../../main/inference/ocr/pipeline.ts';
import { decodeOcrBundle } from '../../shared/ocr-bundle.ts';
import { join } from 'node:path';
import { mlpModel, scaleModel, seededWeights, spinModel } from '../../shared/onnx/zoo.ts';
import type { WireTensor } from '../../shared/worker-protocol.ts';
import { percentile } from './stats.ts';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const rssMb = (pid: number | undefined): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
};

function supervisor(events: WorkerEvent[] = [], intraOpThreads = 1): WorkerSupervisor {
  const { entry, root } = workerLocation();
  return new WorkerSupervisor({
    spawn: forkTransport,
    spec: () => sandboxSpec({ entry, readPaths: [root], memoryCapBytes: 4 * 1024 ** 3 }),
    config: () => ({ intraOpThreads, executionProvider: 'cpu', maxInputBytes: 64 * 1024 * 1024 }),
    onEvent: (event) => events.push(event),
  });
}

/** Throughput of `count` jobs with `inFlight` outstanding at a time. */
async function pipelined(count: number, inFlight: number, job: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await job();
    }),
  );
  return (count / (performance.now() - start)) * 1000;
}

export async function benchWorker(log: (line: string) => void): Promise<string[]> {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const ort = await import('onnxruntime-node');
  const results: string[] = [];

  // ---- throughput: worker vs raw in-process session.run --------------------
  for (const { name, model, input, dims, count } of [
    { name: 'scale, 1 KB input', model: scaleModel(), input: new Float32Array(256).fill(1.5), dims: [256], count: 5000 },
    { name: 'mlp 512→1024³→16, batch 1', model: mlpModel(), input: seededWeights(512, 3, 1), dims: [1, 512], count: 2000 },
  ]) {
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
    const feeds = { x: new ort.Tensor('float32', input, dims) };
    for (let i = 0; i < 200; i++) await session.run(feeds);
    const rawStart = performance.now();
    for (let i = 0; i < count; i++) await session.run(feeds);
    const raw = (count / (performance.now() - rawStart)) * 1000;
    await session.release();

    const worker = supervisor();
    const modelSha = sha(model);
    const inputs: Record<string, WireTensor> = { x: { type: 'float32', dims, data: input } };
    const job = () => worker.run({ modelSha256: modelSha, modelBytes: () => model, inputs, deadlineMs: 30_000 });
    await pipelined(200, 8, job);
    const sequential = await pipelined(count, 1, job);
    const withPipelining = await pipelined(count, 8, job);
    worker.stop();
    log(`  ${name.padEnd(28)} raw in-process ${raw.toFixed(0).padStart(6)}/s · worker sequential ${sequential.toFixed(0).padStart(6)}/s · worker 8 in flight ${withPipelining.toFixed(0).padStart(6)}/s`);
    results.push(`worker/raw throughput, ${name}: ${(withPipelining / raw).toFixed(2)} with pipelining (8 in flight), ${(sequential / raw).toFixed(2)} one at a time`);
  }

  // ---- OCR: the whole pipeline (decode, detect, classify, recognise) --------
  {
    const bundle = await bundledOcrModel();
    const parts = decodeOcrBundle(bundle);
    const image = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ocr', 'two-lines.png'));
    const options = { intraOpNumThreads: 2, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' as const };
    const sessions = {
      det: await ort.InferenceSession.create(parts.det, options),
      cls: await ort.InferenceSession.create(parts.cls, options),
      rec: await ort.InferenceSession.create(parts.rec, options),
      alphabet: alphabetFrom(parts.keys),
    };
    const count = 60;
    for (let i = 0; i < 5; i++) await recognise(ort, sessions, decodeImage(image));
    const rawStart = performance.now();
    for (let i = 0; i < count; i++) await recognise(ort, sessions, decodeImage(image));
    const raw = (count / (performance.now() - rawStart)) * 1000;
    for (const session of [sessions.det, sessions.cls, sessions.rec]) await session.release();

    const worker = supervisor([], 2);
    await worker.start();
    const idleRss = rssMb(worker.status().pid);
    const job = () => worker.runOcr({ modelSha256: sha(bundle), modelBytes: () => bundle, image, deadlineMs: 60_000 });
    for (let i = 0; i < 5; i++) await job();
    const loadedRss = rssMb(worker.status().pid);
    const viaWorker = await pipelined(count, 2, job);
    const afterRss = rssMb(worker.status().pid);
    worker.stop();
    log(`  OCR, 640×200 PNG, 2 lines     raw in-process ${raw.toFixed(2)}/s · worker (2 in flight) ${viaWorker.toFixed(2)}/s`);
    log(`  worker RSS with OCR: idle ${idleRss.toFixed(0)} MB · OCR models loaded ${loadedRss.toFixed(0)} MB · after ${count + 5} OCR jobs ${afterRss.toFixed(0)} MB`);
    results.push(`worker/raw throughput, OCR pipeline: ${(viaWorker / raw).toFixed(2)} (target ≥ 0.95; ${count} images each side)`);
    results.push(`worker RSS with OCR loaded: ${Math.max(loadedRss, afterRss).toFixed(0)} MB (target ≤ 400 MB)`);
  }

  // ---- pause latency: pause() call → sessions released ---------------------
  const mlp = mlpModel();
  const spin = spinModel();
  const idle: number[] = [];
  const busy: number[] = [];
  const worker = supervisor();
  const x: Record<string, WireTensor> = { x: { type: 'float32', dims: [1, 512], data: seededWeights(512, 5, 1) } };
  for (let i = 0; i < 20; i++) {
    await worker.run({ modelSha256: sha(mlp), modelBytes: () => mlp, inputs: x, deadlineMs: 30_000 });
    let start = performance.now();
    await worker.pause(); // idle worker with a loaded session: release
    idle.push(performance.now() - start);
    await worker.resume();

    const running = worker.run({
      modelSha256: sha(spin),
      modelBytes: () => spin,
      inputs: { x: { type: 'float32', dims: [1], data: Float32Array.of(0) }, iterations: { type: 'int64', dims: [], data: BigInt64Array.of(10n ** 12n) } },
      deadlineMs: 60_000,
    });
    running.catch(() => {});
    while (worker.status().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    start = performance.now();
    await worker.pause(); // busy worker inside a run: killed
    busy.push(performance.now() - start);
    await worker.resume();
  }
  worker.stop();
  log(`  pause, idle worker (release):  p50 ${percentile(idle, 50).toFixed(1)} ms, p95 ${percentile(idle, 95).toFixed(1)} ms`);
  // Busy: pause() returns once the killed process has exited (its memory is back), not when the signal is sent.
  log(`  pause, busy worker (kill):     p50 ${percentile(busy, 50).toFixed(1)} ms, p95 ${percentile(busy, 95).toFixed(1)} ms`);
  results.push(`pause latency p95: ${percentile(idle, 95).toFixed(1)} ms idle, ${percentile(busy, 95).toFixed(1)} ms busy (target ≤ 250 ms)`);

  // ---- cold start and restart after a crash --------------------------------
  const cold: number[] = [];
  for (let i = 0; i < 8; i++) {
    const w = supervisor();
    const start = performance.now();
    await w.start();
    cold.push(performance.now() - start);
    w.stop();
  }
  // A first crash each time (fresh supervisor): later crashes in a row wait longer on purpose (backoff).
  const restarts: number[] = [];
  for (let i = 0; i < 6; i++) {
    const events: WorkerEvent[] = [];
    const crashing = supervisor(events);
    await crashing.start();
    const before = events.length;
    const start = performance.now();
    process.kill(crashing.status().pid ?? 0, 'SIGKILL');
    while (!events.slice(before).some((e) => e.type === 'started')) await new Promise((resolve) => setTimeout(resolve, 2));
    restarts.push(performance.now() - start);
    crashing.stop();
  }
  log(`  cold start to ready:           p50 ${percentile(cold, 50).toFixed(0)} ms (spawn, load ONNX Runtime, probe providers)`);
  log(`  restart after a crash:         p50 ${percentile(restarts, 50).toFixed(0)} ms, max ${Math.max(...restarts).toFixed(0)} ms (kill → ready again, incl. the 100 ms first backoff)`);
  results.push(`restart after crash p50: ${percentile(restarts, 50).toFixed(0)} ms (target ≤ 1000 ms); cold start p50 ${percentile(cold, 50).toFixed(0)} ms`);

  // ---- worker memory: idle, with a model, after 10,000 jobs ----------------
  const memory = supervisor();
  await memory.start();
  const idleRss = rssMb(memory.status().pid);
  await memory.run({ modelSha256: sha(mlp), modelBytes: () => mlp, inputs: x, deadlineMs: 30_000 });
  const loadedRss = rssMb(memory.status().pid);
  for (let i = 0; i < 1000; i++) await memory.run({ modelSha256: sha(mlp), modelBytes: () => mlp, inputs: x, deadlineMs: 30_000 });
  const after1k = rssMb(memory.status().pid);
  await pipelined(9000, 8, () => memory.run({ modelSha256: sha(mlp), modelBytes: () => mlp, inputs: x, deadlineMs: 30_000 }));
  const after10k = rssMb(memory.status().pid);
  memory.stop();
  log(`  worker RSS: idle ${idleRss.toFixed(0)} MB · mlp loaded ${loadedRss.toFixed(0)} MB · after 1,000 jobs ${after1k.toFixed(0)} MB · after 10,000 ${after10k.toFixed(0)} MB`);
  results.push(
    `worker RSS over 10,000 jobs: +${(after10k - loadedRss).toFixed(1)} MB from the first job (${(after1k - loadedRss).toFixed(1)} MB of it in the first 1,000; idle ${idleRss.toFixed(0)} MB, mlp loaded ${loadedRss.toFixed(0)} MB)`,
  );
  return results;
}
