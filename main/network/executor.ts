/**
 * What runs an accepted job: the `JobExecutor` interface the client needs,
 * and the real one over the worker supervisor and the model cache. A job's
 * failure is a `JobRunFailure` with a wire failure code; anything else
 * thrown is reported as `internal`.
 */
import type { ExecutionProviderName } from '../../shared/worker-protocol.ts';
import { failureCodes, type FailureCode, type Offer } from '../../shared/protocol/messages.ts';
import type { JobOutputs } from '../../shared/protocol/payloads.ts';
import { embeddingJobOutputs, ocrJobOutputs, tensorJobOutputs, workerInputs } from '../../shared/protocol/results.ts';
import { errorMessage } from '../../shared/errors.ts';
import { ModelCacheError, type ModelCache } from '../models/cache.ts';
import type { WorkerSupervisor } from '../worker/supervisor.ts';

export interface JobRun {
  outputs: JobOutputs;
  durationMs: number;
  executionProvider: ExecutionProviderName;
}

export interface JobExecutor {
  /**
   * Runs one job. `signal` aborts it (a pause, a quit): the executor then
   * rejects soon, with `signal.reason` when that is a JobRunFailure.
   */
  run(job: { offer: Offer; signal: AbortSignal }): Promise<JobRun>;
}

export class JobRunFailure extends Error {
  override name = 'JobRunFailure';
  readonly code: FailureCode;
  constructor(code: FailureCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The failure code and message of anything a run threw. */
export function failureOf(error: unknown): { code: FailureCode; message: string } {
  if (error instanceof JobRunFailure) return { code: error.code, message: error.message };
  const message = errorMessage(error);
  // WorkerError (main/worker) carries the worker's codes, which are wire failure codes; matched by shape, not class.
  if (error instanceof Error && error.name === 'WorkerError' && 'code' in error && isFailureCode(error.code)) return { code: error.code, message };
  if (error instanceof Error && error.name === 'ModelCacheError') return { code: 'model_unavailable', message };
  return { code: 'internal', message };
}

export function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === 'string' && (failureCodes as readonly string[]).includes(value);
}

function abortReason(signal: AbortSignal): JobRunFailure {
  return signal.reason instanceof JobRunFailure ? signal.reason : new JobRunFailure('paused', 'the job was stopped before it finished');
}

/** Starts `start()` unless `signal` has aborted; rejects as soon as it aborts, otherwise settles as the work does. */
function abortable<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  const work = start();
  const reason = () => abortReason(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs jobs in the sandboxed worker: the model by its sha256 from the
 * offer's URL (downloaded once, checked, kept in use while the job runs), the
 * inputs converted for the worker, its answer converted back to wire outputs.
 * An abort answers at once; the worker itself is preempted by the node's
 * pause of the supervisor, which frees its memory.
 */
export function workerExecutor(options: { supervisor: WorkerSupervisor; models: ModelCache; now?: () => number }): JobExecutor {
  const now = options.now ?? Date.now;
  return {
    run({ offer, signal }) {
      return abortable(() => runInWorker(offer, options.supervisor, options.models, now), signal);
    },
  };
}

async function runInWorker(offer: Offer, supervisor: WorkerSupervisor, models: ModelCache, now: () => number): Promise<JobRun> {
  const sha256 = offer.model.sha256;
  try {
    await models.ensure(sha256, offer.model.url);
  } catch (error) {
    // Only the kind of failure goes back to the network: the detail (an HTTP status, the hash of what came back) would
    // tell a network what answers at an address the node refused or reached, so it stays out of the reply.
    const kind = error instanceof ModelCacheError ? error.code : 'download_failed';
    throw new JobRunFailure('model_unavailable', `the model ${offer.model.id} could not be fetched (${kind})`);
  }
  const release = models.acquire(sha256);
  try {
    const modelBytes = () => models.read(sha256);
    const deadlineMs = Math.max(1, offer.deadlineAt - now());
    const inputs = workerInputs(offer.inputs);
    switch (inputs.task) {
      case 'tensor': {
        const run = await supervisor.run({ modelSha256: sha256, modelBytes, inputs: inputs.inputs, deadlineMs });
        return { outputs: tensorJobOutputs(run.outputs), durationMs: run.durationMs, executionProvider: run.provider };
      }
      case 'ocr': {
        const run = await supervisor.runOcr({ modelSha256: sha256, modelBytes, image: inputs.image, deadlineMs });
        return { outputs: ocrJobOutputs(run.lines), durationMs: run.durationMs, executionProvider: run.provider };
      }
      case 'embedding': {
        const run = await supervisor.runEmbedding({ modelSha256: sha256, modelBytes, texts: inputs.texts, deadlineMs });
        return { outputs: embeddingJobOutputs(run), durationMs: run.durationMs, executionProvider: run.provider };
      }
    }
  } finally {
    release();
  }
}
