import { join } from 'node:path';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setNativeBalance } from '../../../main/devnet/chain.ts';
import { Store } from '../../../main/store/index.ts';
import { localProfile, publicClientFor } from '../../../main/wallet/chains.ts';
import { noKeyWrap } from '../../../main/wallet/key-wrap.ts';
import { WalletService } from '../../../main/wallet/service.ts';
import { VoucherRejectedError } from '../../../main/wallet/vouchers.ts';
import { Wallet } from '../../../main/wallet/wallet.ts';
import { escrowAbi } from '../../../shared/contracts.ts';
import { paymentsFixture, UNIT, type PaymentsFixture } from '../../helpers/payments.ts';
import { tempDir } from '../../helpers/temp.ts';

let fx: PaymentsFixture;
beforeAll(async () => {
  fx = await paymentsFixture({ deposit: 100n * UNIT });
}, 30_000);
afterAll(async () => fx.close());

async function service(autoClaimThreshold = 10n * UNIT): Promise<{ wallet: WalletService; store: Store; logs: string[] }> {
  const dir = tempDir();
  const store = Store.open(join(dir, 'hearth.db'));
  const keys = new Wallet({ file: join(dir, 'wallet.json'), keyWrap: noKeyWrap, scryptN: 2 ** 10 });
  const logs: string[] = [];
  const wallet = new WalletService({
    keys,
    records: store.chainTxs,
    vouchers: store.vouchers,
    autoClaim: () => ({ autoClaim: true, autoClaimThreshold }),
    log: (_level, message) => logs.push(message),
    pollMs: 60_000,
  });
  const address = await keys.create({ passphrase: 'passphrase one', words: 12 });
  await setNativeBalance(fx.chain, address, parseEther('1'));
  const profile = localProfile(fx.chain.viemChain);
  await wallet.attachNetwork({
    profile,
    client: publicClientFor(profile, { transport: fx.chain.transport }),
    rpcUrl: null,
    terms: fx.terms,
    token: { symbol: 'tUSD', decimals: 6 },
  });
  return { wallet, store, logs };
}

const claimedOnChain = (provider: `0x${string}`): Promise<bigint> =>
  fx.client.readContract({ address: fx.terms.escrow, abi: escrowAbi, functionName: 'claimed', args: [fx.terms.payer, provider] });

describe('WalletService', () => {
  it('stores a verified voucher once, and stores nothing for a rejected one', async () => {
    const { wallet, store } = await service();
    const provider = wallet.status().address as `0x${string}`;
    const voucher = await fx.voucher(2n * UNIT, provider);
    const first = wallet.acceptVoucher(voucher);
    expect(wallet.acceptVoucher(voucher).id).toBe(first.id); // a repeated message is idempotent
    for (const bad of [
      await fx.voucher(1n * UNIT, provider), // lower
      { ...(await fx.voucher(3n * UNIT, provider)), cumulativeAmount: '4000000' }, // altered
      await fx.voucher(5n * UNIT), // another provider
      { ...voucher, signature: '0x1234' }, // malformed
    ]) {
      expect(() => wallet.acceptVoucher(bad)).toThrow(VoucherRejectedError);
    }
    expect(store.vouchers.count({ ...fx.terms, payee: provider })).toBe(1);
    wallet.close();
    store.close();
  });

  it('auto-claims once the unclaimed amount reaches the threshold, not before', async () => {
    const { wallet, store, logs } = await service(10n * UNIT);
    const provider = wallet.status().address as `0x${string}`;
    wallet.acceptVoucher(await fx.voucher(9n * UNIT, provider));
    await wallet.poll();
    expect(await claimedOnChain(provider)).toBe(0n);
    wallet.acceptVoucher(await fx.voucher(10n * UNIT, provider));
    await wallet.poll();
    await wallet.poll();
    expect(await claimedOnChain(provider)).toBe(10n * UNIT);
    expect(logs.some((line) => line.includes('passed your threshold'))).toBe(true);
    expect((await wallet.earnings()).payers[0]).toMatchObject({ earned: 10n * UNIT, claimed: 10n * UNIT, unclaimed: 0n });
    wallet.close();
    store.close();
  });

  it('claims below the threshold as soon as the payer announces a withdrawal from escrow', async () => {
    const { wallet, store, logs } = await service(1_000n * UNIT);
    const provider = wallet.status().address as `0x${string}`;
    wallet.acceptVoucher(await fx.voucher(3n * UNIT, provider));
    await wallet.poll();
    expect(await claimedOnChain(provider)).toBe(0n);
    await fx.announceWithdrawal(50n * UNIT);
    await wallet.poll();
    await wallet.poll();
    expect(await claimedOnChain(provider)).toBe(3n * UNIT);
    expect(logs.some((line) => line.includes('announced a withdrawal'))).toBe(true);
    wallet.close();
    store.close();
  });

  it('does not claim while the wallet is locked', async () => {
    const { wallet, store } = await service(1n);
    const provider = wallet.status().address as `0x${string}`;
    wallet.keys.lock();
    wallet.acceptVoucher(await fx.voucher(2n * UNIT, provider));
    await wallet.poll();
    expect(await claimedOnChain(provider)).toBe(0n);
    expect(wallet.status().state).toBe('locked');
    wallet.close();
    store.close();
  });
});
