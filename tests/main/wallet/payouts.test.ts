import { join } from 'node:path';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mineBlocks } from '../../../main/devnet/chain.ts';
import { Store } from '../../../main/store/index.ts';
import { PayoutError, Payouts } from '../../../main/wallet/payouts.ts';
import { TransactionSender } from '../../../main/wallet/transactions.ts';
import { VoucherVerifier } from '../../../main/wallet/vouchers.ts';
import type { ChainTx } from '../../../shared/chain-tx.ts';
import { paymentsFixture, UNIT, type PaymentsFixture } from '../../helpers/payments.ts';
import { tempDir } from '../../helpers/temp.ts';

let fx: PaymentsFixture;
beforeAll(async () => {
  fx = await paymentsFixture({ deposit: 50n * UNIT });
}, 30_000);
afterAll(async () => fx.close());

function setup(confirmations = 1): { store: Store; sender: TransactionSender; payouts: Payouts; changes: ChainTx[] } {
  const store = Store.open(join(tempDir(), 'hearth.db'));
  const changes: ChainTx[] = [];
  const sender = new TransactionSender({ client: fx.client, records: store.chainTxs, confirmations, onChange: (tx) => changes.push(tx) });
  const payouts = new Payouts({ client: fx.client, sender, vouchers: store.vouchers, openTxs: () => store.chainTxs.open() });
  return { store, sender, payouts, changes };
}

async function storeVoucher(store: Store, amount: bigint): Promise<void> {
  const verifier = new VoucherVerifier({ ...fx.terms, provider: fx.provider.address });
  const highest = store.vouchers.highest({ ...fx.terms, payee: fx.provider.address })?.cumulativeAmount;
  const voucher = verifier.verify(await fx.voucher(amount), highest);
  store.vouchers.insert({
    chainId: voucher.chainId,
    escrow: voucher.escrow,
    payer: voucher.payer,
    payee: voucher.provider,
    token: fx.terms.token,
    cumulativeAmount: voucher.cumulativeAmount,
    signature: voucher.signature,
    receivedAt: Date.now(),
  });
}

describe('claims on the embedded chain', () => {
  it('claims the highest voucher, records it from signed to confirmed, and pays only the difference next time', async () => {
    const { store, sender, payouts, changes } = setup();
    const before = await fx.tokenBalance(fx.provider.address);
    await storeVoucher(store, 3n * UNIT);
    await storeVoucher(store, 5n * UNIT);
    const tx = await payouts.claim(fx.provider, fx.terms);
    expect(tx.state).toBe('sent');
    expect(tx.amount).toBe(5n * UNIT);
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('confirmed');
    expect(changes.map((change) => change.state)).toEqual(['signed', 'sent', 'confirmed']);
    expect((await fx.tokenBalance(fx.provider.address)) - before).toBe(5n * UNIT);

    await expect(payouts.claim(fx.provider, fx.terms)).rejects.toMatchObject({ reason: 'nothing_to_claim' });
    await storeVoucher(store, 8n * UNIT);
    const second = await payouts.claim(fx.provider, fx.terms);
    expect(second.amount).toBe(3n * UNIT);
    await sender.poll();
    expect((await fx.tokenBalance(fx.provider.address)) - before).toBe(8n * UNIT);
    store.close();
  });

  it('returns the claim already in flight instead of sending a second one', async () => {
    const { store, payouts } = setup(3);
    await storeVoucher(store, 9n * UNIT);
    const first = await payouts.claim(fx.provider, fx.terms);
    const again = await payouts.claim(fx.provider, fx.terms);
    expect(again.hash).toBe(first.hash);
    store.close();
  });

  it('counts confirmations and only then calls a transaction confirmed', async () => {
    const { store, sender, payouts } = setup(3);
    await storeVoucher(store, 10n * UNIT);
    const tx = await payouts.claim(fx.provider, fx.terms);
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('mined');
    await mineBlocks(fx.chain, 2);
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('confirmed');
    store.close();
  });

  it('puts a transaction dropped by a reorg back to "sent" and broadcasts the same bytes again', async () => {
    const { store, sender, payouts } = setup(3);
    await storeVoucher(store, 11n * UNIT);
    const snapshot = await fx.chain.provider.request({ method: 'evm_snapshot', params: [] });
    const tx = await payouts.claim(fx.provider, fx.terms);
    await sender.poll();
    const mined = store.chainTxs.get(tx.hash);
    expect(mined?.state).toBe('mined');
    await fx.chain.provider.request({ method: 'evm_revert', params: [snapshot] });
    await mineBlocks(fx.chain, 2);
    await sender.poll();
    // Gone from the canonical chain: back to sent, re-broadcast (automine mines it again at once).
    await sender.poll();
    await mineBlocks(fx.chain, 2);
    await sender.poll();
    const final = store.chainTxs.get(tx.hash);
    expect(final?.state).toBe('confirmed');
    expect(final?.blockHash).not.toBe(mined?.blockHash);
    expect(await fx.client.getTransactionCount({ address: fx.provider.address })).toBe(tx.nonce + 1);
    store.close();
  });

  it('signs one claim when a click and an auto-claim ask at the same moment', async () => {
    const { store, sender, payouts } = setup(3);
    await storeVoucher(store, 12n * UNIT);
    const nonceBefore = await fx.client.getTransactionCount({ address: fx.provider.address });
    const [a, b] = await Promise.all([payouts.claim(fx.provider, fx.terms), payouts.claim(fx.provider, fx.terms)]);
    expect(a.hash).toBe(b.hash);
    await mineBlocks(fx.chain, 2);
    await sender.poll();
    expect(await fx.client.getTransactionCount({ address: fx.provider.address })).toBe(nonceBefore + 1);
    store.close();
  });

  it('says why nothing can be claimed: no voucher, or an empty deposit', async () => {
    const { store, payouts } = setup();
    const stranger = privateKeyToAccount(generatePrivateKey());
    await expect(payouts.claim(stranger, fx.terms)).rejects.toMatchObject({ reason: 'no_voucher' });
    store.close();
  });
});

describe('withdrawals', () => {
  it('quotes and sends the token to an external address; refuses more than the balance, signing nothing', async () => {
    const { store, sender, payouts } = setup();
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const held = await fx.tokenBalance(fx.provider.address);
    expect(held).toBeGreaterThan(0n);
    await expect(
      payouts.quoteWithdrawal(fx.provider.address, { asset: 'token', to, amount: held + 1n, token: fx.terms.token }),
    ).rejects.toMatchObject({ reason: 'insufficient_balance' });
    const quote = await payouts.quoteWithdrawal(fx.provider.address, { asset: 'token', to, amount: 'max', token: fx.terms.token });
    expect(quote.amount).toBe(held);
    expect(quote.maxFee).toBe(quote.gasLimit * quote.maxFeePerGas);
    const tx = await payouts.withdraw(fx.provider, { asset: 'token', to, amount: 2n * UNIT, token: fx.terms.token });
    await sender.poll();
    expect(store.chainTxs.get(tx.hash)?.state).toBe('confirmed');
    expect(await fx.tokenBalance(to)).toBe(2n * UNIT);
    expect(store.chainTxs.recent(10)).toHaveLength(1);
    store.close();
  });

  it('adds the L1 data fee on OP Stack chains (Base), as the chain GasPriceOracle reports it', async () => {
    // A stand-in oracle at the OP Stack predeploy address answering every call with 0.001 ETH.
    const L1_FEE = 10n ** 15n;
    const code = `0x7f${L1_FEE.toString(16).padStart(64, '0')}60005260206000f3`;
    await fx.chain.provider.request({ method: 'hardhat_setCode', params: ['0x420000000000000000000000000000000000000F', code] });
    const { store, sender } = setup();
    const plain = new Payouts({ client: fx.client, sender, vouchers: store.vouchers, openTxs: () => [] });
    const op = new Payouts({ client: fx.client, sender, vouchers: store.vouchers, openTxs: () => [], opStack: true });
    const request = { asset: 'native', to: privateKeyToAccount(generatePrivateKey()).address, amount: 1000n, token: null } as const;
    const without = await plain.quoteWithdrawal(fx.provider.address, request);
    const withL1 = await op.quoteWithdrawal(fx.provider.address, request);
    expect(withL1.maxFee - without.maxFee).toBe(L1_FEE);
    store.close();
  });

  it('refuses recipients that would lose the money: the zero address, the token contract, the escrow, itself', async () => {
    const { store, sender } = setup();
    const payouts = new Payouts({ client: fx.client, sender, vouchers: store.vouchers, openTxs: () => [], protectedAddresses: [fx.terms.escrow] });
    for (const to of ['0x0000000000000000000000000000000000000000', fx.terms.token, fx.terms.escrow, fx.provider.address] as const) {
      await expect(payouts.quoteWithdrawal(fx.provider.address, { asset: 'token', to, amount: 1n, token: fx.terms.token })).rejects.toMatchObject({
        reason: 'bad_recipient',
      });
    }
    store.close();
  });

  it('refuses to sign when the fee rose above the one the user confirmed', async () => {
    const { store, payouts } = setup();
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const quote = await payouts.quoteWithdrawal(fx.provider.address, { asset: 'native', to, amount: 1000n, token: null });
    await expect(
      payouts.withdraw(fx.provider, { asset: 'native', to, amount: 1000n, token: null, confirmedMaxFee: quote.maxFee - 1n }),
    ).rejects.toMatchObject({ reason: 'fee_changed' });
    expect(store.chainTxs.recent(5)).toHaveLength(0);
    store.close();
  });

  it('sends the native coin, keeping the fee back for "max"', async () => {
    const { store, sender, payouts } = setup();
    const to = privateKeyToAccount(generatePrivateKey()).address;
    await expect(payouts.quoteWithdrawal(fx.provider.address, { asset: 'native', to, amount: parseEther('1000'), token: null })).rejects.toBeInstanceOf(
      PayoutError,
    );
    await payouts.withdraw(fx.provider, { asset: 'native', to, amount: parseEther('0.5'), token: null });
    await sender.poll();
    expect(await fx.client.getBalance({ address: to })).toBe(parseEther('0.5'));
    store.close();
  });
});
