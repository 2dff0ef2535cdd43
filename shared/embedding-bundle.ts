import { decodeBundle, encodeBundle, hasMagic } from './bundle.ts';

/** A sentence-embedding model: a transformer encoder and its tokenizer, as one model (see bundle.ts). */
export const EMBEDDING_BUNDLE_MAGIC = 'HEMBBND1';

export interface EmbeddingConfig {
  /** Longest input in tokens (longer texts are truncated). */
  maxTokens: number;
  pooling: 'mean' | 'cls';
  normalize: boolean;
}

export interface EmbeddingBundle {
  /** ONNX encoder: inputs input_ids and attention_mask (int64 [batch, tokens]), output [batch, tokens, dim]. */
  model: Uint8Array;
  /** Hugging Face tokenizer.json and tokenizer_config.json. */
  tokenizer: unknown;
  tokenizerConfig: unknown;
  config: EmbeddingConfig;
}

export function encodeEmbeddingBundle(bundle: EmbeddingBundle): Uint8Array {
  return encodeBundle(EMBEDDING_BUNDLE_MAGIC, {
    model: bundle.model,
    tokenizer: JSON.stringify(bundle.tokenizer),
    tokenizerConfig: JSON.stringify(bundle.tokenizerConfig),
    config: JSON.stringify(bundle.config),
  });
}

export function isEmbeddingBundle(bytes: Uint8Array): boolean {
  return hasMagic(bytes, EMBEDDING_BUNDLE_MAGIC);
}

export function decodeEmbeddingBundle(bytes: Uint8Array): EmbeddingBundle {
  const parts = decodeBundle(bytes, EMBEDDING_BUNDLE_MAGIC, ['model', 'tokenizer', 'tokenizerConfig', 'config'], 'embedding bundle');
  const json = (name: 'tokenizer' | 'tokenizerConfig' | 'config'): unknown => {
    try {
      return JSON.parse(new TextDecoder().decode(parts[name]));
    } catch {
      throw new Error(`embedding bundle part "${name}" is not valid JSON`);
    }
  };
  const config = json('config') as Partial<EmbeddingConfig>;
  if (!Number.isInteger(config.maxTokens) || (config.maxTokens ?? 0) < 2 || (config.pooling !== 'mean' && config.pooling !== 'cls') || typeof config.normalize !== 'boolean') {
    throw new Error('embedding bundle config is invalid');
  }
  return { model: parts.model, tokenizer: json('tokenizer'), tokenizerConfig: json('tokenizerConfig'), config: config as EmbeddingConfig };
}
