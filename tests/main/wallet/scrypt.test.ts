import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scrypt } from 'ethers/crypto';
import { describe, expect, it } from 'vitest';
import { noKeyWrap } from '../../../main/wallet/key-wrap.ts';
import { referenceScrypt, useThreadPoolScrypt } from '../../../main/wallet/scrypt.ts';
import { DEFAULT_SCRYPT_N, Wallet } from '../../../main/wallet/wallet.ts';
import { tempDir } from '../../helpers/temp.ts';
import { PASSPHRASE, TEST_KEY } from './wallet-fixtures.ts';

/** Runs `work` while a 5 ms timer ticks; returns how long it took and the longest the event loop was held. */
async function whileTicking<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; longestGapMs: number; ticks: number }> {
  let last = performance.now();
  let longestGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  const start = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - start, longestGapMs: Math.max(longestGapMs, performance.now() - last), ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('scrypt', () => {
  it('ethers uses the thread-pool scrypt, and it computes what ethers\' own computes', async () => {
    expect(useThreadPoolScrypt()).toBe(true);
    for (const [N, r, p] of [
      [2 ** 10, 8, 1],
      [2 ** 12, 8, 1],
      [2 ** 4, 1, 3],
    ] as const) {
      const password = randomBytes(20);
      const salt = randomBytes(32);
      const ours = await scrypt(password, salt, N, r, p, 64);
      const reference = Buffer.from(await referenceScrypt(password, salt, N, r, p, 64)).toString('hex');
      expect(ours).toBe(`0x${reference}`);
    }
  });

  it('writes the strong default (N = 2^18) and never holds the event loop for the whole derivation', async () => {
    expect(DEFAULT_SCRYPT_N).toBeGreaterThanOrEqual(2 ** 18);
    const file = join(tempDir(), 'wallet.json');
    const wallet = new Wallet({ file, keyWrap: noKeyWrap });

    const created = await whileTicking(() => wallet.importPrivateKey({ privateKey: TEST_KEY, passphrase: PASSPHRASE }));
    const kdf = (JSON.parse(readFileSync(file, 'utf8')) as { keystore: { Crypto: { kdfparams: { n: number; r: number; p: number } } } }).keystore.Crypto.kdfparams;
    expect(kdf.n).toBeGreaterThanOrEqual(2 ** 18);
    expect(kdf).toMatchObject({ n: DEFAULT_SCRYPT_N, r: 8, p: 1 });

    wallet.lock();
    const unlocked = await whileTicking(() => wallet.unlock(PASSPHRASE));
    console.info(`N=2^18: import ${created.ms.toFixed(0)} ms, unlock ${unlocked.ms.toFixed(0)} ms, longest event-loop stall ${Math.max(created.longestGapMs, unlocked.longestGapMs).toFixed(0)} ms`);
    for (const run of [created, unlocked]) {
      expect(run.ms).toBeGreaterThan(200); // the work is real…
      // …and the loop kept turning (ethers' own scrypt held it for the whole run: 0 ticks). Typical stall here: ~50 ms.
      expect(run.longestGapMs).toBeLessThan(run.ms / 2);
      expect(run.ticks).toBeGreaterThan(run.ms / 50);
    }
  }, 30_000);

  it('refuses a weak scrypt cost outside tests\' range', () => {
    for (const scryptN of [2 ** 9, 1000, 2 ** 21]) {
      expect(() => new Wallet({ file: join(tempDir(), 'wallet.json'), keyWrap: noKeyWrap, scryptN })).toThrow(RangeError);
    }
  });
});
