import { safeStorage } from 'electron';
import { noKeyWrapBecause, type KeyWrap } from '../wallet/key-wrap.ts';

/**
 * The wallet's OS-keychain layer over Electron's safeStorage (async API).
 * Call after `app.whenReady()`: before it, Linux reports no backend.
 *
 * Linux's `basic_text` backend encrypts with a password hard-coded in
 * Chromium, i.e. protects nothing; it is not used, and the passphrase alone
 * protects the key file (the description says so). The same when the backend
 * cannot be told (`unknown`) or encryption is unavailable.
 *
 * safeStorage's `shouldReEncrypt` (the OS key was rotated) is not acted on:
 * the old wrapping still decrypts, and the next passphrase change re-wraps.
 */
export async function safeStorageKeyWrap(): Promise<KeyWrap> {
  let available: boolean;
  try {
    available = await safeStorage.isAsyncEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) return noKeyWrapBecause('The OS keychain is not available, so your passphrase alone protects the key file.');

  let description: string;
  if (process.platform === 'darwin') {
    description = 'Your passphrase and the macOS Keychain protect the key file.';
  } else if (process.platform === 'win32') {
    description = 'Your passphrase and Windows (DPAPI, tied to your user account) protect the key file.';
  } else {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return noKeyWrapBecause(
        'No secure password store (GNOME Keyring or KWallet) was found on this desktop, so your passphrase alone protects the key file.',
      );
    }
    description = `Your passphrase and ${backend === 'gnome_libsecret' ? 'the GNOME Keyring (Secret Service)' : 'KWallet'} protect the key file.`;
  }

  return {
    kind: 'os',
    description,
    wrap: async (data) => new Uint8Array(await safeStorage.encryptStringAsync(data)),
    unwrap: async (data) => (await safeStorage.decryptStringAsync(Buffer.from(data))).result,
  };
}
