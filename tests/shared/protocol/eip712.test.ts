import { describe, expect, it } from 'vitest';
import { TypedDataEncoder } from 'ethers';
import { hashTypedData, keccak256, stringToBytes, verifyTypedData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  hashInputs,
  hashOutputs,
  jobResultDigest,
  jobResultTypedData,
  jobResultTypes,
  loginDigest,
  loginTypedData,
  loginTypes,
  networkDomain,
  offerDigest,
  offerTypedData,
  offerTypes,
  recoverJobResultSigner,
  recoverLoginSigner,
  recoverOfferSigner,
  resultHashMatches,
  type JobResultFields,
  type LoginFields,
} from '../../../shared/protocol/eip712.ts';
import { encodeCoordinatorMessage, encodeNodeMessage, parseCoordinatorMessage, parseNodeMessage, type Offer } from '../../../shared/protocol/messages.ts';
import { bytesToBase64, canonicalJson, encodeTensors, type JobOutputs } from '../../../shared/protocol/payloads.ts';

const payer = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const node = privateKeyToAccount(`0x${'b2'.repeat(32)}`);
const CHAIN = 31337;
const JOB = `0x${'5e'.repeat(32)}` as const;

const unsignedOffer: Omit<Offer, 'signature'> = {
  jobId: JOB,
  task: 'embedding',
  model: { id: 'minilm', sha256: 'ab'.repeat(32), url: 'https://models.example/minilm.onnx', sizeBytes: 1234 },
  inputs: { task: 'embedding', texts: ['a cat', 'un chat'] },
  price: 123_456_789_000_000_000_000n,
  deadlineAt: 1_800_000_000_123,
  payer: payer.address,
};

const PAYEE = '0x00000000000000000000000000000000000000aa' as const;
const login: LoginFields = { node: node.address, payee: PAYEE, nonce: 'nonce-0123456789abcdef', issuedAt: 1_700_000_000_000, coordinator: 'ws://127.0.0.1:7071/' };

const embeddingOutputs: JobOutputs = {
  task: 'embedding',
  dims: [1, 2],
  vectors: bytesToBase64(new Uint8Array(new Float32Array([1, 2]).buffer)),
  tokens: [3],
};

/** An independent implementation: ethers' encoder over the same (literal) definitions. */
function ethersHash(types: Record<string, readonly { name: string; type: string }[]>, value: Record<string, unknown>): string {
  const mutable = Object.fromEntries(Object.entries(types).map(([k, v]) => [k, v.map((f) => ({ ...f }))]));
  return TypedDataEncoder.hash({ name: 'Hearth Network', version: '1', chainId: CHAIN }, mutable, value);
}

describe('typed data', () => {
  it('has the type strings of the protocol spec', () => {
    expect(TypedDataEncoder.from({ Login: [...loginTypes.Login] }).encodeType('Login')).toBe('Login(address node,address payee,string nonce,uint64 issuedAt,string coordinator)');
    expect(TypedDataEncoder.from({ Offer: [...offerTypes.Offer] }).encodeType('Offer')).toBe(
      'Offer(bytes32 jobId,string task,bytes32 modelSha256,bytes32 inputsHash,uint256 price,uint64 deadlineAt,address payer)',
    );
    expect(TypedDataEncoder.from({ JobResult: [...jobResultTypes.JobResult] }).encodeType('JobResult')).toBe(
      'JobResult(bytes32 jobId,address payee,bytes32 resultHash,uint256 price,uint64 completedAt)',
    );
    expect(networkDomain(CHAIN)).toEqual({ name: 'Hearth Network', version: '1', chainId: CHAIN });
  });

  it("offerDigest is viem's hashTypedData of the offer and agrees with ethers", () => {
    const digest = offerDigest(CHAIN, unsignedOffer);
    const message = {
      jobId: JOB,
      task: 'embedding',
      modelSha256: `0x${'ab'.repeat(32)}` as const,
      inputsHash: hashInputs(unsignedOffer.inputs),
      price: unsignedOffer.price,
      deadlineAt: 1_800_000_000_123n,
      payer: payer.address,
    };
    expect(digest).toBe(hashTypedData({ domain: { name: 'Hearth Network', version: '1', chainId: CHAIN }, types: offerTypes, primaryType: 'Offer', message }));
    expect(digest).toBe(ethersHash(offerTypes, message));
    // Every signed field counts; the model's id and URL are not signed.
    expect(offerDigest(CHAIN + 1, unsignedOffer)).not.toBe(digest);
    expect(offerDigest(CHAIN, { ...unsignedOffer, price: unsignedOffer.price + 1n })).not.toBe(digest);
    expect(offerDigest(CHAIN, { ...unsignedOffer, deadlineAt: unsignedOffer.deadlineAt + 1 })).not.toBe(digest);
    expect(offerDigest(CHAIN, { ...unsignedOffer, inputs: { task: 'embedding', texts: ['a cat', 'un chat!'] } })).not.toBe(digest);
    expect(offerDigest(CHAIN, { ...unsignedOffer, model: { ...unsignedOffer.model, sha256: 'cd'.repeat(32) } })).not.toBe(digest);
    const moved = { ...unsignedOffer, model: { ...unsignedOffer.model, id: 'renamed', url: 'https://elsewhere/m.onnx' } };
    expect(offerDigest(CHAIN, moved)).toBe(digest);
  });

  it('jobResultDigest and loginDigest agree with viem and ethers', () => {
    const result: JobResultFields = { jobId: JOB, payee: node.address, resultHash: hashOutputs(embeddingOutputs), price: 42n, completedAt: 1_700_000_000_999 };
    const resultMessage = { ...result, completedAt: 1_700_000_000_999n };
    expect(jobResultDigest(CHAIN, result)).toBe(
      hashTypedData({ domain: networkDomain(CHAIN), types: jobResultTypes, primaryType: 'JobResult', message: resultMessage }),
    );
    expect(jobResultDigest(CHAIN, result)).toBe(ethersHash(jobResultTypes, resultMessage));
    const loginMessage = { ...login, issuedAt: 1_700_000_000_000n };
    expect(loginDigest(CHAIN, login)).toBe(hashTypedData({ domain: networkDomain(CHAIN), types: loginTypes, primaryType: 'Login', message: loginMessage }));
    expect(loginDigest(CHAIN, login)).toBe(ethersHash(loginTypes, loginMessage));
  });
});

describe('signatures recover to the signer', () => {
  it('offers: the payer signs, the node recovers the payer; a tampered offer recovers someone else', async () => {
    const signature = await payer.signTypedData(offerTypedData(CHAIN, unsignedOffer));
    const offer: Offer = { ...unsignedOffer, signature };
    expect(await recoverOfferSigner(CHAIN, offer)).toBe(payer.address);
    expect(await verifyTypedData({ address: payer.address, ...offerTypedData(CHAIN, offer), signature })).toBe(true);
    expect(await recoverOfferSigner(CHAIN, { ...offer, price: offer.price * 2n })).not.toBe(payer.address);
    expect(await recoverOfferSigner(CHAIN + 1, offer)).not.toBe(payer.address);

    // Through the wire and back, the signature still holds.
    const parsed = parseCoordinatorMessage(encodeCoordinatorMessage({ v: 1, type: 'offer', id: 'o-1', offer }));
    if (!parsed.ok || parsed.message.type !== 'offer') throw new Error('offer did not parse');
    expect(await recoverOfferSigner(CHAIN, parsed.message.offer)).toBe(payer.address);
  });

  it('login: the node signs the nonce for one coordinator', async () => {
    const signature = await node.signTypedData(loginTypedData(CHAIN, login));
    expect(await recoverLoginSigner(CHAIN, login, signature)).toBe(node.address);
    expect(await recoverLoginSigner(CHAIN, { ...login, nonce: 'nonce-other-0123456789' }, signature)).not.toBe(node.address);
    expect(await recoverLoginSigner(CHAIN, { ...login, coordinator: 'wss://evil.example/' }, signature)).not.toBe(node.address);
    // The payee is signed: a coordinator (or anyone between) cannot redirect the node's vouchers.
    expect(await recoverLoginSigner(CHAIN, { ...login, payee: '0x00000000000000000000000000000000000000bb' }, signature)).not.toBe(node.address);
    const { node: address, ...rest } = login;
    expect(parseNodeMessage({ v: 1, type: 'login', id: 'l', address, ...rest, signature }).ok).toBe(true);
    expect(parseNodeMessage({ v: 1, type: 'login', id: 'l', address, ...login, signature }).ok).toBe(false);
  });

  it('results: the node signs hashOutputs; the coordinator checks hash and signer from the parsed message', async () => {
    const completedAt = 1_700_000_001_000;
    const resultHash = hashOutputs(embeddingOutputs);
    const signature = await node.signTypedData(jobResultTypedData(CHAIN, { jobId: JOB, payee: node.address, resultHash, price: unsignedOffer.price, completedAt }));
    const frame = encodeNodeMessage({
      v: 1,
      type: 'result',
      id: 'r-1',
      jobId: JOB,
      outputs: embeddingOutputs,
      resultHash,
      completedAt,
      signature,
      metrics: { durationMs: 12.5, executionProvider: 'cpu' },
    });
    const parsed = parseNodeMessage(frame);
    if (!parsed.ok || parsed.message.type !== 'result') throw new Error('result did not parse');
    const result = parsed.message;
    expect(resultHashMatches(result)).toBe(true);
    const fields = { jobId: result.jobId, payee: node.address, resultHash: result.resultHash, price: unsignedOffer.price, completedAt: result.completedAt };
    expect(await recoverJobResultSigner(CHAIN, fields, result.signature)).toBe(node.address);
    expect(await recoverJobResultSigner(CHAIN, { ...fields, price: 1n }, result.signature)).not.toBe(node.address);
    expect(resultHashMatches({ ...result, outputs: { ...embeddingOutputs, tokens: [4] } })).toBe(false);
  });
});

describe('hashOutputs / hashInputs', () => {
  it('is keccak256 of the documented canonical JSON', () => {
    expect(canonicalJson(embeddingOutputs)).toBe('{"dims":[1,2],"task":"embedding","tokens":[3],"vectors":"AACAPwAAAEA="}');
    expect(hashOutputs(embeddingOutputs)).toBe(keccak256(stringToBytes('{"dims":[1,2],"task":"embedding","tokens":[3],"vectors":"AACAPwAAAEA="}')));
    expect(hashInputs({ task: 'embedding', texts: ['é"\n'] })).toBe(keccak256(stringToBytes('{"task":"embedding","texts":["é\\"\\n"]}')));
    // A fixed vector: a change to the encoding is a protocol change.
    expect(hashOutputs(embeddingOutputs)).toMatchInlineSnapshot(`"0x91a763f9a8956f0cbb31f41d00f6ede7958d171dd7c393b5620a6e1ef4a1f910"`);
  });

  it('is deterministic and ignores key order', () => {
    const line = { text: 'Total 12,00 €', confidence: 0.5, box: [[1, 2], [3, 4], [5, 6], [7, 8]] as [[number, number], [number, number], [number, number], [number, number]], rotated: true };
    const reordered = { rotated: true, box: line.box, confidence: 0.5, text: 'Total 12,00 €' };
    const a = hashOutputs({ task: 'ocr', lines: [line] });
    expect(hashOutputs({ task: 'ocr', lines: [line] })).toBe(a);
    expect(hashOutputs({ lines: [reordered], task: 'ocr' })).toBe(a);
    expect(hashOutputs(JSON.parse(JSON.stringify({ task: 'ocr', lines: [line] })) as JobOutputs)).toBe(a);
  });

  it('changes with order, bytes, text and numbers', () => {
    const l1 = { text: 'one', confidence: 0.9, box: [[0, 0], [1, 0], [1, 1], [0, 1]] as [[number, number], [number, number], [number, number], [number, number]], rotated: false };
    const l2 = { ...l1, text: 'two' };
    const base = hashOutputs({ task: 'ocr', lines: [l1, l2] });
    const variants: JobOutputs[] = [
      { task: 'ocr', lines: [l2, l1] },
      { task: 'ocr', lines: [l1, { ...l2, text: 'two ' }] },
      { task: 'ocr', lines: [l1, { ...l2, confidence: 0.9000001 }] },
      { task: 'ocr', lines: [l1, { ...l2, rotated: true }] },
      { task: 'ocr', lines: [l1] },
    ];
    for (const outputs of variants) expect(hashOutputs(outputs)).not.toBe(base);

    const tensors = (values: number[], names = ['a', 'b']) =>
      hashOutputs({
        task: 'tensor',
        tensors: encodeTensors(Object.fromEntries(names.map((name) => [name, { type: 'float32', dims: [values.length], data: new Float32Array(values) }]))),
      });
    expect(tensors([1, 2])).toBe(tensors([1, 2]));
    expect(tensors([1, 2])).not.toBe(tensors([2, 1]));
    expect(tensors([1, 2])).not.toBe(tensors([1, 2], ['b', 'a'])); // tensor list order is part of the result
    expect(tensors([0])).not.toBe(tensors([-0])); // the bytes differ, so the hash does
  });

  it('refuses values JSON cannot say exactly', () => {
    for (const value of [undefined, Number.NaN, Infinity, 1n, new Uint8Array(1), new Date(0), { a: undefined }, [() => 1]]) {
      expect(() => canonicalJson(value)).toThrow(TypeError);
    }
    expect(canonicalJson({ b: [1, -0, 1e21, 0.1], a: null, 'é': '\u2028' })).toBe('{"a":null,"b":[1,0,1e+21,0.1],"é":"\u2028"}');
  });
});
