/**
 * hearth/embedder-mini-v1 jobs: a few sentences of the committed corpus,
 * whose vectors were computed once with the real worker
 * (resources/devnet/embeddings.ts). Token counts are exact (the tokenizer is
 * deterministic); vectors must point the same way as the reference
 * (batching pads and reorders sums, so not bit for bit) and be unit length,
 * as the model normalises them.
 */
import { embeddingVectors } from '../../../shared/protocol/results.ts';
import type { JobInputs, JobOutputs } from '../../../shared/protocol/payloads.ts';
import { sample, type Random } from './random.ts';
import type { CheckResult } from './types.ts';
import { accept, quote, refuse, show } from './verdict.ts';

export interface EmbeddingReference {
  text: string;
  tokens: number;
  vector: Float32Array;
}

export interface EmbeddingExpected {
  kind: 'embedding';
  rows: readonly EmbeddingReference[];
}

const MAX_TEXTS = 8;
/** A right answer scores ~1 − 1e-7; the smallest real error (a reordered row, another text) scores far lower. */
const MIN_COSINE = 0.999;
const NORM_TOLERANCE = 1e-3;

export function embeddingJob(random: Random, corpus: readonly EmbeddingReference[]): { inputs: JobInputs; expected: EmbeddingExpected } {
  const rows = sample(random, corpus, random.int(1, MAX_TEXTS));
  return { inputs: { task: 'embedding', texts: rows.map((row) => row.text) }, expected: { kind: 'embedding', rows } };
}

export function checkEmbedding(expected: EmbeddingExpected, outputs: Extract<JobOutputs, { task: 'embedding' }>): CheckResult {
  const dim = expected.rows[0]?.vector.length ?? 0;
  const [texts, gotDim] = outputs.dims;
  if (texts !== expected.rows.length || gotDim !== dim) return refuse(`dims are [${texts}, ${gotDim}], expected [${expected.rows.length}, ${dim}]`);
  const vectors = embeddingVectors(outputs);
  for (const [row, reference] of expected.rows.entries()) {
    const what = `row ${row} (${quote(reference.text, 40)})`;
    if (outputs.tokens[row] !== reference.tokens) return refuse(`${what} has ${outputs.tokens[row]} tokens, expected ${reference.tokens}`);
    const vector = vectors.subarray(row * dim, (row + 1) * dim);
    if (!vector.every(Number.isFinite)) return refuse(`${what} holds a value that is not a finite number`);
    let dot = 0;
    let norm2 = 0;
    for (let d = 0; d < dim; d++) {
      dot += (vector[d] ?? 0) * (reference.vector[d] ?? 0);
      norm2 += (vector[d] ?? 0) ** 2;
    }
    const norm = Math.sqrt(norm2);
    if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) return refuse(`${what} has length ${show(norm)}; the model's vectors have length 1`);
    // The reference has length 1 too, so dot/norm is the cosine.
    const cosine = dot / norm;
    if (!(cosine >= MIN_COSINE)) return refuse(`${what} has cosine ${show(cosine)} with the reference vector, at least ${MIN_COSINE} expected`);
  }
  return accept;
}
