import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setNativeBalance } from '../../../main/devnet/chain.ts';
import { serveJsonRpc } from '../../../main/devnet/rpc-server.ts';
import { Store } from '../../../main/store/index.ts';
import { escrowAbi } from '../../../shared/contracts.ts';
import { paymentsFixture, UNIT, type PaymentsFixture } from '../../helpers/payments.ts';
import { tempDir } from '../../helpers/temp.ts';

const CLAIMER = join(import.meta.dirname, 'fixtures', 'claimer.ts');

let fx: PaymentsFixture;
let rpc: { url: string; close(): Promise<void> };
beforeAll(async () => {
  fx = await paymentsFixture({ deposit: 1_000n * UNIT });
  // The chain lives in this process and outlives the claimer it kills.
  rpc = await serveJsonRpc(fx.chain.provider);
}, 30_000);
afterAll(async () => {
  await rpc.close();
  await fx.close();
});

function runClaimer(file: string, key: `0x${string}`, killAt: string): Promise<{ signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLAIMER, file, rpc.url, JSON.stringify(fx.terms)], {
      env: { ...process.env, KILL_AT: killAt, PROVIDER_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (_code, signal) => resolve({ signal, out, err }));
  });
}

/** A provider with gas money and one stored voucher for `amount`, in a fresh data dir. */
async function providerWithVoucher(amount: bigint): Promise<{ file: string; key: `0x${string}`; address: `0x${string}` }> {
  const key = generatePrivateKey();
  const { address } = privateKeyToAccount(key);
  await setNativeBalance(fx.chain, address, parseEther('1'));
  const file = join(tempDir(), 'hearth.db');
  const store = Store.open(file);
  const voucher = await fx.voucher(amount, address);
  store.vouchers.insert({ ...fx.terms, payee: address, cumulativeAmount: amount, signature: voucher.signature, receivedAt: Date.now() });
  store.close();
  return { file, key, address };
}

describe('a claim interrupted by a crash', () => {
  it.each([
    // stage, state recorded at the kill, transactions the chain had seen
    ['signed', 'signed', 0],
    ['broadcast', 'signed', 1],
    ['sent', 'sent', 1],
  ] as const)(
    'killed at "%s": on restart the claim is found and completed exactly once',
    async (stage, recordedState, onChain) => {
      const amount = 7n * UNIT;
      const { file, key, address } = await providerWithVoucher(amount);
      const killed = await runClaimer(file, key, stage);
      expect(killed.signal, killed.err).toBe('SIGKILL');
      const afterKill = Store.open(file);
      const [recorded] = afterKill.chainTxs.recent(10);
      expect(recorded).toMatchObject({ kind: 'claim', state: recordedState });
      expect(await fx.client.getTransactionCount({ address })).toBe(onChain);
      afterKill.close();

      const restarted = await runClaimer(file, key, 'none');
      expect(restarted.signal, restarted.err).toBeNull();
      // The claim left by the crash was completed; a new claim found nothing more owed.
      expect(JSON.parse(restarted.out)).toEqual({ outcome: 'nothing_to_claim', open: 0 });

      const store = Store.open(file);
      const txs = store.chainTxs.recent(10);
      expect(txs).toHaveLength(1);
      expect(txs[0]).toMatchObject({ hash: recorded?.hash, state: 'confirmed', amount });
      store.close();
      expect(await fx.tokenBalance(address)).toBe(amount);
      expect(await fx.client.readContract({ address: fx.terms.escrow, abi: escrowAbi, functionName: 'claimed', args: [fx.terms.payer, address] })).toBe(amount);
      // One transaction from the provider, ever: nothing was signed or sent twice.
      expect(await fx.client.getTransactionCount({ address })).toBe(1);
    },
    30_000,
  );
});
