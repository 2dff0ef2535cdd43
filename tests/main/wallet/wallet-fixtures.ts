import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { WalletError, type WalletErrorCode } from '../../../main/wallet/errors.ts';
import { noKeyWrap, type KeyWrap } from '../../../main/wallet/key-wrap.ts';
import { Wallet } from '../../../main/wallet/wallet.ts';
import { tempDir } from '../../helpers/temp.ts';

/** Cheap scrypt for tests; the strong default has its own test (scrypt.test.ts). */
export const TEST_SCRYPT_N = 2 ** 10;

/** Hardhat/Anvil's well-known development account #0. */
export const TEST_PHRASE = 'test test test test test test test test test test test junk';
export const TEST_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const TEST_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export const PASSPHRASE = 'correct horse battery';

export function newWallet(options: { keyWrap?: KeyWrap; file?: string } = {}): { wallet: Wallet; file: string; dir: string } {
  const dir = tempDir('hearth-wallet-');
  const file = options.file ?? join(dir, 'wallet.json');
  const wallet = new Wallet({ file, keyWrap: options.keyWrap ?? noKeyWrap, scryptN: TEST_SCRYPT_N, now: () => 1_700_000_000_000 });
  return { wallet, file, dir };
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export async function walletError(promise: Promise<unknown> | (() => unknown), code: WalletErrorCode): Promise<WalletError> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a WalletError ${code}`).toBeInstanceOf(WalletError);
  const error = caught as WalletError;
  expect(error.code, error.message).toBe(code);
  return error;
}

export interface FakeKeyWrap extends KeyWrap {
  wraps: number;
  unwraps: number;
  /** Wrapping rejects. */
  failWrap: boolean;
  /** Unwrapping rejects, with a message that would leak if passed on. */
  failUnwrap: boolean;
  /** Unwrapping returns something other than what was wrapped. */
  garble: boolean;
}

/** An "OS keychain" for tests: XOR and reverse, so wrapped bytes do not show the keystore JSON. */
export function fakeKeyWrap(): FakeKeyWrap {
  const mask = (bytes: Uint8Array): Uint8Array => bytes.map((byte) => byte ^ 0x5a).reverse();
  const fake: FakeKeyWrap = {
    kind: 'os',
    description: 'Your passphrase and the test keychain protect the key file.',
    wraps: 0,
    unwraps: 0,
    failWrap: false,
    failUnwrap: false,
    garble: false,
    wrap(data) {
      fake.wraps++;
      if (fake.failWrap) return Promise.reject(new Error(`keychain refused LEAKED-DETAIL ${data}`));
      return Promise.resolve(mask(new TextEncoder().encode(data)));
    },
    unwrap(data) {
      fake.unwraps++;
      if (fake.failUnwrap) return Promise.reject(new Error(`keychain exploded LEAKED-DETAIL ${Buffer.from(data).toString('hex')}`));
      const text = new TextDecoder().decode(mask(data));
      return Promise.resolve(fake.garble ? `garbled${text}` : text);
    },
  };
  return fake;
}
