import { Tokenizer } from '@huggingface/tokenizers';

/**
 * The part of @huggingface/tokenizers Hearth uses, typed here: the package's
 * declarations import their own files without extensions, which TypeScript's
 * `nodenext` resolution cannot follow, so its types arrive unresolved.
 */
export interface TextTokenizer {
  encode(text: string): { ids: number[]; tokens: string[]; attention_mask: number[] };
  token_to_id(token: string): number | undefined;
}

const TokenizerClass = Tokenizer as unknown as new (tokenizerJson: unknown, tokenizerConfig: unknown) => TextTokenizer;

/** A tokenizer from Hugging Face's tokenizer.json and tokenizer_config.json, held in memory. */
export function createTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown): TextTokenizer {
  return new TokenizerClass(tokenizerJson, tokenizerConfig);
}
