// Payments benchmarks (npm run bench):
// - vouchers: VoucherVerifier (every check the escrow makes, incl. signer
//   recovery) vs viem's generic recoverTypedDataAddress on the same vouchers —
//   and the absolute rate on this one core, against the target of 2,000/s.
// - claim latency on the embedded chain: Payouts.claim (voucher lookup, escrow
//   reads, gas estimate, sign, record, broadcast) until confirmed, vs a bare
//   viem ERC-20 transfer to its receipt on the same chain.
import { join } from 'node:path';
import { createWalletClient, parseEther, recoverTypedDataAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { setNativeBalance } from '../../main/devnet/chain.ts';
import { Store } from '../../main/store/index.ts';
import { Payouts } from '../../main/wallet/payouts.ts';
import { TransactionSender } from '../../main/wallet/transactions.ts';
import { VoucherVerifier } from '../../main/wallet/vouchers.ts';
import { testTokenAbi } from '../../shared/contracts.ts';
import { voucherDomain, voucherTypes } from '../../shared/voucher.ts';
import { paymentsFixture, UNIT } from '../helpers/payments.ts';
import { percentile } from './stats.ts';


export async function benchPayments(dir: string, print: (line: string) => void): Promise<string[]> {
  const results: string[] = [];
  const fx = await paymentsFixture({ deposit: 500_000n * UNIT });
  try {
    // ---- voucher verification --------------------------------------------
    const N = 3000;
    const vouchers = [];
    for (let i = 1; i <= N; i++) vouchers.push(await fx.voucher(BigInt(i) * 1000n));
    const verifier = new VoucherVerifier({ ...fx.terms, provider: fx.provider.address });
    const domain = voucherDomain(fx.chain.chainId, fx.terms.escrow);

    // Warm-up (JIT, WebAssembly compile) for both.
    for (const voucher of vouchers.slice(0, 100)) verifier.verify(voucher, undefined);
    let start = performance.now();
    for (const voucher of vouchers) {
      await recoverTypedDataAddress({
        domain,
        types: voucherTypes,
        primaryType: 'Voucher',
        message: { payer: voucher.payer, provider: voucher.provider, cumulativeAmount: BigInt(voucher.cumulativeAmount) },
        signature: voucher.signature,
      });
    }
    const baseline = (N / (performance.now() - start)) * 1000;
    print(`  ${'baseline: viem recoverTypedDataAddress'.padEnd(58)} ${baseline.toFixed(0).padStart(9)} /s`);

    start = performance.now();
    let highest = 0n;
    for (const voucher of vouchers) highest = verifier.verify(voucher, highest).cumulativeAmount;
    const verified = (N / (performance.now() - start)) * 1000;
    print(`  ${'hearth: VoucherVerifier.verify (all checks)'.padEnd(58)} ${verified.toFixed(0).padStart(9)} /s`);

    const store = Store.open(join(dir, 'vouchers.db'));
    start = performance.now();
    highest = 0n;
    for (const voucher of vouchers) {
      const checked = verifier.verify(voucher, highest);
      highest = checked.cumulativeAmount;
      store.vouchers.insert({ ...fx.terms, payee: fx.provider.address, cumulativeAmount: checked.cumulativeAmount, signature: checked.signature, receivedAt: Date.now() });
    }
    const stored = (N / (performance.now() - start)) * 1000;
    print(`  ${'hearth: verify + store (synchronous=FULL)'.padEnd(58)} ${stored.toFixed(0).padStart(9)} /s`);
    results.push(
      `vouchers: hearth/viem = ${(verified / baseline).toFixed(2)}; ${verified.toFixed(0)} verified/s on one core (target >= 2,000/s); with storing ${stored.toFixed(0)}/s`,
    );

    // ---- claim latency ---------------------------------------------------
    const CLAIMS = 40;
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const payerWallet = createWalletClient({ chain: fx.chain.viemChain, transport: fx.chain.transport, account: fx.payer });
    const bare: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const t0 = performance.now();
      const hash = await payerWallet.writeContract({ address: fx.terms.token, abi: testTokenAbi, functionName: 'transfer', args: [recipient, 1n] });
      await fx.client.waitForTransactionReceipt({ hash, pollingInterval: 1 });
      bare.push(performance.now() - t0);
    }
    const sender = new TransactionSender({ client: fx.client, records: store.chainTxs, confirmations: 1 });
    const payouts = new Payouts({ client: fx.client, sender, vouchers: store.vouchers, openTxs: () => store.chainTxs.open() });
    await setNativeBalance(fx.chain, fx.provider.address, parseEther('10'));
    const claims: number[] = [];
    for (let i = 0; i < CLAIMS; i++) {
      const amount = highest + BigInt(i + 1) * UNIT;
      const voucher = await fx.voucher(amount);
      store.vouchers.insert({ ...fx.terms, payee: fx.provider.address, cumulativeAmount: amount, signature: voucher.signature, receivedAt: Date.now() });
      const t0 = performance.now();
      const tx = await payouts.claim(fx.provider, fx.terms);
      while (store.chainTxs.get(tx.hash)?.state !== 'confirmed') await sender.poll();
      claims.push(performance.now() - t0);
    }
    store.close();
    print(`  ${'baseline: viem ERC-20 transfer to receipt'.padEnd(58)} p50 ${percentile(bare, 50).toFixed(1)} ms, p95 ${percentile(bare, 95).toFixed(1)} ms`);
    print(`  ${'hearth: claim (checks, estimate, sign, record, send) to confirmed'.padEnd(58)} p50 ${percentile(claims, 50).toFixed(1)} ms, p95 ${percentile(claims, 95).toFixed(1)} ms`);
    results.push(
      `claim latency: hearth/bare transfer (p50) = ${(percentile(claims, 50) / percentile(bare, 50)).toFixed(2)} (${percentile(claims, 50).toFixed(1)} ms vs ${percentile(bare, 50).toFixed(1)} ms; lower is better)`,
    );
  } finally {
    await fx.close();
  }
  return results;
}
