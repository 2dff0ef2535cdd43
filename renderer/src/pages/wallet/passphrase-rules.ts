import { MIN_PASSPHRASE_LENGTH } from '../../../../shared/wallet.ts';

/** The node counts characters as code points; so does this. */
export function passphraseLength(passphrase: string): number {
  return [...passphrase].length;
}

/**
 * Problems with a new passphrase and its confirmation, worded for people;
 * `undefined` fields have none to show yet (an empty field is incomplete, not wrong).
 */
export function newPassphraseProblems(passphrase: string, confirm: string): { passphrase?: string; confirm?: string; ok: boolean } {
  const length = passphraseLength(passphrase);
  const tooShort = length > 0 && length < MIN_PASSPHRASE_LENGTH;
  const tooLong = length > 1024;
  const mismatch = confirm.length > 0 && confirm !== passphrase;
  return {
    ...(tooShort ? { passphrase: `Use at least ${MIN_PASSPHRASE_LENGTH} characters (this has ${length}). A few unrelated words are strong and easy to type.` } : {}),
    ...(tooLong ? { passphrase: 'Use at most 1024 characters.' } : {}),
    ...(mismatch ? { confirm: 'The two passphrases are not the same.' } : {}),
    ok: length >= MIN_PASSPHRASE_LENGTH && !tooLong && confirm === passphrase,
  };
}

/** Two different word positions (0-based, ascending) to ask back, chosen with the platform's CSPRNG. */
export function pickCheckPositions(count: number): [number, number] {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  const first = (random[0] ?? 0) % count;
  let second = (random[1] ?? 0) % (count - 1);
  if (second >= first) second += 1;
  return first < second ? [first, second] : [second, first];
}

/** Words typed back are compared without case or surrounding spaces. */
export function sameWord(typed: string, word: string): boolean {
  return typed.trim().toLowerCase() === word.toLowerCase();
}

/** What an import field holds, checked before anything is sent: word count or key shape. */
export function phraseProblem(phrase: string): string | undefined {
  const words = phrase.trim().split(/\s+/u).filter((word) => word !== '');
  if (words.length === 0) return undefined;
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    return `A recovery phrase has 12, 15, 18, 21 or 24 words; this has ${words.length}.`;
  }
  if (words.some((word) => !/^\p{L}+$/u.test(word))) return 'A recovery phrase has only words: no digits or punctuation.';
  return undefined;
}

export function privateKeyProblem(key: string): string | undefined {
  const trimmed = key.trim();
  if (trimmed === '') return undefined;
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) return 'A private key is 64 hexadecimal characters (0–9, a–f), optionally starting with 0x.';
  return undefined;
}
