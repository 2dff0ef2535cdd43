import { hashTypedData, parseSignature, serializeSignature, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { voucherDomain, voucherTypes, type Address, type VoucherWire } from '../../../shared/voucher.ts';
import {
  VoucherRejectedError,
  VoucherVerifier,
  voucherDigest,
  voucherDomainSeparator,
  type VoucherRejection,
} from '../../../main/wallet/vouchers.ts';

const payer = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const provider = privateKeyToAccount(generatePrivateKey()).address;
const escrow: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const chainId = 31337;
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function sign(
  amount: bigint,
  options: { signer?: typeof payer; chainId?: number; escrow?: Address; provider?: Address } = {},
): Promise<VoucherWire & { signature: `0x${string}` }> {
  const signer = options.signer ?? payer;
  const signature = await signer.signTypedData({
    domain: voucherDomain(options.chainId ?? chainId, options.escrow ?? escrow),
    types: voucherTypes,
    primaryType: 'Voucher',
    message: { payer: payer.address, provider: options.provider ?? provider, cumulativeAmount: amount },
  });
  return { chainId, escrow, payer: payer.address, provider: options.provider ?? provider, cumulativeAmount: amount.toString(), signature };
}

function rejection(verifier: VoucherVerifier, input: unknown, highest?: bigint): VoucherRejection | 'accepted' {
  try {
    verifier.verify(input, highest);
    return 'accepted';
  } catch (error) {
    if (error instanceof VoucherRejectedError) return error.reason;
    throw error;
  }
}

const verifier = new VoucherVerifier({ chainId, escrow, payer: payer.address, provider });

describe('voucher digest', () => {
  it('equals viem hashTypedData for many payers, providers, chains and amounts', () => {
    for (let i = 0; i < 50; i++) {
      const message = {
        payer: privateKeyToAccount(generatePrivateKey()).address,
        provider: privateKeyToAccount(generatePrivateKey()).address,
        cumulativeAmount: i === 0 ? 0n : i === 1 ? 2n ** 256n - 1n : BigInt(toHex(crypto.getRandomValues(new Uint8Array(1 + (i % 32))))),
      };
      const domain = voucherDomain(1 + i * 7919, privateKeyToAccount(generatePrivateKey()).address);
      const expected = hashTypedData({ domain, types: voucherTypes, primaryType: 'Voucher', message });
      expect(toHex(voucherDigest(voucherDomainSeparator(domain.chainId, domain.verifyingContract), message))).toBe(expected);
    }
  });
});

describe('VoucherVerifier', () => {
  it('accepts a voucher signed by the payer and returns it parsed (amount as bigint)', async () => {
    const voucher = verifier.verify(await sign(1_500_000n), undefined);
    expect(voucher.cumulativeAmount).toBe(1_500_000n);
    expect(verifier.verify(await sign(2_000_000n), 1_500_000n).cumulativeAmount).toBe(2_000_000n);
  });

  it('accepts checksummed and lower-case addresses alike', async () => {
    const voucher = await sign(7n);
    expect(rejection(verifier, { ...voucher, payer: voucher.payer.toLowerCase(), escrow: voucher.escrow.toLowerCase() })).toBe('accepted');
  });

  it('rejects a lower or equal cumulative amount', async () => {
    expect(rejection(verifier, await sign(100n), 100n)).toBe('not_increasing');
    expect(rejection(verifier, await sign(99n), 100n)).toBe('not_increasing');
  });

  it('rejects a voucher signed by anyone but the payer', async () => {
    expect(rejection(verifier, await sign(100n, { signer: stranger }))).toBe('bad_signature');
  });

  it('rejects a voucher signed for another chain or another escrow but presented as ours', async () => {
    expect(rejection(verifier, await sign(100n, { chainId: 1 }))).toBe('bad_signature');
    expect(rejection(verifier, await sign(100n, { escrow: stranger.address }))).toBe('bad_signature');
  });

  it('rejects a voucher naming another domain, payer or provider', async () => {
    const voucher = await sign(100n);
    expect(rejection(verifier, { ...voucher, chainId: 8453 })).toBe('wrong_domain');
    expect(rejection(verifier, { ...voucher, escrow: stranger.address })).toBe('wrong_domain');
    expect(rejection(verifier, { ...voucher, payer: stranger.address })).toBe('wrong_payer');
    expect(rejection(verifier, await sign(100n, { provider: stranger.address }))).toBe('wrong_provider');
  });

  it('rejects an amount changed after signing', async () => {
    expect(rejection(verifier, { ...(await sign(100n)), cumulativeAmount: '1000' })).toBe('bad_signature');
  });

  it("rejects the malleable twin of a valid signature (s' = n - s, v flipped)", async () => {
    const voucher = await sign(100n);
    const { r, s, yParity } = parseSignature(voucher.signature);
    const twin = serializeSignature({ r, s: toHex(CURVE_ORDER - BigInt(s), { size: 32 }), yParity: yParity === 0 ? 1 : 0 });
    expect(rejection(verifier, { ...voucher, signature: twin })).toBe('malleable_signature');
  });

  it('rejects malformed signatures: v not 27/28, zero r, r past the curve order, wrong length', async () => {
    const voucher = await sign(100n);
    const body = voucher.signature.slice(2, 130);
    expect(rejection(verifier, { ...voucher, signature: `0x${body}00` })).toBe('bad_signature');
    expect(rejection(verifier, { ...voucher, signature: `0x${body}1d` })).toBe('bad_signature');
    expect(rejection(verifier, { ...voucher, signature: `0x${'0'.repeat(64)}${body.slice(64)}1b` })).toBe('bad_signature');
    expect(rejection(verifier, { ...voucher, signature: `0x${'f'.repeat(64)}${body.slice(64)}1b` })).toBe('bad_signature');
    expect(rejection(verifier, { ...voucher, signature: `0x${body}` })).toBe('malformed');
  });

  it('rejects an r that is no curve point as a bad signature (libsecp256k1 throws there rather than answering)', async () => {
    const voucher = await sign(100n);
    const s = voucher.signature.slice(66, 130);
    // x = 5 is on no point of secp256k1 (5³ + 7 = 132 is not a square mod p).
    expect(rejection(verifier, { ...voucher, signature: `0x${'0'.repeat(63)}5${s}1b` })).toBe('bad_signature');
  });

  it.each([
    ['a missing field', { cumulativeAmount: undefined }],
    ['a negative amount', { cumulativeAmount: '-1' }],
    ['a fractional amount', { cumulativeAmount: '1.5' }],
    ['a number instead of a string amount', { cumulativeAmount: 100 }],
    ['an amount past uint256', { cumulativeAmount: (2n ** 256n).toString() }],
    ['a short address', { payer: '0x1234' }],
    ['a zero chain id', { chainId: 0 }],
    ['an unknown field', { extra: true }],
    ['a non-hex signature', { signature: `0x${'zz'.repeat(65)}` }],
  ])('rejects %s as malformed', async (_name, patch) => {
    expect(rejection(verifier, { ...(await sign(100n)), ...patch })).toBe('malformed');
  });

  it('rejects inputs that are not objects', () => {
    for (const input of [null, undefined, 'voucher', 42, [], true]) expect(rejection(verifier, input)).toBe('malformed');
  });
});
