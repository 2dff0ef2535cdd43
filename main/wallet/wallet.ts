import { lstatSync } from 'node:fs';
import { english, generateMnemonic, mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Address, Hex } from '../../shared/voucher.ts';
import { ExistsError } from './atomic-file.ts';
import { errnoCode, WalletError } from './errors.ts';
import { readKeyFile, writeKeyFile, type KeyFile, type WalletSource } from './key-file.ts';
import type { KeyWrap } from './key-wrap.ts';
import { describeKeychain, keystoreOf, wrapKeystore } from './keychain.ts';
import { openKeystore, sealKeystore, type HdPath, type WalletSecret } from './keystore.ts';
import { checkNewPassphrase } from './passphrase.ts';
import { parsePrivateKey } from './private-key.ts';
import { normalizePhrase, phraseToEntropy } from './recovery-phrase.ts';

/** scrypt cost for new key files: ~0.9 s here, 256 MiB. Tests may lower it; nothing else should. */
export const DEFAULT_SCRYPT_N = 2 ** 18;
const MIN_SCRYPT_N = 2 ** 10;
const MAX_SCRYPT_N = 2 ** 20;
const MAX_ACCOUNT_INDEX = 2 ** 31 - 1;

export type WalletState = 'none' | 'locked' | 'unlocked';

/** Everything about the wallet that may be shown; never a secret. */
export interface WalletStatus {
  state: WalletState;
  address: Address | null;
  source: WalletSource | null;
  keychain: { kind: 'os' | 'none'; description: string };
  hasPhrase: boolean;
}

export interface WalletOptions {
  /** The key file, `<data dir>/wallet.json`. */
  file: string;
  keyWrap: KeyWrap;
  scryptN?: number;
  now?: () => number;
  /** A throwing `onChange` listener is reported here and never breaks the operation. */
  onListenerError?: (error: unknown) => void;
}

/**
 * The wallet's key, in the main process only. The key file is read on every
 * operation and written only by a successful create/import (a new file, never
 * over an existing one) or passphrase change (an atomic replace). While
 * unlocked, the signer lives in memory until `lock()`.
 *
 * Operations run one at a time, in call order. `lock()` wins over an unlock or
 * create still in flight: that one then ends locked.
 */
export class Wallet {
  readonly #file: string;
  readonly #keyWrap: KeyWrap;
  readonly #scryptN: number;
  readonly #now: () => number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<(status: WalletStatus) => void>();
  #unlocked: { account: PrivateKeyAccount; signer: PrivateKeyAccount; keyFile: KeyFile } | null = null;
  #lockEpoch = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: WalletOptions) {
    const scryptN = options.scryptN ?? DEFAULT_SCRYPT_N;
    if (!Number.isInteger(scryptN) || scryptN < MIN_SCRYPT_N || scryptN > MAX_SCRYPT_N || (scryptN & (scryptN - 1)) !== 0) {
      throw new RangeError(`scryptN must be a power of two from 2^10 to 2^20 (default 2^18).`);
    }
    this.#file = options.file;
    this.#keyWrap = options.keyWrap;
    this.#scryptN = scryptN;
    this.#now = options.now ?? Date.now;
    this.#onListenerError = options.onListenerError ?? (() => undefined);
  }

  /**
   * Throws for a key file that cannot be used here (named in the message):
   * `corrupt_keystore`, or `keychain_unavailable` when it is wrapped by an OS
   * keychain this process does not have (e.g. headless mode on the desktop
   * app's data folder).
   */
  status(): WalletStatus {
    const keyFile = this.#unlocked?.keyFile ?? readKeyFile(this.#file);
    return {
      state: keyFile === null ? 'none' : this.#unlocked ? 'unlocked' : 'locked',
      address: keyFile?.address ?? null,
      source: keyFile?.source ?? null,
      keychain: describeKeychain(keyFile, this.#keyWrap, this.#file),
      hasPhrase: keyFile !== null && keyFile.source !== 'imported-key',
    };
  }

  /** A new random wallet; the phrase leaves only through `exportPhrase`. Ends unlocked. */
  create(input: { passphrase: string; words: 12 | 24 }): Promise<Address> {
    const epoch = this.#lockEpoch;
    return this.#exclusive(async () => {
      this.#refuseIfExists();
      if (input.words !== 12 && input.words !== 24) throw new WalletError('invalid_phrase', 'A new recovery phrase has 12 or 24 words.');
      checkNewPassphrase(input.passphrase);
      const phrase = generateMnemonic(english, input.words === 12 ? 128 : 256);
      return this.#store('created', secretFromPhrase(phrase, 0), input.passphrase, epoch);
    });
  }

  /**
   * `accountIndex` picks m/44'/60'/accountIndex'/0/0 (viem's meaning, as
   * Ledger Live counts accounts); 0 is the address every wallet shows first.
   */
  importPhrase(input: { phrase: string; passphrase: string; accountIndex?: number }): Promise<Address> {
    const epoch = this.#lockEpoch;
    return this.#exclusive(async () => {
      this.#refuseIfExists();
      phraseToEntropy(input.phrase);
      const accountIndex = input.accountIndex ?? 0;
      if (!Number.isInteger(accountIndex) || accountIndex < 0 || accountIndex > MAX_ACCOUNT_INDEX) {
        throw new WalletError('invalid_phrase', `The account number must be a whole number from 0 to ${MAX_ACCOUNT_INDEX}.`);
      }
      checkNewPassphrase(input.passphrase);
      return this.#store('imported-phrase', secretFromPhrase(normalizePhrase(input.phrase), accountIndex), input.passphrase, epoch);
    });
  }

  importPrivateKey(input: { privateKey: string; passphrase: string }): Promise<Address> {
    const epoch = this.#lockEpoch;
    return this.#exclusive(async () => {
      this.#refuseIfExists();
      const privateKey = parsePrivateKey(input.privateKey);
      checkNewPassphrase(input.passphrase);
      return this.#store('imported-key', { privateKey, mnemonic: null }, input.passphrase, epoch);
    });
  }

  unlock(passphrase: string): Promise<Address> {
    const epoch = this.#lockEpoch;
    return this.#exclusive(async () => {
      const { keyFile, secret } = await this.#open(passphrase);
      if (epoch === this.#lockEpoch) this.#setUnlocked(keyFile, secret.privateKey);
      return keyFile.address;
    });
  }

  /**
   * Checks the passphrase by decrypting the key file, changing nothing: a
   * locked wallet stays locked, an unlocked one keeps its signer (claims in
   * flight are not disturbed). For confirming money leaving the wallet.
   */
  verifyPassphrase(passphrase: string): Promise<void> {
    return this.#exclusive(async () => {
      await this.#open(passphrase);
    });
  }

  lock(): void {
    this.#lockEpoch++;
    if (this.#unlocked === null) return;
    this.#unlocked = null;
    this.#emit();
  }

  /** Re-encrypts with `next` (at this wallet's scrypt cost); on any failure the old file stays as it was. */
  changePassphrase(current: string, next: string): Promise<void> {
    return this.#exclusive(async () => {
      checkNewPassphrase(next);
      const { keyFile, secret } = await this.#open(current);
      const replacement = await this.#seal(keyFile, secret, next);
      await this.#write(replacement, { replace: true });
      if (this.#unlocked) this.#unlocked.keyFile = replacement;
    });
  }

  /** The one way the recovery phrase leaves the wallet; asks for the passphrase even when unlocked. */
  exportPhrase(passphrase: string): Promise<string> {
    return this.#exclusive(async () => {
      const keyFile = this.#read();
      if (keyFile.source === 'imported-key') throw noPhrase();
      const { secret } = await this.#open(passphrase);
      if (secret.mnemonic === null) throw noPhrase();
      return secret.mnemonic.phrase;
    });
  }

  /**
   * The signer. It checks the lock on every call, so a reference kept past
   * `lock()` signs nothing.
   */
  account(): PrivateKeyAccount {
    if (this.#unlocked === null) throw locked();
    return this.#unlocked.signer;
  }

  onChange(listener: (status: WalletStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #read(): KeyFile {
    const keyFile = readKeyFile(this.#file);
    if (keyFile === null) throw new WalletError('no_wallet', 'There is no wallet yet: create one or import one.');
    return keyFile;
  }

  async #open(passphrase: string): Promise<{ keyFile: KeyFile; secret: WalletSecret }> {
    const keyFile = this.#read();
    const keystore = await keystoreOf(keyFile, this.#keyWrap, this.#file);
    if (typeof passphrase !== 'string') throw new WalletError('wrong_passphrase', 'The passphrase is wrong.');
    const secret = await openKeystore(keystore, passphrase, { address: keyFile.address, file: this.#file });
    return { keyFile, secret };
  }

  /** Checks the name only: a damaged file must block a new wallet just as a good one does. */
  #refuseIfExists(): void {
    try {
      lstatSync(this.#file);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
    }
    throw exists(this.#file);
  }

  async #store(source: WalletSource, secret: WalletSecret, passphrase: string, epoch: number): Promise<Address> {
    const address = privateKeyToAccount(secret.privateKey).address;
    const header = { address, source, createdAt: this.#now(), keychain: this.#keyWrap.kind } as const;
    const keyFile = await this.#seal(header, secret, passphrase);
    await this.#write(keyFile, { replace: false });
    if (epoch === this.#lockEpoch) this.#setUnlocked(keyFile, secret.privateKey);
    else this.#emit();
    return address;
  }

  async #seal(header: Pick<KeyFile, 'address' | 'source' | 'createdAt' | 'keychain'>, secret: WalletSecret, passphrase: string): Promise<KeyFile> {
    const keystore = await sealKeystore(secret, header.address, passphrase, this.#scryptN);
    const base = { format: 'hearth-wallet', version: 1, address: header.address, source: header.source, createdAt: header.createdAt } as const;
    if (header.keychain === 'none') return { ...base, keychain: 'none', keystore };
    return { ...base, keychain: 'os', wrapped: await wrapKeystore(keystore, this.#keyWrap) };
  }

  async #write(keyFile: KeyFile, options: { replace: boolean }): Promise<void> {
    try {
      await writeKeyFile(this.#file, keyFile, options);
    } catch (error) {
      if (error instanceof ExistsError) throw exists(this.#file);
      const code = errnoCode(error);
      throw new WalletError('write_failed', `The wallet key file ${this.#file} could not be written (${code ?? 'unknown error'}). Nothing was changed.`, {
        cause: error as NodeJS.ErrnoException,
      });
    }
  }

  #setUnlocked(keyFile: KeyFile, privateKey: Hex): void {
    const account = privateKeyToAccount(privateKey);
    this.#unlocked = { account, signer: guardedSigner(account, () => this.#live(account)), keyFile };
    this.#emit();
  }

  #live(account: PrivateKeyAccount): PrivateKeyAccount {
    if (this.#unlocked?.account !== account) throw locked();
    return account;
  }

  #emit(): void {
    let status: WalletStatus;
    try {
      status = this.status();
    } catch (error) {
      this.#onListenerError(error);
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}

function secretFromPhrase(phrase: string, accountIndex: number): WalletSecret {
  const path: HdPath = `m/44'/60'/${accountIndex}'/0/0`;
  const key = mnemonicToAccount(phrase, { path }).getHdKey().privateKey;
  if (!key) throw new Error('HD derivation gave no private key.');
  return { privateKey: `0x${Buffer.from(key).toString('hex')}`, mnemonic: { phrase, path } };
}

/** Same account, but every signing call first checks that this unlock is still current (and rejects if not). */
function guardedSigner(account: PrivateKeyAccount, live: () => PrivateKeyAccount): PrivateKeyAccount {
  // async, so a locked wallet rejects like any other signing failure instead of throwing synchronously.
  const guard = async <T>(sign: (current: PrivateKeyAccount) => Promise<T>): Promise<T> => await sign(live());
  return {
    ...account,
    sign: (parameters) => guard((current) => current.sign(parameters)),
    signAuthorization: (parameters) => guard((current) => current.signAuthorization(parameters)),
    signMessage: (parameters) => guard((current) => current.signMessage(parameters)),
    signTransaction: (transaction, options) => guard((current) => current.signTransaction(transaction, options)),
    signTypedData: (parameters) => guard((current) => current.signTypedData(parameters)),
  };
}

function locked(): WalletError {
  return new WalletError('locked', 'The wallet is locked: unlock it with your passphrase first.');
}

function noPhrase(): WalletError {
  return new WalletError('no_phrase', 'This wallet was imported from a private key, so it has no recovery phrase to show.');
}

function exists(file: string): WalletError {
  return new WalletError(
    'exists',
    `A wallet key file already exists at ${file}. Hearth never replaces it: move it aside first (keep it — it may hold funds) to create or import another wallet.`,
  );
}
