// The demo workload refuses wrong answers with a specific reason: real worker answers, tampered.
import { deserialize, serialize } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkload, MODEL_IDS, type DemoJob, type Workload } from '../../../../main/devnet/workload/index.ts';
import { decodeTensors, type JobOutputs } from '../../../../shared/protocol/payloads.ts';
import { embeddingJobOutputs, embeddingVectors, ocrJobOutputs, tensorJobOutputs } from '../../../../shared/protocol/results.ts';
import type { WireTensor } from '../../../../shared/worker-protocol.ts';
import { startSupervisor } from '../../../helpers/worker.ts';
import { jobsWhere, runDemoJob } from './run-job.ts';

type Answered = { job: DemoJob; outputs: JobOutputs };
type Kind = 'scale' | 'mlp' | 'ocr' | 'embedding';

let workload: Workload;
let answers: Promise<Record<Kind, Answered>> | undefined;
beforeAll(async () => {
  workload = await createDemoWorkload({ seed: 3 });
});

/** One real answer per kind (batches of at least two, so rows can be swapped); computed by the first test that asks. */
function answered(): Promise<Record<Kind, Answered>> {
  answers ??= (async () => {
    const { supervisor } = startSupervisor();
    const first = (id: string, batched = false): DemoJob => {
      const [job] = jobsWhere(workload, (j) => j.model.id === id && (!batched || batchOf(j) >= 2), 1);
      if (!job) throw new Error(`no ${id} job`);
      return job;
    };
    const run = async (job: DemoJob): Promise<Answered> => ({ job, outputs: (await runDemoJob(supervisor, job)).outputs });
    return {
      scale: await run(first(MODEL_IDS.scale)),
      mlp: await run(first(MODEL_IDS.mlp, true)),
      ocr: await run(first(MODEL_IDS.ocr)),
      embedding: await run(first(MODEL_IDS.embedder, true)),
    };
  })();
  return answers;
}

function batchOf(job: DemoJob): number {
  if (job.inputs.task === 'embedding') return job.inputs.texts.length;
  if (job.inputs.task === 'tensor') return job.inputs.tensors[0]?.dims.length === 2 ? (job.inputs.tensors[0]?.dims[0] ?? 0) : 0;
  return 1;
}

function tensorY(outputs: JobOutputs): { dims: number[]; values: Float32Array } {
  if (outputs.task !== 'tensor') throw new Error('not tensor outputs');
  const y = decodeTensors(outputs.tensors).y;
  if (!y || !(y.data instanceof Float32Array)) throw new Error('no float32 y');
  return { dims: y.dims, values: y.data };
}

const f32 = (dims: number[], values: Float32Array): WireTensor => ({ type: 'float32', dims, data: values });

/** The answer's y, changed by `edit` (on a copy). */
function editY(outputs: JobOutputs, edit: (values: Float32Array, dims: number[]) => void): JobOutputs {
  const { dims, values } = tensorY(outputs);
  const copy = values.slice();
  edit(copy, dims);
  return tensorJobOutputs({ y: f32(dims, copy) });
}

function swapRows(values: Float32Array, width: number): void {
  const first = values.slice(0, width);
  values.copyWithin(0, width, 2 * width);
  values.set(first, width);
}

function editEmbedding(outputs: JobOutputs, edit: (result: { vectors: Float32Array; dims: [number, number]; tokens: number[] }) => void): JobOutputs {
  if (outputs.task !== 'embedding') throw new Error('not embedding outputs');
  const result = { vectors: embeddingVectors(outputs), dims: outputs.dims, tokens: [...outputs.tokens] };
  edit(result);
  return embeddingJobOutputs(result);
}

function editOcr(outputs: JobOutputs, edit: (texts: string[]) => string[]): JobOutputs {
  if (outputs.task !== 'ocr') throw new Error('not OCR outputs');
  const texts = edit(outputs.lines.map((line) => line.text));
  const box: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
  return ocrJobOutputs(texts.map((text) => ({ text, confidence: 0.99, box, rotated: false })));
}

function refusal(kind: Kind, answer: Record<Kind, Answered>, outputs: JobOutputs): string {
  const result = workload.check(answer[kind].job, outputs);
  if (result.ok) throw new Error(`the ${kind} check accepted a tampered answer`);
  return result.reason;
}

describe('the demo workload refuses wrong answers', () => {
  it('accepts the untouched answers (the baseline the tampering starts from)', async () => {
    const answer = await answered();
    for (const { job, outputs } of Object.values(answer)) expect(workload.check(job, outputs)).toEqual({ ok: true });
  });

  it.each<[string, (outputs: JobOutputs) => JobOutputs, RegExp]>([
    ['one value one ulp off', (o) => editY(o, (v) => new Uint32Array(v.buffer).set([(new Uint32Array(v.buffer)[5] ?? 0) + 1], 5)), /^y\[5\] is .+, expected .+ \(2·x exactly\)$/],
    ['a NaN', (o) => editY(o, (v) => v.set([Number.NaN], 0)), /^y\[0\] is NaN/],
    ['the vector reshaped to [1, n]', (o) => { const { dims, values } = tensorY(o); return tensorJobOutputs({ y: f32([1, ...dims], values) }); }, /^output y has dims \[1, \d+\], expected \[\d+\]$/],
    ['the output under another name', (o) => tensorJobOutputs({ z: f32(tensorY(o).dims, tensorY(o).values) }), /^expected one output tensor named "y", got \["z"\]$/],
    ['an extra output', (o) => tensorJobOutputs({ y: f32(tensorY(o).dims, tensorY(o).values), extra: f32([1], Float32Array.of(0)) }), /got \["extra", "y"\]/],
    ['float64 instead of float32', (o) => { const { dims, values } = tensorY(o); return tensorJobOutputs({ y: { type: 'float64', dims, data: Float64Array.from(values) } }); }, /^output y is float64, expected float32$/],
  ])('scale: refuses %s', async (_what, tamper, reason) => {
    const answer = await answered();
    expect(refusal('scale', answer, tamper(answer.scale.outputs))).toMatch(reason);
  });

  it.each<[string, (outputs: JobOutputs) => JobOutputs, RegExp]>([
    ['one value 1% off', (o) => editY(o, (v) => v.set([(v[17] ?? 0) * 1.01 + 0.01], 17)), /^y\[1, 1\] is .+, expected .+ \(±0\.0001 relative\)$/],
    ['two rows swapped', (o) => editY(o, (v, dims) => swapRows(v, dims[1] ?? 0)), /^y\[0, \d+\] is/],
    ['a NaN', (o) => editY(o, (v) => v.set([Number.NaN], 3)), /^y\[0, 3\] is NaN/],
    ['a batch one row short', (o) => { const { dims, values } = tensorY(o); return tensorJobOutputs({ y: f32([(dims[0] ?? 0) - 1, dims[1] ?? 0], values.slice(dims[1])) }); }, /^output y has dims \[\d+, 16\], expected \[\d+, 16\]$/],
  ])('mlp: refuses %s', async (_what, tamper, reason) => {
    const answer = await answered();
    expect(refusal('mlp', answer, tamper(answer.mlp.outputs))).toMatch(reason);
  });

  it.each<[string, (texts: string[]) => string[]]>([
    ['one character misread', (texts) => texts.map((text, i) => (i === 0 ? text.replace(/[0-9A-Za-z]/, (c) => (c === '1' ? '7' : '1')) : text))],
    ['a line missing', (texts) => texts.slice(1)],
    ['the lines in the wrong order', (texts) => [...texts].reverse()],
    ['nothing read', () => []],
  ])('ocr: refuses %s', async (_what, tamper) => {
    const answer = await answered();
    expect(answer.ocr.outputs.task === 'ocr' && answer.ocr.outputs.lines.length).toBe(2); // so a line can go missing or move
    expect(refusal('ocr', answer, editOcr(answer.ocr.outputs, tamper))).toMatch(/^[a-z-]+\.png reads ".+"; the result read ".*"$/);
  });

  it('ocr: accepts the same text spaced differently or split into more lines (PP-OCR drops spaces between words)', async () => {
    const answer = await answered();
    const { job } = answer.ocr;
    for (const tamper of [(texts: string[]) => texts.map((t) => t.replace(/\s+/g, '')), (texts: string[]) => texts.map((t) => t.split('').join(' ')), (texts: string[]) => texts.flatMap((t) => [t.slice(0, 4), t.slice(4)])]) {
      expect(workload.check(job, editOcr(answer.ocr.outputs, tamper))).toEqual({ ok: true });
    }
  });

  it.each<[string, (result: { vectors: Float32Array; dims: [number, number]; tokens: number[] }) => void, RegExp]>([
    ['one value changed', (r) => r.vectors.set([(r.vectors[40] ?? 0) + 0.3], 40), /^row 1 \(".+"\) has length [\d.]+; the model's vectors have length 1$/],
    ['two rows swapped', (r) => swapRows(r.vectors, r.dims[1]), /^row 0 \(".+"\) has (\d+ tokens, expected \d+|cosine [\d.-]+ with the reference vector, at least 0\.999 expected)$/],
    ['another text’s vector (token count kept)', (r) => r.vectors.copyWithin(0, r.dims[1], 2 * r.dims[1]), /^row 0 \(".+"\) has cosine [\d.-]+ with the reference vector, at least 0\.999 expected$/],
    ['a wrong token count', (r) => r.tokens.splice(1, 1, 99), /^row 1 \(".+"\) has 99 tokens, expected \d+$/],
    ['a NaN', (r) => r.vectors.set([Number.NaN], 2), /^row 0 \(".+"\) holds a value that is not a finite number$/],
    ['vectors twice as long', (r) => r.vectors.set(r.vectors.map((v) => v * 2)), /^row 0 \(".+"\) has length 2; the model's vectors have length 1$/],
    ['16 dimensions instead of 32', (r) => { r.vectors = r.vectors.slice(0, r.dims[0] * 16); r.dims = [r.dims[0], 16]; }, /^dims are \[\d+, 16\], expected \[\d+, 32\]$/],
    ['a text left out', (r) => { r.vectors = r.vectors.slice(r.dims[1]); r.dims = [r.dims[0] - 1, r.dims[1]]; r.tokens = r.tokens.slice(1); }, /^dims are \[\d+, 32\], expected \[\d+, 32\]$/],
  ])('embedding: refuses %s', async (_what, tamper, reason) => {
    const answer = await answered();
    expect(refusal('embedding', answer, editEmbedding(answer.embedding.outputs, tamper))).toMatch(reason);
  });

  it('refuses an answer of the wrong task, and jobs without an expected answer', async () => {
    const answer = await answered();
    expect(refusal('scale', answer, answer.ocr.outputs)).toBe('expected tensor outputs, got ocr outputs');
    expect(refusal('ocr', answer, answer.embedding.outputs)).toBe('expected ocr outputs, got embedding outputs');
    // The scale answer to the MLP job: the right task, the wrong job.
    expect(refusal('mlp', answer, answer.scale.outputs)).toMatch(/^output y has dims \[\d+\], expected \[\d+, 16\]$/);
    for (const { job, outputs } of Object.values(answer)) {
      for (const expected of [undefined, null, 'yes', { kind: 'scale' }, { kind: 'other', y: new Float32Array(1) }]) {
        expect(workload.check({ ...job, expected }, outputs)).toEqual({ ok: false, reason: 'the job carries no expected answer the demo workload made: it cannot be checked' });
      }
    }
  });

  it('checks jobs kept through V8’s serializer (the coordinator’s ledger) and by another workload', async () => {
    const answer = await answered();
    const other = await createDemoWorkload({ seed: 99 });
    for (const { job, outputs } of Object.values(answer)) {
      const restored = { ...job, expected: deserialize(serialize(job.expected)) as unknown };
      expect(workload.check(restored, outputs)).toEqual({ ok: true });
      expect(other.check(restored, outputs)).toEqual({ ok: true });
    }
    const wrong = editY(answer.scale.outputs, (v) => v.set([1], 0));
    expect(workload.check({ ...answer.scale.job, expected: deserialize(serialize(answer.scale.job.expected)) as unknown }, wrong)).toMatchObject({ ok: false });
  });

  it('never throws, even on outputs that skipped the wire schema', async () => {
    const answer = await answered();
    const scale = answer.scale.job.inputs;
    const embedding = answer.embedding.job.inputs;
    if (scale.task !== 'tensor' || embedding.task !== 'embedding') throw new Error('unexpected inputs');
    // Right shapes, unreadable data: only the decoding can fail.
    const garbage: [Kind, JobOutputs][] = [
      ['scale', { task: 'tensor', tensors: [{ name: 'y', type: 'float32', dims: scale.tensors[0]?.dims ?? [], data: 'not base64!' }] }],
      ['embedding', { task: 'embedding', dims: [embedding.texts.length, 32], vectors: '@@@', tokens: [] }],
    ];
    for (const [kind, outputs] of garbage) expect(workload.check(answer[kind].job, outputs)).toEqual({ ok: false, reason: 'the outputs could not be read: not canonical base64' });
  });
});
