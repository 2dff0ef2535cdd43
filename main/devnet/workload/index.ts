/**
 * The local network's demo workload: a steady, seeded mix of small real
 * jobs — tensor math, sentence embeddings, OCR — each made with its answer
 * known, so a coordinator pays for right answers only.
 */
import type { JobOutputs } from '../../../shared/protocol/payloads.ts';
import { loadEmbeddingReferences, loadOcrCorpus } from './corpus.ts';
import { checkEmbedding, embeddingJob } from './embedding-jobs.ts';
import { readExpected, type Expected } from './expected.ts';
import { checkMlp, mlpJob } from './mlp-jobs.ts';
import { demoModels } from './models.ts';
import { checkOcr, ocrJob } from './ocr-jobs.ts';
import { mulberry32 } from './random.ts';
import { checkScale, scaleJob } from './scale-jobs.ts';
import type { CheckResult, DemoJob, DemoModel, Workload } from './types.ts';
import { refuse } from './verdict.ts';

export type { CheckResult, DemoJob, DemoModel, Workload } from './types.ts';
export { MODEL_IDS } from './models.ts';

export type MixKind = 'tensor' | 'embedding' | 'ocr';

export interface DemoWorkloadOptions {
  /** The same seed gives the same jobs in the same order. */
  seed?: number;
  /** Relative weights; kinds left out keep their default, a weight of 0 turns a kind off. */
  mix?: Partial<Record<MixKind, number>>;
}

export const DEFAULT_SEED = 0x4ea27;
/** Mostly cheap tensor jobs, some embeddings, the odd (slow, well-paid) OCR page. */
export const DEFAULT_MIX: Readonly<Record<MixKind, number>> = { tensor: 6, embedding: 3, ocr: 1 };

/**
 * Prices in base units of the 6-decimal test token (1000 = 0.001 tUSD): demo
 * prices, ordered by the work. Worker time measured on a 2-core test machine:
 * scale and MLP well under 1 ms, an embedding batch 1–10 ms, an OCR page
 * 100–300 ms.
 */
export const PRICES = { scale: 1_000n, mlp: 2_000n, embedding: 5_000n, ocr: 20_000n } as const;
/** From the offer: generous for a busy 2-core machine (jobs take well under a second), longer for OCR. */
export const DEADLINES_MS = { scale: 30_000, mlp: 30_000, embedding: 30_000, ocr: 60_000 } as const;

export async function createDemoWorkload(options: DemoWorkloadOptions = {}): Promise<Workload> {
  const weights = mixWeights(options.mix);
  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  const models = await demoModels();
  const ocrCorpus = loadOcrCorpus();
  const embeddingCorpus = loadEmbeddingReferences(models.embedder);
  const job = (model: DemoModel, made: { inputs: DemoJob['inputs']; expected: Expected }, price: bigint, deadlineMs: number): DemoJob => ({
    task: model.task,
    model,
    inputs: made.inputs,
    price,
    deadlineMs,
    // Plain data (typed arrays, strings, numbers): the coordinator may keep it through V8's serializer.
    expected: made.expected,
  });

  const next = (): DemoJob => {
    switch (pick(weights, random.next())) {
      case 'tensor':
        // Half and half: the scale model's answers are exact, the MLP's are a real forward pass.
        return random.next() < 0.5
          ? job(models.scale, scaleJob(random), PRICES.scale, DEADLINES_MS.scale)
          : job(models.mlp, mlpJob(random), PRICES.mlp, DEADLINES_MS.mlp);
      case 'embedding':
        return job(models.embedder, embeddingJob(random, embeddingCorpus), PRICES.embedding, DEADLINES_MS.embedding);
      case 'ocr':
        return job(models.ocr, ocrJob(random, ocrCorpus), PRICES.ocr, DEADLINES_MS.ocr);
    }
  };

  const check = (demoJob: DemoJob, outputs: JobOutputs): CheckResult => {
    try {
      const expected = readExpected(demoJob.expected);
      if (!expected) return refuse('the job carries no expected answer the demo workload made: it cannot be checked');
      if (outputs.task !== demoJob.task) return refuse(`expected ${demoJob.task} outputs, got ${outputs.task} outputs`);
      return checkAgainst(expected, outputs);
    } catch (error) {
      // Outputs that passed the wire schema should not get here; a check still never throws.
      return refuse(`the outputs could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return { models: [models.scale, models.mlp, models.embedder, models.ocr], next, check };
}

function checkAgainst(expected: Expected, outputs: JobOutputs): CheckResult {
  switch (expected.kind) {
    case 'scale':
      return outputs.task === 'tensor' ? checkScale(expected, outputs) : refuse('expected tensor outputs');
    case 'mlp':
      return outputs.task === 'tensor' ? checkMlp(expected, outputs) : refuse('expected tensor outputs');
    case 'ocr':
      return outputs.task === 'ocr' ? checkOcr(expected, outputs) : refuse('expected OCR outputs');
    case 'embedding':
      return outputs.task === 'embedding' ? checkEmbedding(expected, outputs) : refuse('expected embedding outputs');
  }
}

const KINDS: readonly MixKind[] = ['tensor', 'embedding', 'ocr'];

/** The options' weights over the defaults, as [kind, cumulative share] — refused if none is left positive. */
function mixWeights(mix: Partial<Record<MixKind, number>> = {}): [MixKind, number][] {
  const entries = KINDS.map((kind): [MixKind, number] => [kind, mix[kind] ?? DEFAULT_MIX[kind]]);
  for (const [kind, weight] of entries) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`the ${kind} weight must be a finite number ≥ 0, not ${weight}`);
  }
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new RangeError('the mix must give at least one kind of job a positive weight');
  let cumulative = 0;
  return entries.map(([kind, weight]) => [kind, (cumulative += weight) / total]);
}

function pick(weights: readonly [MixKind, number][], roll: number): MixKind {
  for (const [kind, upTo] of weights) if (roll < upTo) return kind;
  // Not reached: the last share is total / total = 1, and roll < 1.
  throw new Error(`no kind of job for roll ${roll}`);
}
