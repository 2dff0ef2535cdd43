import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createPublicClient, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startEmbeddedChain } from '../../../main/devnet/chain.ts';
import { tempDir } from '../../helpers/temp.ts';

const SENDER = join(import.meta.dirname, 'fixtures', 'journal-sender.ts');

interface Round {
  hashes: Hex[];
  /** What the child's start-up replayed: entries and torn bytes cut off. */
  ready: { entries: number; tornBytes: number };
}

/** Runs the sender until it has reported `minSent` transactions plus a random moment, then SIGKILLs it. */
function runAndKill(journal: string, keys: Hex[], minSent: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SENDER, journal, ...keys], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Should the test fail or time out first, the sender must not keep running.
    onTestFinished(() => void child.kill('SIGKILL'));
    const hashes: Hex[] = [];
    let ready = { entries: -1, tornBytes: -1 };
    let buffered = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, a, b] = line.split(' ');
        if (word === 'sent') hashes.push(a as Hex);
        if (word === 'ready') ready = { entries: Number(a), tornBytes: Number(b) };
      }
      if (hashes.length >= minSent && !armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 30);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ hashes, ready });
      else reject(new Error(`the sender exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('a chain process killed while sending', () => {
  it('leaves a journal that replays to a chain with every transaction it reported as accepted', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    const keys = [generatePrivateKey(), generatePrivateKey()];
    const reported: Hex[] = [];
    for (let round = 0; round < 4; round++) {
      const { hashes, ready } = await runAndKill(journal, keys, 20 + round * 15);
      // Each restart replayed at least everything reported before it.
      expect(ready.entries).toBeGreaterThanOrEqual(reported.length);
      if (ready.tornBytes > 0) console.info(`round ${round}: a torn last line of ${ready.tornBytes} bytes was cut off`);
      reported.push(...hashes);
    }

    const chain = await startEmbeddedChain({ journal });
    try {
      const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
      for (const hash of reported) {
        const receipt = await client.getTransactionReceipt({ hash });
        expect(receipt.status, hash).toBe('success');
      }
      // The accounts' nonces agree: the chain holds the reported transactions plus at most the few in flight at each kill.
      const nonces = await Promise.all(keys.map((key) => client.getTransactionCount({ address: privateKeyToAccount(key).address })));
      expect(nonces.reduce((sum, nonce) => sum + nonce, 0)).toBeGreaterThanOrEqual(reported.length);
      expect(nonces.reduce((sum, nonce) => sum + nonce, 0)).toBeLessThanOrEqual(reported.length + 4 * keys.length);
      expect(new Set(reported).size).toBe(reported.length);
    } finally {
      await chain.close();
    }
  }, 120_000);
});
