import { scrypt as nodeScrypt } from 'node:crypto';
import { scrypt as ethersScrypt } from 'ethers/crypto';

/**
 * ethers' "async" scrypt (noble-hashes 1.3) only yields to the microtask queue:
 * measured here, encrypting or decrypting a keystore at N = 2^18 held the event
 * loop for the whole ~1.2 s (no timer, I/O or IPC ran). Node's crypto.scrypt
 * runs in the libuv thread pool instead and is faster (~0.86 s), so ethers is
 * given it through its own registration hook. The result is the same RFC 7914
 * scrypt (a test compares both). Parameters OpenSSL refuses but noble accepts
 * fall back to ethers' own implementation (correct, only blocking).
 *
 * This registration is process-wide for ethers' `scrypt`: deliberate, since
 * any other caller benefits in the same way.
 */
const original = ethersScrypt._;
let registered = false;

function threadPoolScrypt(passwd: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Promise<Uint8Array> {
  // OpenSSL wants room for B (128·r·p) and V (128·r·(N+2)); a little slack on top.
  const maxmem = 128 * r * (N + 2) + 128 * r * p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    nodeScrypt(passwd, salt, dkLen, { N, r, p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

/** Idempotent; true when ethers now uses the thread-pool scrypt. */
export function useThreadPoolScrypt(): boolean {
  if (registered) return true;
  try {
    ethersScrypt.register(async (passwd, salt, N, r, p, dkLen, progress) => {
      try {
        return await threadPoolScrypt(passwd, salt, N, r, p, dkLen);
      } catch {
        return original(passwd, salt, N, r, p, dkLen, progress);
      }
    });
    registered = true;
  } catch {
    // ethers.lock() was called by someone: keep its (blocking, correct) scrypt.
  }
  return registered;
}

/** ethers' own implementation, for tests that compare the two. */
export const referenceScrypt = original;
