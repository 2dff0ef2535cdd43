/**
 * What jobs carry over the coordinator protocol: inputs (in offers) and
 * outputs (in results), per task, in a JSON-safe *wire* form, plus the
 * canonical encoding that `hashInputs` / `hashOutputs` (eip712.ts) hash.
 *
 * - Binary data is canonical base64 (RFC 4648 §4: standard alphabet, padded,
 *   unused bits zero), so one byte string has exactly one text form.
 * - Tensors are lists of named tensors `{ name, type, dims, data }`; `data` is
 *   the tensor's elements as little-endian bytes (`bool`: one byte each), and
 *   its length must equal product(dims) × element size. A list (not a map)
 *   so order is explicit; names are unique.
 * - Embeddings are `[texts, dim]` float32 vectors as little-endian bytes.
 * - OCR lines are shared/worker-protocol.ts's `OcrLine`.
 *
 * No codecs here: a payload's decoded form equals its wire form, so the hash
 * of what was received is the hash of what was sent.
 */
import { z } from 'zod';
import { keccak256, stringToBytes } from 'viem';
import { tensorTypes, type OcrLine, type TensorData, type TensorType, type WireTensor } from '../worker-protocol.ts';
import type { Hex } from '../voucher.ts';

export const MiB = 1024 * 1024;
/** Largest total decoded size of one job's inputs (tensor bytes, OCR image). */
export const MAX_INPUT_BYTES = 5 * MiB;
/** Largest total decoded size of one job's binary outputs (tensors, embedding vectors). */
export const MAX_OUTPUT_BYTES = 5 * MiB;
export const MAX_TENSORS = 16;
export const MAX_TENSOR_RANK = 8;
export const MAX_TENSOR_NAME_CHARS = 128;
export const MAX_EMBEDDING_TEXTS = 256;
export const MAX_EMBEDDING_TEXT_CHARS = 8192;
export const MAX_EMBEDDING_DIM = 8192;
export const MAX_OCR_LINES = 4096;
export const MAX_OCR_TEXT_CHARS = 4096;

// ---- hex -------------------------------------------------------------------

const BYTES32 = /^0x[0-9a-f]{64}$/;
/** 32 bytes as 0x + 64 *lowercase* hex digits: one spelling per value (job ids are keys). */
export const bytes32Schema = z.custom<Hex>((value) => typeof value === 'string' && BYTES32.test(value), {
  error: 'must be 0x followed by 64 lowercase hex digits (32 bytes)',
});

// ---- base64 ------------------------------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
const sextet = (code: number): number => (code < 128 ? (LOOKUP[code] ?? -1) : -1);

/** The number of characters canonical base64 of `bytes` bytes takes. */
export function base64Chars(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** The decoded length of canonical base64 text, or -1 if the text is not canonical base64. */
export function base64DecodedLength(text: string): number {
  const n = text.length;
  if (n % 4 !== 0) return -1;
  if (n === 0) return 0;
  const pad = text.charCodeAt(n - 1) === 61 ? (text.charCodeAt(n - 2) === 61 ? 2 : 1) : 0;
  for (let i = 0; i < n - pad; i++) if (sextet(text.charCodeAt(i)) < 0) return -1;
  // The bits after the last byte must be zero, or two texts would decode alike.
  if (pad === 2 && (sextet(text.charCodeAt(n - 3)) & 0x0f) !== 0) return -1;
  if (pad === 1 && (sextet(text.charCodeAt(n - 2)) & 0x03) !== 0) return -1;
  return (n / 4) * 3 - pad;
}

const ALPHABET_CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const code = (index: number): number => ALPHABET_CODES[index] ?? 0;

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(base64Chars(n));
  let o = 0;
  for (let i = 0; i < n; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    out[o++] = code(a >> 2);
    out[o++] = code(((a & 0x03) << 4) | (b >> 4));
    out[o++] = i + 1 < n ? code(((b & 0x0f) << 2) | (c >> 6)) : 61;
    out[o++] = i + 2 < n ? code(c & 0x3f) : 61;
  }
  return new TextDecoder().decode(out);
}

export class Base64FormatError extends Error {
  override name = 'Base64FormatError';
}

/** Decodes canonical base64 only (see the file comment); throws `Base64FormatError` otherwise. */
export function base64ToBytes(text: string): Uint8Array {
  const length = base64DecodedLength(text);
  if (length < 0) throw new Base64FormatError('not canonical base64');
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = sextet(text.charCodeAt(i));
    const b = sextet(text.charCodeAt(i + 1));
    const c = sextet(text.charCodeAt(i + 2));
    const d = sextet(text.charCodeAt(i + 3));
    out[o++] = (a << 2) | (b >> 4);
    if (o < length) out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    if (o < length) out[o++] = ((c & 0x03) << 6) | d;
  }
  return out;
}

/** Canonical base64 of at most `maxBytes` decoded bytes. */
export function base64Schema(maxBytes: number) {
  return z
    .string()
    .max(base64Chars(maxBytes), `must decode to at most ${maxBytes} bytes`)
    .refine((text) => base64DecodedLength(text) >= 0, 'must be canonical base64 (standard alphabet, padded, no whitespace)');
}

// ---- tensors -------------------------------------------------------------------

export const TENSOR_ELEMENT_BYTES: Readonly<Record<TensorType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
  int8: 1,
  bool: 1,
};

/** product(dims) × element size, or Infinity past `limit` (no overflow on hostile dims). */
function tensorBytes(type: TensorType, dims: readonly number[], limit: number): number {
  let bytes = TENSOR_ELEMENT_BYTES[type];
  for (const dim of dims) {
    bytes *= dim;
    if (bytes > limit) return Infinity;
  }
  return bytes;
}

const tensorNameSchema = z
  .string()
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .max(MAX_TENSOR_NAME_CHARS, `must be at most ${MAX_TENSOR_NAME_CHARS} characters`);

function namedTensorSchema(maxBytes: number) {
  return z
    .strictObject({
      name: tensorNameSchema,
      type: z.enum(tensorTypes),
      dims: z.array(z.number().int().nonnegative().max(2 ** 31 - 1)).max(MAX_TENSOR_RANK, `must have at most ${MAX_TENSOR_RANK} dimensions`),
      data: base64Schema(maxBytes),
    })
    .superRefine((tensor, ctx) => {
      const expected = tensorBytes(tensor.type, tensor.dims, maxBytes);
      if (base64DecodedLength(tensor.data) !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: ['data'],
          message: Number.isFinite(expected)
            ? `must hold ${expected} bytes (${tensor.type} × [${tensor.dims.join(', ')}])`
            : `the tensor's size exceeds ${maxBytes} bytes`,
        });
      }
    });
}
export type NamedWireTensor = z.output<ReturnType<typeof namedTensorSchema>>;

function tensorListSchema(maxBytes: number) {
  return z
    .array(namedTensorSchema(maxBytes))
    .min(1, 'must hold at least one tensor')
    .max(MAX_TENSORS, `must hold at most ${MAX_TENSORS} tensors`)
    .superRefine((tensors, ctx) => {
      const names = new Set<string>();
      let total = 0;
      for (const [index, tensor] of tensors.entries()) {
        if (names.has(tensor.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate tensor name ${JSON.stringify(tensor.name)}` });
        names.add(tensor.name);
        total += base64DecodedLength(tensor.data);
      }
      if (total > maxBytes) ctx.addIssue({ code: 'custom', message: `the tensors hold ${total} bytes; at most ${maxBytes} are allowed` });
    });
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** A worker tensor in wire form. Throws on a big-endian host (the wire is little-endian; none is supported). */
export function encodeTensor(name: string, tensor: WireTensor): NamedWireTensor {
  if (!littleEndian()) throw new Error('big-endian hosts are not supported');
  const { data } = tensor;
  return {
    name,
    type: tensor.type,
    dims: [...tensor.dims],
    data: bytesToBase64(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  };
}

/** The worker's form of a validated wire tensor (a copy; aligned). */
export function decodeTensor(tensor: NamedWireTensor): WireTensor {
  if (!littleEndian()) throw new Error('big-endian hosts are not supported');
  const bytes = base64ToBytes(tensor.data);
  const buffer = bytes.buffer;
  const data: TensorData = {
    float32: () => new Float32Array(buffer),
    float64: () => new Float64Array(buffer),
    int32: () => new Int32Array(buffer),
    int64: () => new BigInt64Array(buffer),
    uint8: () => bytes,
    int8: () => new Int8Array(buffer),
    bool: () => bytes,
  }[tensor.type]();
  return { type: tensor.type, dims: [...tensor.dims], data };
}

/** Wire tensors as the worker's name → tensor map (`Object.fromEntries`: a name like `__proto__` stays a plain key). */
export function decodeTensors(tensors: readonly NamedWireTensor[]): Record<string, WireTensor> {
  return Object.fromEntries(tensors.map((tensor) => [tensor.name, decodeTensor(tensor)]));
}

export function encodeTensors(tensors: Readonly<Record<string, WireTensor>>): NamedWireTensor[] {
  return Object.entries(tensors).map(([name, tensor]) => encodeTensor(name, tensor));
}

// ---- inputs ----------------------------------------------------------------------

/** PNG (89 50 4E 47 0D 0A 1A 0A) or JPEG (FF D8 FF), by their base64 prefixes. */
const IMAGE_PREFIXES = ['iVBORw0KGgo', '/9j/'];

export const jobInputsSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('tensor'), tensors: tensorListSchema(MAX_INPUT_BYTES) }),
  z.strictObject({
    task: z.literal('ocr'),
    /** The compressed image, as the worker takes it. */
    image: base64Schema(MAX_INPUT_BYTES).refine((text) => IMAGE_PREFIXES.some((prefix) => text.startsWith(prefix)), 'must be a PNG or JPEG image'),
  }),
  z.strictObject({
    task: z.literal('embedding'),
    texts: z
      .array(z.string().min(1, 'must not be empty').max(MAX_EMBEDDING_TEXT_CHARS, `must be at most ${MAX_EMBEDDING_TEXT_CHARS} characters`))
      .min(1, 'must hold at least one text')
      .max(MAX_EMBEDDING_TEXTS, `must hold at most ${MAX_EMBEDDING_TEXTS} texts`),
  }),
]);
export type JobInputs = z.output<typeof jobInputsSchema>;

// ---- outputs ---------------------------------------------------------------------

const pixel = z.number().min(-1e6).max(1e6);
export const ocrLineSchema = z.strictObject({
  text: z.string().max(MAX_OCR_TEXT_CHARS, `must be at most ${MAX_OCR_TEXT_CHARS} characters`),
  confidence: z.number().min(0).max(1),
  box: z.tuple([z.tuple([pixel, pixel]), z.tuple([pixel, pixel]), z.tuple([pixel, pixel]), z.tuple([pixel, pixel])]),
  rotated: z.boolean(),
});
// The wire line is the worker's line.
const _ocrLineFits: OcrLine = {} as z.output<typeof ocrLineSchema>;

export const jobOutputsSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('tensor'), tensors: tensorListSchema(MAX_OUTPUT_BYTES) }),
  z.strictObject({ task: z.literal('ocr'), lines: z.array(ocrLineSchema).max(MAX_OCR_LINES, `must hold at most ${MAX_OCR_LINES} lines`) }),
  z
    .strictObject({
      task: z.literal('embedding'),
      /** [texts, dim]. */
      dims: z.tuple([z.number().int().min(1).max(MAX_EMBEDDING_TEXTS), z.number().int().min(1).max(MAX_EMBEDDING_DIM)]),
      /** texts × dim float32, little-endian, row by row. */
      vectors: base64Schema(MAX_OUTPUT_BYTES),
      /** Tokens each text was encoded to (after truncation). */
      tokens: z.array(z.number().int().nonnegative().max(1_000_000)).max(MAX_EMBEDDING_TEXTS),
    })
    .superRefine((out, ctx) => {
      const [texts, dim] = out.dims;
      if (base64DecodedLength(out.vectors) !== texts * dim * 4) {
        ctx.addIssue({ code: 'custom', path: ['vectors'], message: `must hold ${texts * dim * 4} bytes (float32 × [${texts}, ${dim}])` });
      }
      if (out.tokens.length !== texts) ctx.addIssue({ code: 'custom', path: ['tokens'], message: `must hold one count per text (${texts})` });
    }),
]);
export type JobOutputs = z.output<typeof jobOutputsSchema>;

// ---- canonical JSON ----------------------------------------------------------------

/**
 * Canonical JSON (RFC 8785, JCS, for the values used here): no whitespace;
 * object keys sorted by UTF-16 code units; strings and numbers as ECMAScript's
 * JSON.stringify writes them (shortest round-trip numbers, -0 as 0); array
 * order kept. Throws on anything JSON cannot say exactly (undefined,
 * non-finite numbers, bigint, functions, typed arrays, class instances).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON takes plain objects only');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no ${typeof value}`);
  }
}

/** keccak256 over the UTF-8 bytes of the value's canonical JSON. */
export function hashCanonical(value: unknown): Hex {
  return keccak256(stringToBytes(canonicalJson(value)));
}
