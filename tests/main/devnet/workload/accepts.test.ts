// The demo workload accepts what the real sandboxed worker answers: every OCR image, and a
// sample of embeddings, scale and MLP jobs, run as a node runs them.
import { beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkload, MODEL_IDS, type DemoJob, type Workload } from '../../../../main/devnet/workload/index.ts';
import { loadOcrCorpus } from '../../../../main/devnet/workload/corpus.ts';
import { jobOutputsSchema } from '../../../../shared/protocol/payloads.ts';
import { startSupervisor } from '../../../helpers/worker.ts';
import { jobsWhere, runDemoJob } from './run-job.ts';

let workload: Workload;
beforeAll(async () => {
  workload = await createDemoWorkload({ seed: 11 });
});

const ofModel = (id: string) => (job: DemoJob) => job.model.id === id;

async function expectAccepted(jobs: DemoJob[], by = workload): Promise<void> {
  expect(jobs.length).toBeGreaterThan(0);
  const { supervisor } = startSupervisor({ config: { intraOpThreads: 2 } });
  for (const job of jobs) {
    const { outputs } = await runDemoJob(supervisor, job);
    // What a coordinator receives has passed the wire schema first.
    expect(jobOutputsSchema.safeParse(outputs).success).toBe(true);
    expect(by.check(job, outputs)).toEqual({ ok: true });
  }
}

describe('the demo workload checks real answers', () => {
  it('accepts the worker’s reading of every OCR image', async () => {
    const ocr = await createDemoWorkload({ seed: 5, mix: { tensor: 0, embedding: 0, ocr: 1 } });
    // One job per distinct image, until every image of the corpus came up.
    const byImage = new Map<string, DemoJob>();
    for (const job of jobsWhere(ocr, () => true, 500)) if (job.inputs.task === 'ocr' && !byImage.has(job.inputs.image)) byImage.set(job.inputs.image, job);
    expect(byImage.size).toBe(loadOcrCorpus().length);
    await expectAccepted([...byImage.values()], ocr);
  });

  it('accepts embeddings of 1–8 texts, batched', async () => {
    const jobs = jobsWhere(workload, ofModel(MODEL_IDS.embedder), 12);
    expect(new Set(jobs.map((job) => (job.inputs.task === 'embedding' ? job.inputs.texts.length : 0))).size).toBeGreaterThan(3);
    await expectAccepted(jobs);
  });

  it('accepts scale and MLP answers', async () => {
    const scale = jobsWhere(workload, ofModel(MODEL_IDS.scale), 10);
    const mlp = jobsWhere(workload, ofModel(MODEL_IDS.mlp), 10);
    await expectAccepted([...scale, ...mlp]);
  });
});
