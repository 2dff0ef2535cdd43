import { WalletError } from './errors.ts';

export const MIN_PASSPHRASE_LENGTH = 8;
/** Far beyond any real passphrase; bounds what a caller can make scrypt hash. */
export const MAX_PASSPHRASE_LENGTH = 1024;

/**
 * Rules for a *new* passphrase. Unlocking never applies them, so a rule made
 * stricter later cannot lock anyone out. Length counts characters (code
 * points), not UTF-16 units or bytes.
 */
export function checkNewPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string') throw new WalletError('weak_passphrase', 'The passphrase must be text.');
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new WalletError('weak_passphrase', `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long.`);
  }
  if (length > MAX_PASSPHRASE_LENGTH) {
    throw new WalletError('weak_passphrase', `The passphrase may be at most ${MAX_PASSPHRASE_LENGTH} characters long.`);
  }
}
