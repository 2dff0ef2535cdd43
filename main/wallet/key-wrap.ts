/**
 * A second lock around the passphrase-encrypted keystore, held by the OS
 * (macOS Keychain, Windows DPAPI, Linux Secret Service / KWallet). It does not
 * replace the passphrase: it makes a copied key file useless without this OS
 * account. The Electron adapter is main/electron/safe-storage.ts; everything
 * else (headless mode, tests) uses `noKeyWrap`.
 */
export interface KeyWrap {
  readonly kind: 'os' | 'none';
  /** For the user: what protects the key file, or why the OS keychain is not used. */
  readonly description: string;
  wrap(data: string): Promise<Uint8Array>;
  unwrap(data: Uint8Array): Promise<string>;
}

/** The passphrase layer alone; `description` says why. Never asked to wrap. */
export function noKeyWrapBecause(description: string): KeyWrap {
  const refuse = (): Promise<never> => Promise.reject(new Error('No OS keychain is in use here.'));
  return { kind: 'none', description, wrap: refuse, unwrap: refuse };
}

export const noKeyWrap: KeyWrap = noKeyWrapBecause(
  'Your passphrase alone protects the key file (the OS keychain is only used by the desktop app).',
);
