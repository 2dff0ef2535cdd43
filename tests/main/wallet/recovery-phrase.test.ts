import { english, generateMnemonic, mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { entropyToPhrase, normalizePhrase, phraseToEntropy } from '../../../main/wallet/recovery-phrase.ts';
import { walletError } from './wallet-fixtures.ts';

/** From the BIP-39 reference vectors (trezor/python-mnemonic, vectors.json, English). */
const vectors: [string, string][] = [
  ['00000000000000000000000000000000', 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'],
  ['7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f', 'legal winner thank year wave sausage worth useful legal winner thank yellow'],
  ['80808080808080808080808080808080', 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above'],
  ['ffffffffffffffffffffffffffffffff', 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong'],
  ['000000000000000000000000000000000000000000000000', 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon agent'],
  [
    '0000000000000000000000000000000000000000000000000000000000000000',
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art',
  ],
  [
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote',
  ],
  ['9e885d952ad362caeb4efe34a8e91bd2', 'ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic'],
];

describe('BIP-39 recovery phrases', () => {
  it('converts entropy ↔ phrase as the reference vectors say', () => {
    for (const [entropy, phrase] of vectors) {
      expect(entropyToPhrase(Buffer.from(entropy, 'hex'))).toBe(phrase);
      expect(Buffer.from(phraseToEntropy(phrase)).toString('hex')).toBe(entropy);
    }
  });

  it('accepts every phrase viem generates, 12 to 24 words', () => {
    for (const strength of [128, 160, 192, 224, 256]) {
      for (let i = 0; i < 20; i++) {
        const phrase = generateMnemonic(english, strength);
        expect(entropyToPhrase(phraseToEntropy(phrase))).toBe(phrase);
      }
    }
  });

  it('normalises spacing and case without changing what is derived', () => {
    const phrase = vectors[1]?.[1] ?? '';
    const messy = `\n ${phrase.toUpperCase().replaceAll(' ', '   \t')} `;
    expect(normalizePhrase(messy)).toBe(phrase);
    expect(mnemonicToAccount(normalizePhrase(messy)).address).toBe(mnemonicToAccount(phrase).address);
  });

  it('refuses a wrong checksum, an unknown word and a wrong count, naming no word', async () => {
    const bad = [
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon',
      'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo',
      'legal winner thank year wave sausage worth useful legal winner yellow thank',
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abou',
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
    ];
    for (const phrase of bad) {
      const error = await walletError(() => phraseToEntropy(phrase), 'invalid_phrase');
      for (const word of new Set(phrase.split(' '))) expect(error.message).not.toContain(word);
    }
  });
});
