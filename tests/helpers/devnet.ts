import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  parseEther,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type Chain,
  type WalletClient,
  type Account,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { escrowAbi, testTokenAbi } from '../../shared/contracts.ts';
import { voucherDomain, voucherTypes, type Address, type Hex } from '../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain, type EmbeddedChain } from '../../main/devnet/chain.ts';
import { deployPaymentContracts } from '../../main/devnet/deploy.ts';

export const WITHDRAWAL_DELAY = 3600n;

export interface Devnet {
  chain: EmbeddedChain;
  publicClient: PublicClient<Transport, Chain>;
  deployer: LocalAccount;
  escrow: Address;
  token: Address;
  /** A funded account's wallet client (native coin for gas). */
  wallet(account: LocalAccount): WalletClient<Transport, Chain, Account>;
  /** A fresh account holding native coin, so each test has its own payer/provider state. */
  newAccount(): Promise<LocalAccount>;
  /** Mints `amount` to a fresh payer and deposits it into the escrow. */
  newPayer(deposit: bigint): Promise<LocalAccount>;
  /** Mints to `payer`, approves and deposits. */
  deposit(payer: LocalAccount, amount: bigint): Promise<void>;
  signVoucher(payer: LocalAccount, provider: Address, cumulativeAmount: bigint, domain?: { chainId?: number; escrow?: Address }): Promise<Hex>;
  tokenBalance(address: Address): Promise<bigint>;
}

/** A chain with the token and the escrow deployed; `journal` makes it one a restart keeps (connectDevnet). */
export async function startDevnet(options: { journal?: string } = {}): Promise<Devnet> {
  const chain = await startEmbeddedChain(options.journal === undefined ? {} : { journal: options.journal });
  const deployer = privateKeyToAccount(generatePrivateKey());
  await setNativeBalance(chain, deployer.address, parseEther('10'));
  const { escrow, token } = await deployPaymentContracts({
    chain,
    deployer,
    withdrawalDelaySeconds: WITHDRAWAL_DELAY,
    tokenHolder: deployer.address,
    initialSupply: 1_000_000_000_000n,
  });
  return connectDevnet(chain, { deployer, escrow, token });
}

/** A Devnet over contracts already in `chain`, e.g. one restarted from its journal. */
export function connectDevnet(chain: EmbeddedChain, { deployer, escrow, token }: Pick<Devnet, 'deployer' | 'escrow' | 'token'>): Devnet {
  const publicClient = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
  const wallet = (account: LocalAccount): WalletClient<Transport, Chain, Account> =>
    createWalletClient({ chain: chain.viemChain, transport: chain.transport, account });
  const newAccount = async (): Promise<LocalAccount> => {
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(chain, account.address, parseEther('10'));
    return account;
  };
  const send = async (hash: Hex): Promise<void> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 5_000 });
    expect(receipt.status).toBe('success');
  };
  const deposit = async (payer: LocalAccount, amount: bigint): Promise<void> => {
    await send(await wallet(deployer).writeContract({ address: token, abi: testTokenAbi, functionName: 'mint', args: [payer.address, amount] }));
    await send(await wallet(payer).writeContract({ address: token, abi: testTokenAbi, functionName: 'approve', args: [escrow, amount] }));
    await send(await wallet(payer).writeContract({ address: escrow, abi: escrowAbi, functionName: 'deposit', args: [amount] }));
  };
  return {
    chain,
    publicClient,
    deployer,
    escrow,
    token,
    wallet,
    newAccount,
    async newPayer(amount) {
      const payer = await newAccount();
      if (amount > 0n) await deposit(payer, amount);
      return payer;
    },
    deposit,
    signVoucher(payer, provider, cumulativeAmount, domain = {}) {
      return payer.signTypedData({
        domain: voucherDomain(domain.chainId ?? chain.chainId, domain.escrow ?? escrow),
        types: voucherTypes,
        primaryType: 'Voucher',
        message: { payer: payer.address, provider, cumulativeAmount },
      });
    },
    tokenBalance: (address) => publicClient.readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [address] }),
  };
}

/** The custom error a rejected call or send reverted with, as viem decoded it. */
export async function revertReason(promise: Promise<unknown>): Promise<{ errorName: string; args: readonly unknown[] }> {
  try {
    await promise;
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((cause) => cause instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
      return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
    }
    throw error;
  }
  throw new Error('expected a revert, but the call succeeded');
}
