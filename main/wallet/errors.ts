export type WalletErrorCode =
  | 'no_wallet'
  | 'exists'
  | 'locked'
  | 'wrong_passphrase'
  | 'weak_passphrase'
  | 'invalid_phrase'
  | 'invalid_key'
  | 'corrupt_keystore'
  | 'keychain_unavailable'
  | 'no_phrase'
  | 'write_failed';

/**
 * Every failure of the wallet, with a message written for the user.
 *
 * Messages are composed here from fixed text, file paths and counts only:
 * never from the input (a mistyped phrase or key is still mostly secret) and
 * never from a library's message (ethers puts the offending value, e.g. a
 * private key, into its messages). For the same reason no `cause` is attached
 * unless it is a file-system error, which carries only a path and a code.
 */
export class WalletError extends Error {
  override name = 'WalletError';
  readonly code: WalletErrorCode;

  constructor(code: WalletErrorCode, message: string, options?: { cause?: NodeJS.ErrnoException }) {
    super(message, options);
    this.code = code;
  }
}

export function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
