import { createHash } from 'node:crypto';
import { english } from 'viem/accounts';
import { WalletError } from './errors.ts';

/**
 * BIP-39 recovery phrases (English list): normalisation, validation with the
 * checksum, and conversion to and from entropy (the keystore stores the
 * entropy, encrypted, as ethers does).
 */

const WORD_COUNTS = [12, 15, 18, 21, 24] as const;
const wordIndex = new Map(english.map((word, index) => [word, index]));

/** Lower case, single spaces, NFKD (as BIP-39 hashes it): the phrase as it is stored and derived. */
export function normalizePhrase(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/u).join(' ');
}

/** The entropy behind a phrase; throws `invalid_phrase` without repeating any word. */
export function phraseToEntropy(phrase: string): Uint8Array {
  if (typeof phrase !== 'string') throw invalid('The recovery phrase must be text.');
  const normalized = normalizePhrase(phrase);
  const words = normalized === '' ? [] : normalized.split(' ');
  if (!(WORD_COUNTS as readonly number[]).includes(words.length)) {
    throw invalid(`A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${words.length}.`);
  }
  let bits = 0n;
  for (const [position, word] of words.entries()) {
    const index = wordIndex.get(word);
    if (index === undefined) throw invalid(`Word ${position + 1} of the recovery phrase is not in the BIP-39 English word list.`);
    bits = (bits << 11n) | BigInt(index);
  }
  const checksumBits = words.length / 3;
  const entropyBytes = (words.length * 11 - checksumBits) / 8;
  const entropy = toBytes(bits >> BigInt(checksumBits), entropyBytes);
  const checksum = Number(bits & ((1n << BigInt(checksumBits)) - 1n));
  if (checksum !== checksumOf(entropy, checksumBits)) {
    throw invalid('The recovery phrase does not check out: a word is probably mistyped or the words are out of order.');
  }
  return entropy;
}

export function entropyToPhrase(entropy: Uint8Array): string {
  if (entropy.length < 16 || entropy.length > 32 || entropy.length % 4 !== 0) {
    throw new RangeError('BIP-39 entropy is 16 to 32 bytes, a multiple of 4.');
  }
  const checksumBits = entropy.length / 4;
  let bits = (fromBytes(entropy) << BigInt(checksumBits)) | BigInt(checksumOf(entropy, checksumBits));
  const words: string[] = [];
  for (let i = 0; i < (entropy.length * 8 + checksumBits) / 11; i++) {
    words.unshift(english[Number(bits & 0x7ffn)] as string);
    bits >>= 11n;
  }
  return words.join(' ');
}

function checksumOf(entropy: Uint8Array, bits: number): number {
  const first = createHash('sha256').update(entropy).digest()[0] as number;
  return first >> (8 - bits);
}

function toBytes(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function fromBytes(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function invalid(message: string): WalletError {
  return new WalletError('invalid_phrase', message);
}
