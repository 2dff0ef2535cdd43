import type { Hex } from '../../shared/voucher.ts';
import { WalletError } from './errors.ts';

/** The order of secp256k1: a private key is an integer in [1, n). */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A private key as typed or pasted (32 bytes of hex, `0x` optional) → canonical `0x…` lower case. */
export function parsePrivateKey(input: string): Hex {
  if (typeof input !== 'string') throw invalid('The private key must be text.');
  const hex = input.trim().replace(/^0x/iu, '');
  if (!/^[0-9a-fA-F]{64}$/u.test(hex)) {
    throw invalid('A private key is 64 hexadecimal characters (32 bytes), optionally starting with 0x.');
  }
  const value = BigInt(`0x${hex}`);
  if (value === 0n || value >= CURVE_ORDER) throw invalid('This is not a valid private key: it is outside the range secp256k1 allows.');
  return `0x${hex.toLowerCase()}`;
}

function invalid(message: string): WalletError {
  return new WalletError('invalid_key', message);
}
