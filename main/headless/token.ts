import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN_PATTERN } from '../../shared/headless.ts';

export const TOKEN_FILE = 'api-token';

/**
 * The headless API token: 32 random bytes, created at first start and kept in
 * the data dir readable by the owner alone (0600; tightened if found looser).
 */
export function loadOrCreateToken(dataDir: string): { token: string; created: boolean } {
  const file = join(dataDir, TOKEN_FILE);
  let existing: string | undefined;
  try {
    existing = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  if (existing !== undefined) {
    if (!TOKEN_PATTERN.test(existing)) {
      throw new Error(`The API token file ${file} is damaged. Delete it and Hearth will create a new token at the next start.`);
    }
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { token: existing, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, created: true };
}

/** Constant-time comparison, so response timing says nothing about the token. */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
