import { describe, expect, it } from 'vitest';
import type { WalletNetwork } from '../../../shared/wallet.ts';
import { addressGroups, explorerLink, shortHex } from '../../../renderer/src/address.ts';
import { checkAmount, checkRecipient } from '../../../renderer/src/pages/wallet/assets.ts';

const RECIPIENT = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';
const network: WalletNetwork = {
  preset: 'local',
  chainId: 31337,
  name: 'Hearth local',
  rpcHost: 'in-process',
  nativeSymbol: 'ETH',
  nativeDecimals: 18,
  explorerUrl: null,
  escrow: '0x189bB1C777F733AF34E62037Fc7dFDfE40347CfA',
  payer: '0x1620901d86a3CC91eC356206f7AdE30576736876',
  token: { address: '0xe421b8d3AF8623C11B59138b1967fB77C8780b48', symbol: 'tUSD', decimals: 6 },
  confirmations: 1,
};
const own = '0xED1055271003272BFEe84c6e43D5374679c9f881';
const check = (text: string, complete = true) => checkRecipient(text, { complete, own, network });
/** The message of an error result ('' for any other). */
const errorOf = (result: ReturnType<typeof checkRecipient>): string => (result.kind === 'error' ? result.message : '');

describe('checkRecipient', () => {
  it('accepts a checksummed address', () => {
    expect(check(RECIPIENT)).toEqual({ kind: 'ok', address: RECIPIENT, note: 'Checksum OK' });
    expect(check(`  ${RECIPIENT} `)).toMatchObject({ kind: 'ok', address: RECIPIENT });
  });

  it('catches a mistyped letter through the EIP-55 checksum', () => {
    expect(errorOf(check(RECIPIENT.replace('DBA72', 'DBa72')))).toContain('checksum does not match');
  });

  it('accepts one-case addresses, warning that they carry no checksum', () => {
    const result = check(RECIPIENT.toLowerCase());
    expect(result).toMatchObject({ kind: 'ok', address: RECIPIENT, note: 'Valid format' });
    expect(result.kind === 'ok' && result.warning).toContain('no checksum');
  });

  it('waits for a half-typed address while the field has focus', () => {
    expect(check('0x8ba1', false)).toEqual({ kind: 'empty' });
    expect(check('0', false)).toEqual({ kind: 'empty' });
    expect(check('0x8ba1', true)).toEqual({ kind: 'error', message: 'An address is 42 characters long; this has 6.' });
  });

  it('says what is wrong with the shape at once', () => {
    expect(check('8ba1f109551bD432803012645Ac136ddd64DBA72', false)).toEqual({ kind: 'error', message: 'An address starts with 0x.' });
    expect(errorOf(check('0x8ba1z', false))).toContain('only the characters 0–9 and a–f');
    expect(check(`${RECIPIENT}0`, false)).toEqual({ kind: 'error', message: 'An address is 42 characters long; this has 43.' });
    expect(check('vitalik.eth', false)).toEqual({ kind: 'error', message: 'An address starts with 0x.' });
  });

  it('refuses addresses where money is lost', () => {
    expect(errorOf(check(`0x${'0'.repeat(40)}`))).toContain('zero address');
    expect(errorOf(check(network.token?.address ?? ''))).toContain("tUSD token's contract");
    expect(errorOf(check(network.escrow ?? ''))).toContain('escrow contract');
  });

  it('refuses sending to this wallet itself (the node refuses it too)', () => {
    expect(errorOf(check(own))).toContain("this wallet's own address");
    expect(errorOf(check(own.toLowerCase()))).toContain("this wallet's own address");
  });
});

describe('checkAmount', () => {
  const tUSD = { symbol: 'tUSD', decimals: 6 };
  it('compares exactly with the balance', () => {
    expect(checkAmount('1', tUSD, 1_000_000n)).toEqual({ kind: 'ok', value: 1_000_000n });
    expect(checkAmount('1.000001', tUSD, 1_000_000n)).toEqual({ kind: 'error', message: 'That is more than your balance of 1.00 tUSD.' });
    expect(checkAmount('5', tUSD, null)).toEqual({ kind: 'ok', value: 5_000_000n }); // unknown balance: the node checks
  });
  it('wants more than zero', () => {
    expect(checkAmount('0.000', tUSD, 10n)).toEqual({ kind: 'error', message: 'Enter an amount above zero.' });
  });
});

describe('address display', () => {
  it('groups by four after 0x, losing nothing', () => {
    const groups = addressGroups(RECIPIENT);
    expect(groups).toEqual(['0x', '8ba1', 'f109', '551b', 'D432', '8030', '1264', '5Ac1', '36dd', 'd64D', 'BA72']);
    expect(groups.join('')).toBe(RECIPIENT);
  });
  it('shortens hashes with an ellipsis', () => {
    expect(shortHex('0x3c5281738bd2abaa8ed003cb094a779eacee213e473e96fced52d3ab651f61c5')).toBe('0x3c52…61c5');
    expect(shortHex('0x1234')).toBe('0x1234');
  });
  it('links only to an https explorer, only for hex values', () => {
    expect(explorerLink('https://basescan.org', 'tx', '0xabc')).toBe('https://basescan.org/tx/0xabc');
    expect(explorerLink('https://explorer.example/base/', 'address', RECIPIENT)).toBe(`https://explorer.example/base/address/${RECIPIENT}`);
    expect(explorerLink('http://basescan.org', 'tx', '0xabc')).toBeUndefined();
    expect(explorerLink('javascript:alert(1)', 'tx', '0xabc')).toBeUndefined();
    expect(explorerLink(null, 'tx', '0xabc')).toBeUndefined();
    expect(explorerLink('https://basescan.org', 'tx', '0xabc/../x')).toBeUndefined();
  });
});
