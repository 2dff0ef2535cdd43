import { createPublicClient, createWalletClient, parseEther, type Chain, type LocalAccount, type PublicClient, type Transport } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { escrowAbi, testTokenAbi } from '../../shared/contracts.ts';
import { voucherDomain, voucherTypes, type Address, type VoucherWire } from '../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain, type EmbeddedChain } from '../../main/devnet/chain.ts';
import { deployPaymentContracts } from '../../main/devnet/deploy.ts';
import type { PaymentTerms } from '../../main/wallet/payouts.ts';

/** One token unit (6 decimals). */
export const UNIT = 1_000_000n;

export interface PaymentsFixture {
  chain: EmbeddedChain;
  client: PublicClient<Transport, Chain>;
  payer: LocalAccount;
  provider: LocalAccount;
  terms: PaymentTerms;
  /** The payer's signed voucher for `amount` in total to the provider. */
  voucher(amount: bigint, to?: Address): Promise<VoucherWire & { signature: `0x${string}` }>;
  deposit(amount: bigint): Promise<void>;
  announceWithdrawal(amount: bigint): Promise<void>;
  tokenBalance(address: Address): Promise<bigint>;
  close(): Promise<void>;
}

/** An embedded chain with the escrow and token deployed, a payer with `deposit` in escrow and a provider with gas money. */
export async function paymentsFixture(options: { deposit?: bigint; withdrawalDelaySeconds?: bigint; chain?: EmbeddedChain } = {}): Promise<PaymentsFixture> {
  const chain = options.chain ?? (await startEmbeddedChain());
  const deployer = privateKeyToAccount(generatePrivateKey());
  const payer = privateKeyToAccount(generatePrivateKey());
  const provider = privateKeyToAccount(generatePrivateKey());
  for (const account of [deployer, payer, provider]) await setNativeBalance(chain, account.address, parseEther('10'));
  const contracts = await deployPaymentContracts({
    chain,
    deployer,
    withdrawalDelaySeconds: options.withdrawalDelaySeconds ?? 3600n,
    tokenHolder: payer.address,
    initialSupply: 1_000_000n * UNIT,
  });
  const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport }) as PublicClient<Transport, Chain>;
  const payerWallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: payer });
  const terms: PaymentTerms = { chainId: chain.chainId, escrow: contracts.escrow, token: contracts.token, payer: payer.address };
  const mined = async (hash: `0x${string}`): Promise<void> => {
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 10_000 });
    if (receipt.status !== 'success') throw new Error(`fixture transaction ${hash} reverted`);
  };
  const fixture: PaymentsFixture = {
    chain,
    client,
    payer,
    provider,
    terms,
    async voucher(amount, to = provider.address) {
      const signature = await payer.signTypedData({
        domain: voucherDomain(chain.chainId, contracts.escrow),
        types: voucherTypes,
        primaryType: 'Voucher',
        message: { payer: payer.address, provider: to, cumulativeAmount: amount },
      });
      return { chainId: chain.chainId, escrow: contracts.escrow, payer: payer.address, provider: to, cumulativeAmount: amount.toString(), signature };
    },
    async deposit(amount) {
      await mined(await payerWallet.writeContract({ address: contracts.token, abi: testTokenAbi, functionName: 'approve', args: [contracts.escrow, amount] }));
      await mined(await payerWallet.writeContract({ address: contracts.escrow, abi: escrowAbi, functionName: 'deposit', args: [amount] }));
    },
    async announceWithdrawal(amount) {
      await mined(await payerWallet.writeContract({ address: contracts.escrow, abi: escrowAbi, functionName: 'announceWithdrawal', args: [amount] }));
    },
    tokenBalance: (address) => client.readContract({ address: contracts.token, abi: testTokenAbi, functionName: 'balanceOf', args: [address] }),
    close: () => chain.close(),
  };
  if ((options.deposit ?? 100n * UNIT) > 0n) await fixture.deposit(options.deposit ?? 100n * UNIT);
  return fixture;
}
