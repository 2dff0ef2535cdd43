import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_BYTES,
  MAX_ISSUES,
  PROTOCOL_VERSION,
  encodeCoordinatorMessage,
  encodeNodeMessage,
  newMessageId,
  parseCoordinatorMessage,
  parseNodeMessage,
  type CoordinatorMessage,
  type NodeMessage,
  type Offer,
  type ParseResult,
} from '../../../shared/protocol/messages.ts';
import { manifestSchema, summaryMatchesManifest, supportsManifest } from '../../../shared/protocol/manifest.ts';
import {
  base64DecodedLength,
  base64ToBytes,
  bytesToBase64,
  decodeTensor,
  decodeTensors,
  encodeTensor,
  encodeTensors,
} from '../../../shared/protocol/payloads.ts';
import type { WireTensor } from '../../../shared/worker-protocol.ts';

const ADDRESS_A = '0x52908400098527886E0F7030069857D2E4169EE7';
const ADDRESS_B = '0x8617e340b3d01fa5f11f306f4090fd50e238070d';
const SIG = `0x${'ab'.repeat(65)}` as const;
const JOB = `0x${'11'.repeat(32)}` as const;
const HASH = `0x${'22'.repeat(32)}` as const;
const SHA = 'c0ffee'.padEnd(64, '0');
const PNG = bytesToBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));

const env = { v: 1 as const, id: 'msg-1' };

function offer(over: Partial<Offer> = {}): Offer {
  return {
    jobId: JOB,
    task: 'embedding',
    model: { id: 'minilm/l6', sha256: SHA, url: 'http://127.0.0.1:7070/models/minilm.onnx', sizeBytes: 90_000_000 },
    inputs: { task: 'embedding', texts: ['hello', 'world'] },
    price: 1_500_000n,
    deadlineAt: 1_800_000_000_000,
    payer: ADDRESS_A,
    signature: SIG,
    ...over,
  };
}

const coordinatorMessages: CoordinatorMessage[] = [
  { ...env, type: 'hello', nonce: 'n0nce-0123456789abcdef', serverTime: 1_700_000_000_000, heartbeatMs: 15_000, network: { chainId: 31337, escrow: ADDRESS_A, token: ADDRESS_B, payer: ADDRESS_A } },
  { ...env, type: 'offer', offer: offer() },
  {
    ...env,
    type: 'offer',
    offer: offer({
      task: 'tensor',
      inputs: { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [1, 3], data: new Float32Array([1, 2, 3]) })] },
      price: 2n ** 256n - 1n,
    }),
  },
  { ...env, type: 'offer', offer: offer({ task: 'ocr', inputs: { task: 'ocr', image: PNG }, price: 0n }) },
  {
    ...env,
    type: 'voucher',
    voucher: { chainId: 31337, escrow: ADDRESS_A, payer: ADDRESS_A, provider: ADDRESS_B, cumulativeAmount: 10n ** 30n, signature: SIG },
    jobIds: [JOB, HASH],
  },
  { ...env, type: 'heartbeat', at: 1_700_000_000_000 },
  { ...env, type: 'error', code: 'schema', message: 'offer.price: must be …', ref: 'n-7', fatal: false },
  { ...env, type: 'ack', ref: '5f0c6a1e-4a4b-4d7e-9a53-0c2f1d1b9e11' },
];

const nodeMessages: NodeMessage[] = [
  { ...env, type: 'login', address: ADDRESS_B, payee: null, nonce: 'n0nce-0123456789abcdef', issuedAt: 1_700_000_000_000, coordinator: 'wss://coord.example/ws', signature: SIG },
  {
    ...env,
    type: 'capabilities',
    tasks: ['tensor', 'ocr', 'embedding'],
    models: [{ id: 'ppocr/det', sha256: SHA }],
    executionProviders: ['cuda', 'cpu'],
    ramMiB: 16384,
    vramMiB: null,
    priceFloorPerHour: 250_000n,
    maxConcurrentJobs: 2,
  },
  { ...env, type: 'capabilities', tasks: [], models: [], executionProviders: ['cpu'], ramMiB: 0, vramMiB: 8192, priceFloorPerHour: null, maxConcurrentJobs: 1 },
  { ...env, type: 'availability', state: 'running', reason: null },
  { ...env, type: 'availability', state: 'paused', reason: 'gaming: eldenring.exe' },
  { ...env, type: 'accept', jobId: JOB },
  { ...env, type: 'decline', jobId: JOB, reason: 'price_too_low', message: null },
  { ...env, type: 'decline', jobId: JOB, reason: 'bad_signature', message: 'signer is not the pinned payer' },
  {
    ...env,
    type: 'result',
    jobId: JOB,
    outputs: { task: 'ocr', lines: [{ text: 'Invoice 42', confidence: 0.97, box: [[0, 0], [10.5, 0], [10.5, 4], [0, 4]], rotated: false }] },
    resultHash: HASH,
    completedAt: 1_700_000_000_500,
    signature: SIG,
    metrics: { durationMs: 41.7, executionProvider: 'cpu' },
  },
  {
    ...env,
    type: 'result',
    jobId: JOB,
    outputs: { task: 'embedding', dims: [2, 2], vectors: bytesToBase64(new Uint8Array(new Float32Array([1, 0, 0, 1]).buffer)), tokens: [3, 4] },
    resultHash: HASH,
    completedAt: 1_700_000_000_500,
    signature: SIG,
    metrics: { durationMs: 3, executionProvider: 'dml' },
  },
  {
    ...env,
    type: 'result',
    jobId: JOB,
    outputs: { task: 'tensor', tensors: encodeTensors({ y: { type: 'int64', dims: [2], data: new BigInt64Array([1n, -1n]) } }) },
    resultHash: HASH,
    completedAt: 1_700_000_000_500,
    signature: SIG,
    metrics: { durationMs: 0, executionProvider: 'coreml' },
  },
  { ...env, type: 'failed', jobId: JOB, code: 'interrupted', message: 'the node restarted while the job ran' },
  { ...env, type: 'failed', jobId: JOB, code: 'out_of_memory', message: '' },
  { ...env, type: 'heartbeat', at: 0 },
  { ...env, type: 'ack', ref: 'voucher-9' },
];

function failure<M>(result: ParseResult<M>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.message, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return result;
}

/** A wire (JSON-safe) copy of a message, to tamper with. */
const wireOf = (frame: string): Record<string, unknown> => JSON.parse(frame) as Record<string, unknown>;

describe('round trips', () => {
  it.each(coordinatorMessages.map((m) => [m.type, m] as const))('coordinator → node: %s', (_type, message) => {
    const frame = encodeCoordinatorMessage(message);
    expect(parseCoordinatorMessage(frame)).toEqual({ ok: true, message });
    expect(parseCoordinatorMessage(new TextEncoder().encode(frame))).toEqual({ ok: true, message });
    expect(parseCoordinatorMessage(JSON.parse(frame))).toEqual({ ok: true, message });
  });

  it.each(nodeMessages.map((m) => [m.type, m] as const))('node → coordinator: %s', (_type, message) => {
    const frame = encodeNodeMessage(message);
    expect(parseNodeMessage(frame)).toEqual({ ok: true, message });
  });

  it('covers every message type of both directions', () => {
    expect(new Set(coordinatorMessages.map((m) => m.type))).toEqual(new Set(['hello', 'offer', 'voucher', 'heartbeat', 'error', 'ack']));
    expect(new Set(nodeMessages.map((m) => m.type))).toEqual(
      new Set(['login', 'capabilities', 'availability', 'accept', 'decline', 'result', 'failed', 'heartbeat', 'ack']),
    );
  });

  it('puts money on the wire as decimal strings and the version as v: 1', () => {
    const wire = wireOf(encodeCoordinatorMessage(coordinatorMessages[1] as CoordinatorMessage));
    expect(wire['v']).toBe(PROTOCOL_VERSION);
    expect((wire['offer'] as Record<string, unknown>)['price']).toBe('1500000');
  });

  it('makes message ids the schema accepts', () => {
    const id = newMessageId();
    expect(parseNodeMessage({ v: 1, type: 'ack', id, ref: id }).ok).toBe(true);
  });
});

describe('rejections, each with its reason', () => {
  const offerFrame = encodeCoordinatorMessage(coordinatorMessages[1] as CoordinatorMessage);
  const resultFrame = encodeNodeMessage(nodeMessages[8] as NodeMessage);

  /** The offer frame with `edit` applied to its wire offer. */
  function offerWith(edit: (offer: Record<string, unknown>) => void): Record<string, unknown> {
    const wire = wireOf(offerFrame);
    edit(wire['offer'] as Record<string, unknown>);
    return wire;
  }

  it('malformed JSON and non-UTF-8 bytes', () => {
    expect(failure(parseCoordinatorMessage('{"v":1,')).reason).toBe('malformed_json');
    expect(failure(parseNodeMessage('')).reason).toBe('malformed_json');
    expect(failure(parseNodeMessage(new Uint8Array([0x7b, 0xff, 0x7d]))).reason).toBe('malformed_json');
  });

  it('frames over MAX_FRAME_BYTES, as text (counted in UTF-8 bytes) or bytes', () => {
    expect(failure(parseNodeMessage(`"${'a'.repeat(MAX_FRAME_BYTES)}"`)).reason).toBe('frame_too_large');
    // 3 MiB of a 3-byte character: under the limit in characters, over it in bytes.
    expect(failure(parseNodeMessage(`"${'€'.repeat(3 * 1024 * 1024)}"`)).reason).toBe('frame_too_large');
    expect(failure(parseCoordinatorMessage(new Uint8Array(MAX_FRAME_BYTES + 1))).reason).toBe('frame_too_large');
  });

  it('a version this side does not speak, keeping the id to answer', () => {
    const result = failure(parseNodeMessage({ v: 2, type: 'heartbeat', id: 'h-1', at: 1 }));
    expect(result).toMatchObject({ reason: 'unsupported_version', ref: 'h-1' });
    expect(failure(parseCoordinatorMessage({ v: 0, type: 'hello', id: 'x' })).reason).toBe('unsupported_version');
  });

  it('unknown types, and types of the other direction', () => {
    expect(failure(parseCoordinatorMessage({ v: 1, type: 'launch_missiles', id: 'm' }))).toMatchObject({ reason: 'unknown_type', ref: 'm' });
    expect(failure(parseCoordinatorMessage(encodeNodeMessage(nodeMessages[0] as NodeMessage))).reason).toBe('unknown_type');
    expect(failure(parseNodeMessage(offerFrame)).reason).toBe('unknown_type');
    expect(failure(parseNodeMessage({ v: 1, type: 'toString', id: 'm' })).reason).toBe('unknown_type');
  });

  it('non-objects and missing envelopes', () => {
    for (const value of ['[]', 'null', '42', '"hello"', '{}']) expect(failure(parseNodeMessage(value)).reason).toBe('schema');
    expect(failure(parseNodeMessage({ v: 1, id: 'm' })).reason).toBe('schema');
    expect(failure(parseNodeMessage({ v: 1, type: 'heartbeat', at: 1 }))).toMatchObject({ reason: 'schema', ref: null });
    expect(failure(parseNodeMessage({ v: 1, type: 'heartbeat', id: 'x'.repeat(65), at: 1 })).reason).toBe('schema');
  });

  it('extra keys, at the top and nested', () => {
    const top = { ...wireOf(resultFrame), extra: true };
    expect(failure(parseNodeMessage(top)).issues.join()).toMatch(/extra/);
    expect(failure(parseCoordinatorMessage(offerWith((o) => ((o['model'] as Record<string, unknown>)['license'] = 'MIT')))).reason).toBe('schema');
    const metrics = wireOf(resultFrame);
    (metrics['metrics'] as Record<string, unknown>)['gpuTemp'] = 80;
    expect(failure(parseNodeMessage(metrics)).reason).toBe('schema');
    expect(failure(parseCoordinatorMessage('{"v":1,"type":"ack","id":"a","ref":"b","__proto__":{"x":1}}')).reason).toBe('schema');
  });

  it('oversized strings and arrays', () => {
    const error = { v: 1, type: 'error', id: 'e', code: 'internal', message: 'x'.repeat(1025), ref: null, fatal: true };
    expect(failure(parseCoordinatorMessage(error)).issues).toEqual(['message: must be at most 1024 characters']);
    const voucher = wireOf(encodeCoordinatorMessage(coordinatorMessages[4] as CoordinatorMessage));
    voucher['jobIds'] = Array.from({ length: 4097 }, (_, i) => `0x${i.toString(16).padStart(64, '0')}`);
    expect(failure(parseCoordinatorMessage(voucher)).issues).toEqual(['jobIds: must hold at most 4096 items']);
    const caps = wireOf(encodeNodeMessage(nodeMessages[1] as NodeMessage));
    caps['models'] = Array.from({ length: 1025 }, () => ({ id: 'm', sha256: SHA }));
    expect(failure(parseNodeMessage(caps)).reason).toBe('schema');
    const texts = Array.from({ length: 257 }, () => 'a');
    expect(failure(parseCoordinatorMessage(offerWith((o) => (o['inputs'] = { task: 'embedding', texts })))).issues).toEqual([
      'offer.inputs.texts: must hold at most 256 texts',
    ]);
    const long = 'a'.repeat(8193);
    expect(failure(parseCoordinatorMessage(offerWith((o) => (o['inputs'] = { task: 'embedding', texts: [long] })))).reason).toBe('schema');
  });

  it('repeated items where a set is meant', () => {
    const caps = wireOf(encodeNodeMessage(nodeMessages[1] as NodeMessage));
    caps['tasks'] = ['ocr', 'ocr'];
    expect(failure(parseNodeMessage(caps)).issues).toEqual(['tasks: must not repeat an item']);
  });

  it('bad hex: job ids, hashes, addresses, signatures, sha256', () => {
    const cases: [string, unknown][] = [
      ['jobId', `0x${'AB'.repeat(32)}`],
      ['jobId', JOB.slice(0, -2)],
      ['jobId', JOB.slice(2)],
      ['resultHash', `0x${'g'.repeat(64)}`],
      ['signature', SIG.slice(0, -2)],
      ['signature', 12],
    ];
    for (const [key, value] of cases) {
      const wire = { ...wireOf(resultFrame), [key]: value };
      expect(failure(parseNodeMessage(wire)).issues[0]).toMatch(new RegExp(`^${key}: must be`));
    }
    expect(failure(parseCoordinatorMessage(offerWith((o) => (o['payer'] = '0x1234')))).issues).toEqual(['offer.payer: must be a 0x-prefixed 20-byte hex address']);
    expect(failure(parseCoordinatorMessage(offerWith((o) => ((o['model'] as Record<string, unknown>)['sha256'] = `0x${SHA}`)))).reason).toBe('schema');
  });

  it('negative, fractional, padded, numeric and too-large money', () => {
    for (const price of ['-1', '1.5', '01', '1e6', '', ' 1', 1500000, null, (2n ** 256n).toString()]) {
      const result = failure(parseCoordinatorMessage(offerWith((o) => (o['price'] = price))));
      expect(result.reason, String(price)).toBe('schema');
      expect(result.issues[0]).toMatch(/^offer\.price: /);
    }
    const caps = { ...wireOf(encodeNodeMessage(nodeMessages[1] as NodeMessage)), priceFloorPerHour: '-5' };
    expect(failure(parseNodeMessage(caps)).reason).toBe('schema');
  });

  it('offers whose inputs are not for their task, or not what they claim', () => {
    expect(failure(parseCoordinatorMessage(offerWith((o) => (o['task'] = 'ocr')))).issues).toEqual(["offer.inputs.task: must be the offer's task (ocr)"]);
    expect(failure(parseCoordinatorMessage(offerWith((o) => (o['task'] = 'audio')))).reason).toBe('schema');
    const tensor = (data: string, dims = [1, 3], name = 'x') => ({ name, type: 'float32', dims, data });
    const goodData = bytesToBase64(new Uint8Array(12));
    const withTensors = (tensors: unknown[]) =>
      offerWith((o) => {
        o['task'] = 'tensor';
        o['inputs'] = { task: 'tensor', tensors };
      });
    expect(parseCoordinatorMessage(withTensors([tensor(goodData)])).ok).toBe(true);
    expect(failure(parseCoordinatorMessage(withTensors([tensor(bytesToBase64(new Uint8Array(8)))]))).issues).toEqual([
      'offer.inputs.tensors.0.data: must hold 12 bytes (float32 × [1, 3])',
    ]);
    expect(failure(parseCoordinatorMessage(withTensors([tensor('AAAA AAAAAAAAAAAA')]))).issues[0]).toMatch(/canonical base64/);
    expect(failure(parseCoordinatorMessage(withTensors([tensor(goodData), tensor(goodData)]))).issues[0]).toMatch(/duplicate tensor name/);
    expect(failure(parseCoordinatorMessage(withTensors([tensor('', [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1])]))).issues[0]).toMatch(/exceeds/);
    expect(failure(parseCoordinatorMessage(withTensors([]))).reason).toBe('schema');
    // An OCR image must be a PNG or a JPEG.
    const gif = bytesToBase64(new TextEncoder().encode('GIF89a....'));
    expect(failure(parseCoordinatorMessage(offerWith((o) => ((o['task'] = 'ocr'), (o['inputs'] = { task: 'ocr', image: gif }))))).issues).toEqual([
      'offer.inputs.image: must be a PNG or JPEG image',
    ]);
    // Model URLs: http(s) only, no credentials.
    for (const url of ['ftp://x/m.onnx', 'https://user:pw@x/m.onnx', 'not a url', 'file:///etc/passwd']) {
      expect(failure(parseCoordinatorMessage(offerWith((o) => ((o['model'] as Record<string, unknown>)['url'] = url)))).reason).toBe('schema');
    }
  });

  it('results whose outputs do not add up', () => {
    const withOutputs = (outputs: unknown) => ({ ...wireOf(resultFrame), outputs });
    const vectors = bytesToBase64(new Uint8Array(12));
    expect(failure(parseNodeMessage(withOutputs({ task: 'embedding', dims: [2, 2], vectors, tokens: [1, 1] }))).issues).toEqual([
      'outputs.vectors: must hold 16 bytes (float32 × [2, 2])',
    ]);
    expect(failure(parseNodeMessage(withOutputs({ task: 'embedding', dims: [1, 3], vectors, tokens: [] }))).issues).toEqual([
      'outputs.tokens: must hold one count per text (1)',
    ]);
    const line = { text: 'a', confidence: 1.2, box: [[0, 0], [1, 0], [1, 1]], rotated: false };
    expect(failure(parseNodeMessage(withOutputs({ task: 'ocr', lines: [line] }))).issues.length).toBe(2);
  });

  it('availability: a pause needs a reason, running has none', () => {
    expect(failure(parseNodeMessage({ v: 1, type: 'availability', id: 'a', state: 'paused', reason: null })).issues).toEqual([
      'reason: a pause needs a reason, and running has none',
    ]);
    expect(failure(parseNodeMessage({ v: 1, type: 'availability', id: 'a', state: 'running', reason: 'x' })).reason).toBe('schema');
    expect(failure(parseNodeMessage({ v: 1, type: 'availability', id: 'a', state: 'sleeping', reason: null })).reason).toBe('schema');
  });

  it('typed reasons and codes only', () => {
    expect(failure(parseNodeMessage({ v: 1, type: 'decline', id: 'd', jobId: JOB, reason: 'meh', message: null })).reason).toBe('schema');
    expect(failure(parseNodeMessage({ v: 1, type: 'failed', id: 'f', jobId: JOB, code: 'oops', message: '' })).reason).toBe('schema');
  });

  it('lists at most MAX_ISSUES issues for a hostile frame', () => {
    const caps = wireOf(encodeNodeMessage(nodeMessages[1] as NodeMessage));
    caps['models'] = Array.from({ length: 50 }, () => ({ id: ' ', sha256: 'x' }));
    const { issues } = failure(parseNodeMessage(caps));
    expect(issues).toHaveLength(MAX_ISSUES + 1);
    expect(issues.at(-1)).toBe('… and 90 more');
  });

  it('refuses to encode an invalid message', () => {
    const bad = { ...(nodeMessages[5] as NodeMessage), jobId: '0x12' } as NodeMessage;
    expect(() => encodeNodeMessage(bad)).toThrow();
  });

  it('never throws on hostile values', () => {
    const hostile: unknown[] = [undefined, null, 0, Symbol('s'), () => 1, new ArrayBuffer(3), new Uint8Array([0x5b, 0x5d]), Object.create(null), { v: 1n }, { v: 1, type: 'offer', id: 'o', offer: { get jobId(): never { throw new Error('boom'); } } }];
    for (const value of hostile) {
      expect(() => parseCoordinatorMessage(value)).not.toThrow();
      expect(parseCoordinatorMessage(value).ok).toBe(false);
    }
  });
});

describe('payload encodings', () => {
  it('base64 matches the standard codec for every length, and only canonical text decodes', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
      expect(base64DecodedLength(text)).toBe(n);
    }
    for (const text of ['QQ', 'QR==', 'QUJ=', 'QUJD\n', 'QU JD', '====', 'Q===', 'QUJD-_8=', 'QUJD€AAA']) {
      expect(base64DecodedLength(text), text).toBe(-1);
      expect(() => base64ToBytes(text)).toThrow(/canonical/);
    }
  });

  it('tensors of every type survive the wire', () => {
    const tensors: WireTensor[] = [
      { type: 'float32', dims: [2], data: new Float32Array([1.5, -0]) },
      { type: 'float64', dims: [1, 1], data: new Float64Array([Math.PI]) },
      { type: 'int32', dims: [3], data: new Int32Array([-1, 0, 2 ** 31 - 1]) },
      { type: 'int64', dims: [1], data: new BigInt64Array([-(2n ** 63n)]) },
      { type: 'uint8', dims: [2], data: new Uint8Array([0, 255]) },
      { type: 'int8', dims: [2], data: new Int8Array([-128, 127]) },
      { type: 'bool', dims: [2], data: new Uint8Array([1, 0]) },
      { type: 'float32', dims: [0, 4], data: new Float32Array(0) },
    ];
    for (const tensor of tensors) expect(decodeTensor(encodeTensor('t', tensor))).toEqual(tensor);
    // A view into a larger buffer encodes only its own bytes.
    const view = new Float32Array(new Float32Array([9, 1, 2, 9]).buffer, 4, 2);
    expect(decodeTensor(encodeTensor('v', { type: 'float32', dims: [2], data: view })).data).toEqual(new Float32Array([1, 2]));
    const map = decodeTensors(encodeTensors({ __proto__: tensors[0] as WireTensor, b: tensors[1] as WireTensor }));
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });
});

describe('the network manifest', () => {
  const manifest = {
    protocolVersion: 1,
    chainId: 31337,
    escrow: ADDRESS_A,
    token: { address: ADDRESS_B, symbol: 'hUSD', decimals: 6 },
    payer: ADDRESS_A,
    coordinator: 'ws://127.0.0.1:7071/hearth',
  };

  it('parses, dropping keys it does not know', () => {
    expect(manifestSchema.parse({ ...manifest, motd: 'welcome' })).toEqual(manifest);
    expect(supportsManifest(manifestSchema.parse(manifest))).toBe(true);
    expect(supportsManifest(manifestSchema.parse({ ...manifest, protocolVersion: 2 }))).toBe(false);
  });

  it('refuses bad fields', () => {
    const bad: Record<string, unknown>[] = [
      { coordinator: 'https://coord.example' },
      { coordinator: 'wss://u:p@coord.example' },
      { coordinator: 'coord.example:443' },
      { chainId: 0 },
      { chainId: 1.5 },
      { escrow: '0x12' },
      { token: { address: ADDRESS_B, symbol: 'hUSD', decimals: 77 } },
      { token: { address: ADDRESS_B, symbol: '', decimals: 6 } },
      { protocolVersion: '1' },
    ];
    for (const edit of bad) expect(manifestSchema.safeParse({ ...manifest, ...edit }).success, JSON.stringify(edit)).toBe(false);
    const { payer: _payer, ...missing } = manifest;
    expect(manifestSchema.safeParse(missing).success).toBe(false);
  });

  it("compares a hello's summary with the manifest, ignoring address case", () => {
    const parsed = manifestSchema.parse(manifest);
    const summary = { chainId: 31337, escrow: ADDRESS_A.toLowerCase() as `0x${string}`, token: ADDRESS_B, payer: ADDRESS_A } as const;
    expect(summaryMatchesManifest(summary, parsed)).toBe(true);
    expect(summaryMatchesManifest({ ...summary, payer: ADDRESS_B }, parsed)).toBe(false);
    expect(summaryMatchesManifest({ ...summary, chainId: 1 }, parsed)).toBe(false);
  });
});
