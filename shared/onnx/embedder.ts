/**
 * A small sentence-embedding model Hearth generates itself (no weights are
 * downloaded): a WordPiece tokenizer over a fixed English vocabulary and one
 * transformer encoder block (token + position embeddings, single-head
 * self-attention with a padding mask, feed-forward, layer norms), with seeded
 * random weights. It is not trained — its vectors carry no meaning — but it
 * exercises exactly the path a real encoder (e.g. MiniLM) takes.
 */
import type { EmbeddingBundle } from '../embedding-bundle.ts';
import { encodeModel, type Initializer, type Node } from './model.ts';
import { seededWeights } from './zoo.ts';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
const WORDS = (
  'the a an and or of to in on for with is are was be it this that hearth node gpu cpu idle job jobs pay paid earn earnings ' +
  'voucher wallet model text image hello world quick brown fox jumps over lazy dog rent compute network token run'
).split(' ');

export function embedderVocabulary(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  const punctuation = '.,!?;:\'"()-'.split('');
  return [...SPECIAL, ...WORDS, ...letters, ...letters.map((c) => `##${c}`), ...punctuation];
}

export function embedderTokenizer(): { tokenizer: unknown; tokenizerConfig: unknown } {
  const vocab = Object.fromEntries(embedderVocabulary().map((token, id) => [token, id]));
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    tokenizer: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((token, id) => special(token, id)),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    },
    tokenizerConfig: { model_max_length: 128, do_lower_case: true, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', tokenizer_class: 'BertTokenizer' },
  };
}

/** One encoder block: inputs input_ids, attention_mask (int64 [batch, tokens]); output last_hidden_state [batch, tokens, dim]. */
export function encoderModel(options: { vocabSize: number; dim?: number; maxTokens?: number; seed?: number }): Uint8Array {
  const { vocabSize, dim = 32, maxTokens = 128, seed = 11 } = options;
  const f32 = (name: string, dims: number[], values: Float32Array): Initializer => ({ name, type: 'float32', dims, values });
  const w = (name: string, rows: number, cols: number, n: number): Initializer => f32(name, [rows, cols], seededWeights(rows * cols, seed + n, 1 / Math.sqrt(rows)));
  const ones = (name: string) => f32(name, [dim], new Float32Array(dim).fill(1));
  const zeros = (name: string, size = dim) => f32(name, [size], new Float32Array(size));
  const initializers: Initializer[] = [
    f32('tok_emb', [vocabSize, dim], seededWeights(vocabSize * dim, seed, 1)),
    f32('pos_emb', [maxTokens, dim], seededWeights(maxTokens * dim, seed + 1, 0.1)),
    ones('ln0_g'), zeros('ln0_b'), ones('ln1_g'), zeros('ln1_b'), ones('ln2_g'), zeros('ln2_b'),
    w('wq', dim, dim, 2), w('wk', dim, dim, 3), w('wv', dim, dim, 4), w('wo', dim, dim, 5),
    w('w1', dim, 4 * dim, 6), zeros('b1', 4 * dim), w('w2', 4 * dim, dim, 7), zeros('b2'),
    f32('scale', [], Float32Array.of(1 / Math.sqrt(dim))),
    f32('one', [], Float32Array.of(1)),
    f32('neg_big', [], Float32Array.of(-1e9)),
    { name: 'i0', type: 'int64', dims: [], values: BigInt64Array.of(0n) },
    { name: 'i1', type: 'int64', dims: [], values: BigInt64Array.of(1n) },
    { name: 'axis1', type: 'int64', dims: [1], values: BigInt64Array.of(1n) },
  ];
  const ln = (input: string, out: string, g: string, b: string): Node => ({ op: 'LayerNormalization', inputs: [input, g, b], outputs: [out], attributes: [{ name: 'axis', int: -1 }, { name: 'epsilon', float: 1e-5 }] });
  const nodes: Node[] = [
    // Embeddings: tokens + positions 0..tokens-1.
    { op: 'Gather', inputs: ['tok_emb', 'input_ids'], outputs: ['tok'] },
    { op: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
    { op: 'Gather', inputs: ['ids_shape', 'i1'], outputs: ['seq_len'] },
    { op: 'Range', inputs: ['i0', 'seq_len', 'i1'], outputs: ['positions'] },
    { op: 'Gather', inputs: ['pos_emb', 'positions'], outputs: ['pos'] },
    { op: 'Add', inputs: ['tok', 'pos'], outputs: ['emb'] },
    ln('emb', 'x', 'ln0_g', 'ln0_b'),
    // Self-attention, padding masked out.
    { op: 'MatMul', inputs: ['x', 'wq'], outputs: ['q'] },
    { op: 'MatMul', inputs: ['x', 'wk'], outputs: ['k'] },
    { op: 'MatMul', inputs: ['x', 'wv'], outputs: ['v'] },
    { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attributes: [{ name: 'perm', ints: [0, 2, 1] }] },
    { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['scores_raw'] },
    { op: 'Mul', inputs: ['scores_raw', 'scale'], outputs: ['scores'] },
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['maskf'], attributes: [{ name: 'to', int: 1 }] },
    { op: 'Sub', inputs: ['one', 'maskf'], outputs: ['unmask'] },
    { op: 'Mul', inputs: ['unmask', 'neg_big'], outputs: ['bias2'] },
    { op: 'Unsqueeze', inputs: ['bias2', 'axis1'], outputs: ['bias'] },
    { op: 'Add', inputs: ['scores', 'bias'], outputs: ['masked'] },
    { op: 'Softmax', inputs: ['masked'], outputs: ['attn'], attributes: [{ name: 'axis', int: -1 }] },
    { op: 'MatMul', inputs: ['attn', 'v'], outputs: ['ctx'] },
    { op: 'MatMul', inputs: ['ctx', 'wo'], outputs: ['attn_out'] },
    { op: 'Add', inputs: ['x', 'attn_out'], outputs: ['res1'] },
    ln('res1', 'h1', 'ln1_g', 'ln1_b'),
    // Feed-forward.
    { op: 'MatMul', inputs: ['h1', 'w1'], outputs: ['ff1'] },
    { op: 'Add', inputs: ['ff1', 'b1'], outputs: ['ff1b'] },
    { op: 'Relu', inputs: ['ff1b'], outputs: ['ff1r'] },
    { op: 'MatMul', inputs: ['ff1r', 'w2'], outputs: ['ff2'] },
    { op: 'Add', inputs: ['ff2', 'b2'], outputs: ['ff2b'] },
    { op: 'Add', inputs: ['h1', 'ff2b'], outputs: ['res2'] },
    ln('res2', 'last_hidden_state', 'ln2_g', 'ln2_b'),
  ];
  return encodeModel({
    metadata: { 'hearth.model': 'embedder' },
    graph: {
      name: 'embedder',
      inputs: [
        { name: 'input_ids', type: 'int64', shape: ['batch', 'tokens'] },
        { name: 'attention_mask', type: 'int64', shape: ['batch', 'tokens'] },
      ],
      outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'tokens', dim] }],
      initializers,
      nodes,
    },
  });
}

/** The generated embedder as a bundle. */
export function generatedEmbedder(): EmbeddingBundle {
  const { tokenizer, tokenizerConfig } = embedderTokenizer();
  return {
    model: encoderModel({ vocabSize: embedderVocabulary().length }),
    tokenizer,
    tokenizerConfig,
    config: { maxTokens: 128, pooling: 'mean', normalize: true },
  };
}
