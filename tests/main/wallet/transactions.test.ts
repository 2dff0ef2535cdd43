import { join } from 'node:path';
import { createPublicClient, custom, parseEther, type Chain, type PublicClient, type Transport } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setNativeBalance } from '../../../main/devnet/chain.ts';
import { Store } from '../../../main/store/index.ts';
import { TransactionSender } from '../../../main/wallet/transactions.ts';
import { paymentsFixture, type PaymentsFixture } from '../../helpers/payments.ts';
import { tempDir } from '../../helpers/temp.ts';

let fx: PaymentsFixture;
beforeAll(async () => {
  fx = await paymentsFixture({ deposit: 0n });
}, 30_000);
afterAll(async () => fx.close());

/** A client whose RPC endpoint can be made to fail, like a hosted endpoint having a bad minute. */
function flakyClient(): { client: PublicClient<Transport, Chain>; down: Set<string> } {
  const down = new Set<string>();
  const transport = custom({
    request: async ({ method, params }: { method: string; params?: unknown }) => {
      if (down.has(method)) throw new Error(`${method}: 503 Service Unavailable`);
      return fx.chain.provider.request({ method, params: params as never });
    },
  });
  return { client: createPublicClient({ chain: fx.chain.viemChain, transport }), down };
}

describe('TransactionSender', () => {
  it('does not take an unreachable RPC endpoint for a vanished transaction', async () => {
    const { client, down } = flakyClient();
    const store = Store.open(join(tempDir(), 'hearth.db'));
    const sender = new TransactionSender({ client, records: store.chainTxs, confirmations: 1 });
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(fx.chain, account.address, parseEther('1'));
    const tx = await sender.send(account, { kind: 'withdrawal', to: fx.provider.address, value: 1n, amount: 1n, detail: { asset: 'native' } });
    down.add('eth_getTransactionReceipt');
    down.add('eth_getTransactionByHash');
    await expect(sender.poll()).rejects.toThrow(/503/);
    expect(store.chainTxs.get(tx.hash)?.state).toBe('sent');
    down.clear();
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('confirmed');
    store.close();
  });

  it('answers a broadcast that failed with the recorded transaction (never an error to "retry" into a second one), and sends it later', async () => {
    const { client, down } = flakyClient();
    const store = Store.open(join(tempDir(), 'hearth.db'));
    const sender = new TransactionSender({ client, records: store.chainTxs, confirmations: 1 });
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(fx.chain, account.address, parseEther('1'));
    down.add('eth_sendRawTransaction');
    const tx = await sender.send(account, { kind: 'withdrawal', to: fx.provider.address, value: 1n, amount: 1n, detail: { asset: 'native' } });
    expect(tx.state).toBe('signed');
    expect(tx.error).toMatch(/^broadcast failed, retrying: [\s\S]*503/);
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('signed');
    down.clear();
    await sender.poll(); // broadcast again: sent
    expect(store.chainTxs.get(tx.hash)).toMatchObject({ state: 'sent', error: null });
    await sender.poll(); // its receipt
    expect(store.chainTxs.get(tx.hash)).toMatchObject({ state: 'confirmed', error: null });
    expect(await fx.client.getTransactionCount({ address: account.address })).toBe(1);
    store.close();
  });

  it('follows a retry that is the very transaction refused before (same bytes, same hash) instead of leaving it "failed"', async () => {
    const store = Store.open(join(tempDir(), 'hearth.db'));
    const sender = new TransactionSender({ client: fx.client, records: store.chainTxs, confirmations: 1 });
    const account = privateKeyToAccount(generatePrivateKey()); // no gas money yet
    const request = {
      kind: 'withdrawal' as const,
      to: fx.provider.address,
      value: 1n,
      amount: 1n,
      gas: 21_000n,
      fees: { maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n },
      detail: { asset: 'native' },
    };
    const refused = await sender.send(account, request);
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatch(/^not sent: /);
    await setNativeBalance(fx.chain, account.address, parseEther('1'));
    const retried = await sender.send(account, request);
    expect(retried.hash).toBe(refused.hash);
    expect(retried.state).toBe('sent');
    await sender.poll();
    expect(store.chainTxs.get(retried.hash)).toMatchObject({ state: 'confirmed', error: null });
    store.close();
  });

  it('gives each transaction the next nonce, also when several are queued at once', async () => {
    const store = Store.open(join(tempDir(), 'hearth.db'));
    const sender = new TransactionSender({ client: fx.client, records: store.chainTxs, confirmations: 1 });
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(fx.chain, account.address, parseEther('1'));
    const sends = Array.from({ length: 5 }, (_, i) =>
      sender.send(account, { kind: 'withdrawal', to: fx.provider.address, value: BigInt(i + 1), amount: BigInt(i + 1), detail: { asset: 'native' } }),
    );
    const txs = await Promise.all(sends);
    expect(txs.map((tx) => tx.nonce)).toEqual([0, 1, 2, 3, 4]);
    await sender.poll();
    expect(store.chainTxs.recent(10).every((tx) => tx.state === 'confirmed')).toBe(true);
    store.close();
  });
});
