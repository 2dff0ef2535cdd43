import { readFileSync } from 'node:fs';
import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import type { Address } from '../../shared/voucher.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { errnoCode, WalletError } from './errors.ts';

/**
 * `wallet.json`: the wallet's one file. What may be read without the
 * passphrase (address, origin, which locks apply) sits beside the Web3 Secret
 * Storage v3 keystore, which ethers writes and reads. With the OS keychain the
 * keystore's JSON is wrapped by it and stored as base64 (`wrapped`).
 *
 * A file that cannot be read, parsed or validated is reported with its path and
 * never written to; this module only ever writes a new file or replaces one it
 * has just read successfully (the wallet decides which).
 */
export const KEY_FILE_NAME = 'wallet.json';
export const KEY_FILE_FORMAT = 'hearth-wallet';
export const KEY_FILE_VERSION = 1;

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`, 'u'));
const powerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

const scryptParams = z
  .object({
    n: z.number().refine(powerOfTwo, 'must be a power of two'),
    r: z.number().int().min(1).max(16),
    p: z.number().int().min(1).max(16),
    dklen: z.literal(32),
    salt: z.string().regex(/^(?:[0-9a-fA-F]{2}){16,64}$/u),
  })
  // Bounds the memory a (tampered) file can make scrypt take: 1 GiB, 4x the default.
  .refine((k) => 128 * k.n * k.r <= 2 ** 30, 'asks scrypt for more than 1 GiB');

const cryptoSection = z.object({
  cipher: z.literal('aes-128-ctr'),
  cipherparams: z.object({ iv: hex(16) }),
  ciphertext: hex(32),
  kdf: z.literal('scrypt'),
  kdfparams: scryptParams,
  mac: hex(32),
});

/** ethers' extension holding the encrypted BIP-39 entropy (not covered by the v3 MAC: checked after decrypting). */
const ethersSection = z.looseObject({
  version: z.literal('0.1'),
  mnemonicCiphertext: z.string().regex(/^(?:[0-9a-fA-F]{8}){4,8}$/u),
  mnemonicCounter: hex(16),
  path: z.string().regex(/^m\/44'\/60'(?:\/\d{1,10}'?){1,3}$/u),
  locale: z.literal('en'),
});

export const keystoreSchema = z
  .looseObject({
    version: z.literal(3),
    id: z.string(),
    address: z.string().regex(/^(?:0x)?[0-9a-fA-F]{40}$/u),
    crypto: cryptoSection.optional(),
    Crypto: cryptoSection.optional(),
    'x-ethers': ethersSection.optional(),
  })
  // ethers finds the section case-insensitively and takes the first: two would be ambiguous.
  .refine((k) => (k.crypto === undefined) !== (k.Crypto === undefined), 'needs exactly one "crypto" section');
export type Keystore = z.infer<typeof keystoreSchema>;

const checksummedAddress = z
  .string()
  .refine((value) => isAddress(value, { strict: true }) && getAddress(value) === value, 'must be a checksummed address')
  .transform((value) => value as Address);

export const walletSources = ['created', 'imported-phrase', 'imported-key'] as const;
export type WalletSource = (typeof walletSources)[number];

const common = {
  format: z.literal(KEY_FILE_FORMAT),
  version: z.literal(KEY_FILE_VERSION),
  address: checksummedAddress,
  source: z.enum(walletSources),
  createdAt: z.number().int().nonnegative(),
};

const keyFileSchema = z.discriminatedUnion('keychain', [
  z.strictObject({ ...common, keychain: z.literal('none'), keystore: keystoreSchema }),
  z.strictObject({ ...common, keychain: z.literal('os'), wrapped: z.base64().min(1) }),
]);
export type KeyFile = z.infer<typeof keyFileSchema>;

const NOT_MODIFIED = 'It was not modified.';
const MOVE_ASIDE = 'Move it aside (or restore a backup) to create or import a wallet.';

/** The key file, or null when there is none. Synchronous: it is small and read at most once per operation. */
export function readKeyFile(file: string): KeyFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new WalletError('corrupt_keystore', `The wallet key file ${file} cannot be read (${code ?? 'unknown error'}). ${NOT_MODIFIED}`, {
      cause: error as NodeJS.ErrnoException,
    });
  }
  return parseKeyFile(text, file);
}

export function parseKeyFile(text: string, file: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw damaged(file, 'it is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== KEY_FILE_FORMAT) {
    throw new WalletError('corrupt_keystore', `The file ${file} is not a Hearth wallet key file. ${NOT_MODIFIED} ${MOVE_ASIDE}`);
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > KEY_FILE_VERSION) {
    throw new WalletError(
      'corrupt_keystore',
      `The wallet key file ${file} was written by a newer version of Hearth (format ${version}); update Hearth to open it. ${NOT_MODIFIED}`,
    );
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success) {
    // The path of the first problem only: zod messages may quote values from the file.
    const where = parsed.error.issues[0]?.path.join('.') || 'top level';
    throw damaged(file, `unexpected content at ${where}`);
  }
  if (parsed.data.keychain === 'none' && !sameAddress(parsed.data.keystore.address, parsed.data.address)) {
    throw damaged(file, 'its address does not match its keystore');
  }
  return parsed.data;
}

export function serializeKeyFile(keyFile: KeyFile): string {
  return `${JSON.stringify(keyFile, null, 2)}\n`;
}

export function writeKeyFile(file: string, keyFile: KeyFile, options: { replace: boolean }): Promise<void> {
  return writeFileAtomic(file, serializeKeyFile(keyFile), options);
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase().replace(/^0x/u, '') === b.toLowerCase().replace(/^0x/u, '');
}

export function damaged(file: string, what: string): WalletError {
  return new WalletError('corrupt_keystore', `The wallet key file ${file} is damaged (${what}). ${NOT_MODIFIED} ${MOVE_ASIDE}`);
}
