// Runs a demo job the way a node does: the offer's inputs decoded for the worker, the real
// sandboxed worker, its answer in wire form (shared/protocol/results.ts).
import type { DemoJob, Workload } from '../../../../main/devnet/workload/types.ts';
import type { WorkerSupervisor } from '../../../../main/worker/supervisor.ts';
import type { JobOutputs } from '../../../../shared/protocol/payloads.ts';
import { embeddingJobOutputs, ocrJobOutputs, tensorJobOutputs, workerInputs } from '../../../../shared/protocol/results.ts';

export async function runDemoJob(supervisor: WorkerSupervisor, job: DemoJob): Promise<{ outputs: JobOutputs; durationMs: number }> {
  const model = { modelSha256: job.model.sha256, modelBytes: () => job.model.bytes, deadlineMs: job.deadlineMs };
  const inputs = workerInputs(job.inputs);
  switch (inputs.task) {
    case 'tensor': {
      const result = await supervisor.run({ ...model, inputs: inputs.inputs });
      return { outputs: tensorJobOutputs(result.outputs), durationMs: result.durationMs };
    }
    case 'ocr': {
      const result = await supervisor.runOcr({ ...model, image: inputs.image });
      return { outputs: ocrJobOutputs(result.lines), durationMs: result.durationMs };
    }
    case 'embedding': {
      const result = await supervisor.runEmbedding({ ...model, texts: inputs.texts });
      return { outputs: embeddingJobOutputs(result), durationMs: result.durationMs };
    }
  }
}

/** The workload's next jobs that satisfy `want`, at most `count` of them (searching at most `limit` jobs). */
export function jobsWhere(workload: Workload, want: (job: DemoJob) => boolean, count: number, limit = 10_000): DemoJob[] {
  const found: DemoJob[] = [];
  for (let i = 0; i < limit && found.length < count; i++) {
    const job = workload.next();
    if (want(job)) found.push(job);
  }
  return found;
}
