import type * as Ort from 'onnxruntime-node';
import type { EmbeddingBundle, EmbeddingConfig } from '../../shared/embedding-bundle.ts';
import { createTokenizer, type TextTokenizer } from './tokenizer.ts';
import { InputError } from './validate.ts';

type Session = Awaited<ReturnType<typeof Ort.InferenceSession.create>>;

export interface Embedder {
  session: Session;
  tokenizer: TextTokenizer;
  config: EmbeddingConfig;
  padId: number;
}

export const MAX_TEXTS = 256;
export const MAX_TEXT_CHARS = 20_000;

export function createEmbedder(session: Session, bundle: EmbeddingBundle): Embedder {
  const tokenizer = createTokenizer(bundle.tokenizer, bundle.tokenizerConfig);
  const padToken = (bundle.tokenizerConfig as { pad_token?: unknown } | null)?.pad_token;
  const padId = typeof padToken === 'string' ? (tokenizer.token_to_id(padToken) ?? 0) : 0;
  return { session, tokenizer, config: bundle.config, padId };
}

/** Sentence embeddings: tokenise, truncate, pad, run the encoder, pool over real tokens, normalise. */
export async function embed(ort: typeof Ort, embedder: Embedder, texts: unknown): Promise<{ vectors: Float32Array; dims: [number, number]; tokens: number[] }> {
  if (!Array.isArray(texts) || texts.length === 0) throw new InputError('texts must be a non-empty list of strings');
  if (texts.length > MAX_TEXTS) throw new InputError(`at most ${MAX_TEXTS} texts per job, not ${texts.length}`);
  texts.forEach((text, i) => {
    if (typeof text !== 'string') throw new InputError(`text ${i} is not a string`);
    if (text.length > MAX_TEXT_CHARS) throw new InputError(`text ${i} has ${text.length} characters, more than ${MAX_TEXT_CHARS}`);
  });
  const max = embedder.config.maxTokens;
  const encoded: number[][] = (texts as string[]).map((text) => {
    const ids = embedder.tokenizer.encode(text).ids;
    // Too long: keep the start and the closing special token.
    return ids.length <= max ? ids : [...ids.slice(0, max - 1), ids[ids.length - 1] ?? 0];
  });
  const batch = encoded.length;
  const length = Math.max(...encoded.map((ids) => ids.length));
  const inputIds = new BigInt64Array(batch * length).fill(BigInt(embedder.padId));
  const mask = new BigInt64Array(batch * length);
  encoded.forEach((ids, b) => ids.forEach((id, t) => {
    inputIds[b * length + t] = BigInt(id);
    mask[b * length + t] = 1n;
  }));
  const outputs = await embedder.session.run({
    input_ids: new ort.Tensor('int64', inputIds, [batch, length]),
    attention_mask: new ort.Tensor('int64', mask, [batch, length]),
  });
  const hidden = outputs[embedder.session.outputNames[0] ?? ''];
  if (!hidden || hidden.dims.length !== 3) throw new Error('the encoder did not return [batch, tokens, dim]');
  const dim = Number(hidden.dims[2]);
  return { vectors: pool(hidden.data as Float32Array, encoded.map((ids) => ids.length), length, dim, embedder.config), dims: [batch, dim], tokens: encoded.map((ids) => ids.length) };
}

/** Mean (over each text's real tokens) or [CLS] pooling, then optional L2 normalisation. */
export function pool(hidden: Float32Array, lengths: number[], length: number, dim: number, config: EmbeddingConfig): Float32Array {
  const out = new Float32Array(lengths.length * dim);
  lengths.forEach((count, b) => {
    const used = config.pooling === 'cls' ? 1 : count;
    for (let t = 0; t < used; t++) for (let d = 0; d < dim; d++) out[b * dim + d] = (out[b * dim + d] ?? 0) + (hidden[(b * length + t) * dim + d] ?? 0) / used;
    if (config.normalize) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += (out[b * dim + d] ?? 0) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dim; d++) out[b * dim + d] = (out[b * dim + d] ?? 0) / norm;
    }
  });
  return out;
}
