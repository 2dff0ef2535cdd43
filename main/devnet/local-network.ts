import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, parseEther, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { escrowAbi, testTokenAbi } from '../../shared/contracts.ts';
import type { Address } from '../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain, type EmbeddedChain } from './chain.ts';
import { deployPaymentContracts } from './deploy.ts';

/** The local network's payment side: its chain, escrow, token and payer. */
export interface LocalPayments {
  chain: EmbeddedChain;
  escrow: Address;
  token: Address;
  tokenSymbol: string;
  tokenDecimals: number;
  payer: LocalAccount;
  /** Gives an address native coin for gas (the local chain's faucet). */
  fund(address: Address): Promise<void>;
  close(): Promise<void>;
}

const TOKEN_UNIT = 1_000_000n;
/** What the payer keeps in escrow: plenty for a local network's demo workload. */
const PAYER_DEPOSIT = 1_000_000n * TOKEN_UNIT;
const FAUCET_AMOUNT = parseEther('1');
/** A day: long enough that a provider sees an announced withdrawal coming and claims first. */
const WITHDRAWAL_DELAY_SECONDS = 86_400n;

const keysSchema = z.object({ deployer: z.string().regex(/^0x[0-9a-f]{64}$/), payer: z.string().regex(/^0x[0-9a-f]{64}$/) });

/**
 * The local network's own keys (deployer and payer), kept in the data dir so
 * its contracts and payer are the same every start. They hold only test
 * tokens on a chain that exists on this machine alone.
 */
function loadKeys(dir: string): { deployer: LocalAccount; payer: LocalAccount } {
  const file = join(dir, 'keys.json');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify({ deployer: generatePrivateKey(), payer: generatePrivateKey() }), { mode: 0o600, flag: 'wx' });
  }
  const keys = keysSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { deployer: privateKeyToAccount(keys.deployer as `0x${string}`), payer: privateKeyToAccount(keys.payer as `0x${string}`) };
}

/** Starts the embedded chain, deploys the test token and the escrow, and has the payer deposit. */
export async function startLocalPayments(options: { dataDir: string }): Promise<LocalPayments> {
  const { deployer, payer } = loadKeys(join(options.dataDir, 'devnet'));
  const chain = await startEmbeddedChain();
  try {
    await setNativeBalance(chain, deployer.address, parseEther('100'));
    await setNativeBalance(chain, payer.address, parseEther('100'));
    const contracts = await deployPaymentContracts({
      chain,
      deployer,
      withdrawalDelaySeconds: WITHDRAWAL_DELAY_SECONDS,
      tokenHolder: payer.address,
      initialSupply: PAYER_DEPOSIT,
    });
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    const wallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: payer });
    for (const hash of [
      await wallet.writeContract({ address: contracts.token, abi: testTokenAbi, functionName: 'approve', args: [contracts.escrow, PAYER_DEPOSIT] }),
      await wallet.writeContract({ address: contracts.escrow, abi: escrowAbi, functionName: 'deposit', args: [PAYER_DEPOSIT] }),
    ]) {
      const receipt = await client.waitForTransactionReceipt({ hash, timeout: 10_000 });
      if (receipt.status !== 'success') throw new Error('the local payer could not deposit into escrow');
    }
    return {
      chain,
      escrow: contracts.escrow,
      token: contracts.token,
      tokenSymbol: 'tUSD',
      tokenDecimals: 6,
      payer,
      async fund(address) {
        const balance = await client.getBalance({ address });
        if (balance < FAUCET_AMOUNT / 10n) await setNativeBalance(chain, address, FAUCET_AMOUNT);
      },
      close: () => chain.close(),
    };
  } catch (error) {
    await chain.close();
    throw error;
  }
}
