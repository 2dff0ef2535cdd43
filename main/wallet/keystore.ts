import type { decryptKeystoreJson, encryptKeystoreJson } from 'ethers/wallet';
import { mnemonicToAccount } from 'viem/accounts';
import type { Address, Hex } from '../../shared/voucher.ts';
import { WalletError } from './errors.ts';
import { damaged, keystoreSchema, sameAddress, type Keystore } from './key-file.ts';
import { entropyToPhrase, phraseToEntropy } from './recovery-phrase.ts';

/**
 * The passphrase layer: Web3 Secret Storage v3 (scrypt, AES-128-CTR, keccak
 * MAC) as ethers writes it, with the BIP-39 entropy in ethers' `x-ethers`
 * section. Only this module sees ethers, and none of ethers' messages leave it
 * (they can contain the values they were given).
 */
type EthersKeystore = { decryptKeystoreJson: typeof decryptKeystoreJson; encryptKeystoreJson: typeof encryptKeystoreJson };
let ethersKeystore: Promise<EthersKeystore> | undefined;

/**
 * ethers, loaded the first time a key file is sealed or opened: it is tens of
 * MB of memory a node that runs for weeks between unlocks should not carry.
 */
function keystoreCodec(): Promise<EthersKeystore> {
  ethersKeystore ??= (async () => {
    const [wallet, { useThreadPoolScrypt }] = await Promise.all([import('ethers/wallet'), import('./scrypt.ts')]);
    useThreadPoolScrypt();
    return wallet;
  })();
  return ethersKeystore;
}

export type HdPath = `m/44'/60'/${string}`;

export interface WalletSecret {
  privateKey: Hex;
  /** Absent for a wallet imported from a bare private key. */
  mnemonic: { phrase: string; path: HdPath } | null;
}

export const SCRYPT_R = 8;
export const SCRYPT_P = 1;

export async function sealKeystore(secret: WalletSecret, address: Address, passphrase: string, scryptN: number): Promise<Keystore> {
  const account = {
    address,
    privateKey: secret.privateKey,
    ...(secret.mnemonic && {
      mnemonic: { entropy: toHex(phraseToEntropy(secret.mnemonic.phrase)), path: secret.mnemonic.path, locale: 'en' },
    }),
  };
  let json: string;
  try {
    json = await (await keystoreCodec()).encryptKeystoreJson(account, passphrase, { scrypt: { N: scryptN, r: SCRYPT_R, p: SCRYPT_P }, client: 'hearth' });
  } catch {
    throw new Error('Encrypting the wallet key failed.');
  }
  // Checked, but kept as ethers wrote it (parsing would drop fields the schema does not name).
  const keystore: unknown = JSON.parse(json);
  if (!keystoreSchema.safeParse(keystore).success) throw new Error('Encrypting the wallet key gave an unexpected keystore.');
  return keystore as Keystore;
}

/**
 * Decrypts and checks everything the MAC does not cover: the key must give the
 * file's address, and the phrase (if any) must derive that same key.
 *
 * Web3 Secret Storage checks the passphrase with a MAC over the ciphertext, so
 * a wrong passphrase and an edited ciphertext or MAC look the same; the
 * message says both.
 */
export async function openKeystore(keystore: Keystore, passphrase: string, expected: { address: Address; file: string }): Promise<WalletSecret> {
  let decrypted: Awaited<ReturnType<EthersKeystore['decryptKeystoreJson']>>;
  try {
    decrypted = await (await keystoreCodec()).decryptKeystoreJson(JSON.stringify(keystore), passphrase);
  } catch (error) {
    if (isIncorrectPassword(error)) {
      throw new WalletError('wrong_passphrase', 'The passphrase is wrong (or the key file was altered).');
    }
    throw damaged(expected.file, 'its keystore cannot be decrypted');
  }
  if (!sameAddress(decrypted.address, expected.address)) throw damaged(expected.file, 'the key does not belong to its address');
  const privateKey = decrypted.privateKey.toLowerCase() as Hex;
  if (!decrypted.mnemonic) return { privateKey, mnemonic: null };

  const path = decrypted.mnemonic.path as HdPath | undefined;
  let phrase: string;
  let derived: Uint8Array | null;
  try {
    if (path === undefined) throw new Error('no path');
    phrase = entropyToPhrase(fromHex(decrypted.mnemonic.entropy));
    derived = mnemonicToAccount(phrase, { path }).getHdKey().privateKey;
  } catch {
    throw damaged(expected.file, 'its recovery phrase cannot be decrypted');
  }
  if (!derived || toHex(derived) !== privateKey) throw damaged(expected.file, 'its recovery phrase does not match its key');
  return { privateKey, mnemonic: { phrase, path } };
}

/** ethers reports a MAC mismatch as INVALID_ARGUMENT on `password`, the value already redacted. */
function isIncorrectPassword(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    error.code === 'INVALID_ARGUMENT' &&
    'argument' in error &&
    error.argument === 'password'
  );
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/^0x/u, ''), 'hex'));
}
