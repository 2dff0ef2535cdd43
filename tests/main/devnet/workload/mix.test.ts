// The demo workload's mix: deterministic per seed, close to its weights, and every job a valid offer.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkload, DEFAULT_MIX, MODEL_IDS, type DemoJob, type Workload } from '../../../../main/devnet/workload/index.ts';
import { base64DecodedLength, jobInputsSchema, MAX_INPUT_BYTES, type JobInputs } from '../../../../shared/protocol/payloads.ts';

const JOBS = 2000;
let workload: Workload;
let jobs: DemoJob[];
beforeAll(async () => {
  workload = await createDemoWorkload({ seed: 42 });
  jobs = Array.from({ length: JOBS }, () => workload.next());
});

/** What an offer says of a job: compared across workloads, which share no objects. */
const offer = (job: DemoJob) => ({ model: job.model.id, inputs: job.inputs, price: job.price, deadlineMs: job.deadlineMs });

function inputBytes(inputs: JobInputs): number {
  switch (inputs.task) {
    case 'tensor':
      return inputs.tensors.reduce((sum, tensor) => sum + base64DecodedLength(tensor.data), 0);
    case 'ocr':
      return base64DecodedLength(inputs.image);
    case 'embedding':
      return inputs.texts.reduce((sum, text) => sum + new TextEncoder().encode(text).length, 0);
  }
}

const share = (list: DemoJob[], want: (job: DemoJob) => boolean) => list.filter(want).length / list.length;

describe('the demo workload mix', () => {
  it('serves its models, named by the sha256 of their bytes', () => {
    expect(workload.models.map((m) => m.id).sort()).toEqual(Object.values(MODEL_IDS).sort());
    for (const model of workload.models) expect(model.sha256).toBe(createHash('sha256').update(model.bytes).digest('hex'));
    expect(workload.models.map((m) => m.task).sort()).toEqual(['embedding', 'ocr', 'tensor', 'tensor']);
  });

  it('is the same for the same seed, and another for another seed', async () => {
    const again = await createDemoWorkload({ seed: 42 });
    expect(Array.from({ length: 200 }, () => offer(again.next()))).toEqual(jobs.slice(0, 200).map(offer));
    const other = await createDemoWorkload({ seed: 43 });
    expect(Array.from({ length: 200 }, () => offer(other.next()))).not.toEqual(jobs.slice(0, 200).map(offer));
  });

  it('follows its weights roughly, tensor jobs half scale and half MLP', () => {
    const total = DEFAULT_MIX.tensor + DEFAULT_MIX.embedding + DEFAULT_MIX.ocr;
    for (const task of ['tensor', 'embedding', 'ocr'] as const) {
      expect(share(jobs, (job) => job.task === task)).toBeCloseTo(DEFAULT_MIX[task] / total, 1);
    }
    const tensor = jobs.filter((job) => job.task === 'tensor');
    expect(share(tensor, (job) => job.model.id === MODEL_IDS.scale)).toBeGreaterThan(0.4);
    expect(share(tensor, (job) => job.model.id === MODEL_IDS.mlp)).toBeGreaterThan(0.4);
  });

  it('takes other weights, 0 turning a kind off', async () => {
    const custom = await createDemoWorkload({ seed: 1, mix: { ocr: 0, embedding: 1, tensor: 1 } });
    const some = Array.from({ length: 1000 }, () => custom.next());
    expect(share(some, (job) => job.task === 'ocr')).toBe(0);
    expect(share(some, (job) => job.task === 'embedding')).toBeCloseTo(0.5, 1);
    for (const mix of [{ tensor: -1 }, { tensor: Number.NaN }, { tensor: Infinity }, { tensor: 0, embedding: 0, ocr: 0 }]) {
      await expect(createDemoWorkload({ mix })).rejects.toThrow(RangeError);
    }
  });

  it('makes only valid offers: inputs that pass the wire schema, under the size limit, priced and with a deadline', () => {
    for (const job of jobs) {
      const parsed = jobInputsSchema.safeParse(job.inputs);
      expect(parsed.success, parsed.error?.message).toBe(true);
      expect(job.inputs.task).toBe(job.task);
      expect(job.model.task).toBe(job.task);
      expect(workload.models).toContain(job.model);
      expect(inputBytes(job.inputs)).toBeLessThan(MAX_INPUT_BYTES);
      expect(job.price).toBeGreaterThan(0n);
      expect(job.deadlineMs).toBeGreaterThanOrEqual(30_000);
    }
  });

  it('asks for 16–4096 scaled values, MLP batches of 1–8 and 1–8 texts', () => {
    const sizes = (id: string) => jobs.filter((job) => job.model.id === id).map((job) => (job.inputs.task === 'tensor' ? job.inputs.tensors[0]?.dims ?? [] : job.inputs.task === 'embedding' ? [job.inputs.texts.length] : []));
    const scale = sizes(MODEL_IDS.scale).map((dims) => dims[0] ?? 0);
    expect(Math.min(...scale)).toBeGreaterThanOrEqual(16);
    expect(Math.max(...scale)).toBeLessThanOrEqual(4096);
    expect(sizes(MODEL_IDS.mlp).every((dims) => dims.length === 2 && (dims[0] ?? 0) >= 1 && (dims[0] ?? 0) <= 8 && dims[1] === 64)).toBe(true);
    expect(new Set(sizes(MODEL_IDS.embedder).map((dims) => dims[0])).size).toBe(8);
  });
});
