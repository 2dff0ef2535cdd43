import { WalletError } from './errors.ts';
import { damaged, keystoreSchema, sameAddress, type KeyFile, type Keystore } from './key-file.ts';
import type { KeyWrap } from './key-wrap.ts';

/**
 * The OS-keychain layer around the passphrase-encrypted keystore.
 *
 * A wallet wrapped by the OS keychain can only be opened where that keychain
 * is available to the same OS user: opened from headless mode on the same data
 * folder, from another user account or another computer, it is refused with
 * `keychain_unavailable` and a message saying so (the file is left as it is).
 * There is no silent downgrade; the recovery phrase restores the wallet anywhere.
 */

const LOCKED_BY_OS = 'is also locked with the OS keychain of the desktop app, which is not available here.';
const WHERE_TO_OPEN = 'Open the wallet in the Hearth desktop app as the same user on this computer, or restore it from its recovery phrase (or private key) into another data folder.';

/**
 * What protects the key file, for `status()` (without a file: what a new wallet
 * would get). Throws `keychain_unavailable` for a file wrapped by an OS
 * keychain this process does not have, so the problem shows before anyone
 * types a passphrase.
 */
export function describeKeychain(keyFile: KeyFile | null, keyWrap: KeyWrap, file: string): { kind: 'os' | 'none'; description: string } {
  if (keyFile === null || keyFile.keychain === keyWrap.kind) return { kind: keyWrap.kind, description: keyWrap.description };
  if (keyFile.keychain === 'os') throw keychainUnavailable(file);
  return { kind: 'none', description: 'Your passphrase alone protects the key file (it was created without the OS keychain).' };
}

export function keychainUnavailable(file: string): WalletError {
  return new WalletError('keychain_unavailable', `The wallet key file ${file} ${LOCKED_BY_OS} ${WHERE_TO_OPEN} The file was not modified.`);
}

/** Wraps and checks that the keychain gives the same text back, before anything is written with it. */
export async function wrapKeystore(keystore: Keystore, keyWrap: KeyWrap): Promise<string> {
  const json = JSON.stringify(keystore);
  let back: string;
  let wrapped: Uint8Array;
  try {
    wrapped = await keyWrap.wrap(json);
    back = await keyWrap.unwrap(wrapped);
  } catch {
    throw new WalletError('keychain_unavailable', 'The OS keychain could not protect the wallet key. Nothing was saved.');
  }
  if (back !== json) throw new WalletError('keychain_unavailable', 'The OS keychain did not return what it stored. Nothing was saved.');
  return Buffer.from(wrapped).toString('base64');
}

export async function keystoreOf(keyFile: KeyFile, keyWrap: KeyWrap, file: string): Promise<Keystore> {
  if (keyFile.keychain === 'none') return keyFile.keystore;
  if (keyWrap.kind !== 'os') throw keychainUnavailable(file);
  let json: string;
  try {
    json = await keyWrap.unwrap(Buffer.from(keyFile.wrapped, 'base64'));
  } catch {
    throw new WalletError(
      'keychain_unavailable',
      `The OS keychain could not unlock the wallet key file ${file}. It only opens for the same user on the computer that ` +
        'created it; if the data folder was copied from elsewhere, restore the wallet from its recovery phrase. The file was not modified.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw damaged(file, 'its OS-keychain-wrapped keystore is not valid JSON');
  }
  const parsed = keystoreSchema.safeParse(raw);
  if (!parsed.success) throw damaged(file, 'its OS-keychain-wrapped keystore has unexpected content');
  if (!sameAddress(parsed.data.address, keyFile.address)) throw damaged(file, 'its address does not match its keystore');
  return parsed.data;
}
