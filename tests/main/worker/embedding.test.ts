// Sentence embeddings through the real worker, on the encoder and tokenizer Hearth generates.
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenizer } from '../../../main/inference/tokenizer.ts';
import { WorkerError } from '../../../main/worker/supervisor.ts';
import { encodeEmbeddingBundle } from '../../../shared/embedding-bundle.ts';
import { embedderTokenizer, generatedEmbedder } from '../../../shared/onnx/embedder.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import { sha256, startSupervisor } from '../../helpers/worker.ts';

const parts = generatedEmbedder();
const bundle = encodeEmbeddingBundle(parts);
const bundleSha = sha256(bundle);
const job = (texts: unknown) => ({ modelSha256: bundleSha, modelBytes: () => bundle, texts: texts as string[], deadlineMs: 20_000 });

/** The reference, computed here without the worker's code: tokenize, run in-process, mean-pool, normalise. */
let reference: (text: string) => Promise<Float32Array>;
beforeAll(async () => {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(parts.model, { intraOpNumThreads: 1, executionProviders: ['cpu'] });
  const { tokenizer, tokenizerConfig } = embedderTokenizer();
  const tok = createTokenizer(tokenizer, tokenizerConfig);
  reference = async (text) => {
    const ids = tok.encode(text).ids;
    const n = ids.length;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    });
    const hidden = out.last_hidden_state?.data as Float32Array;
    const dim = hidden.length / n;
    const mean = new Float32Array(dim);
    for (let t = 0; t < n; t++) for (let d = 0; d < dim; d++) mean[d] = (mean[d] ?? 0) + (hidden[t * dim + d] ?? 0) / n;
    const norm = Math.sqrt(mean.reduce((s, v) => s + v * v, 0));
    return mean.map((v) => v / norm);
  };
});

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('sentence embeddings in the worker', () => {
  it('match an independent in-process reference exactly', async () => {
    const { supervisor } = startSupervisor();
    const text = 'Hearth pays for idle GPU compute.';
    const result = await supervisor.runEmbedding(job([text]));
    expect(result.dims).toEqual([1, 32]);
    expect(result.vectors).toEqual(await reference(text));
    expect(norm(result.vectors)).toBeCloseTo(1, 5);
  });

  it('embed each text of a batch as if alone (padding is masked out)', async () => {
    const { supervisor } = startSupervisor();
    const texts = ['hello world', 'the quick brown fox jumps over the lazy dog, again and again', 'hello world'];
    const batch = await supervisor.runEmbedding(job(texts));
    expect(batch.dims).toEqual([3, 32]);
    const { tokenizer, tokenizerConfig } = embedderTokenizer();
    const tok = createTokenizer(tokenizer, tokenizerConfig);
    expect(batch.tokens).toEqual(texts.map((t) => tok.encode(t).ids.length));
    expect(batch.tokens[1]).toBeGreaterThan(batch.tokens[0] ?? 0); // so the first row really was padded
    for (const [i, text] of texts.entries()) {
      const alone = (await supervisor.runEmbedding(job([text]))).vectors;
      const row = batch.vectors.subarray(i * 32, (i + 1) * 32);
      row.forEach((v, d) => expect(v).toBeCloseTo(alone[d] ?? Number.NaN, 5));
    }
    expect(batch.vectors.subarray(0, 32)).toEqual(batch.vectors.subarray(64, 96));
    expect(batch.vectors.subarray(0, 32)).not.toEqual(batch.vectors.subarray(32, 64));
  });

  it('truncates a text past the model’s token limit', async () => {
    const { supervisor } = startSupervisor();
    const result = await supervisor.runEmbedding(job(['word '.repeat(500)]));
    expect(result.tokens).toEqual([128]);
  });

  it.each([
    ['an empty list', [], /non-empty list/],
    ['a non-string', ['ok', 42], /text 1 is not a string/],
    ['too many texts', Array.from({ length: 257 }, () => 'x'), /at most 256 texts/],
    ['a text too long', ['x'.repeat(20_001)], /more than 20000/],
    ['not a list', 'just a string', /non-empty list/],
  ])('refuses %s with a specific error', async (_what, texts, message) => {
    const { supervisor } = startSupervisor();
    const error = await supervisor.runEmbedding(job(texts)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) as unknown });
  });

  it('refuses an embedding job on a model that is not an embedder', async () => {
    const { supervisor } = startSupervisor();
    const scale = scaleModel();
    const error = await supervisor.runEmbedding({ modelSha256: sha256(scale), modelBytes: () => scale, texts: ['x'], deadlineMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_input', message: 'this model is not an embedding bundle' });
  });
});

describe('the generated tokenizer', () => {
  it('tokenizes BERT-style: lower-cased WordPiece between [CLS] and [SEP]', () => {
    const { tokenizer, tokenizerConfig } = embedderTokenizer();
    const tok = createTokenizer(tokenizer, tokenizerConfig);
    expect(tok.encode('Hello World!').tokens).toEqual(['[CLS]', 'hello', 'world', '!', '[SEP]']);
    expect(tok.encode('GPUs').tokens).toEqual(['[CLS]', 'gpu', '##s', '[SEP]']);
  });
});
