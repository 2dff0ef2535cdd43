import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, getAddress, type LocalAccount } from 'viem';
import { z } from 'zod';
import { escrowAbi, testTokenAbi } from '../../shared/contracts.ts';
import type { Address, Hex } from '../../shared/voucher.ts';
import { appRoot } from '../worker/entry.ts';
import type { EmbeddedChain } from './chain.ts';

export interface PaymentContracts {
  escrow: Address;
  token: Address;
  /** Where to start scanning the escrow's events. */
  deployedAtBlock: bigint;
}

export interface DeployPaymentContractsOptions {
  chain: EmbeddedChain;
  /** Signs the deployments; must hold native coin for gas (setNativeBalance). Owns the token (may mint). */
  deployer: LocalAccount;
  withdrawalDelaySeconds: bigint;
  tokenHolder: Address;
  /** In the token's base units (6 decimals). */
  initialSupply: bigint;
}

const artifactSchema = z.object({ bytecode: z.string().regex(/^0x([0-9a-f]{2})+$/) });

/** Bytecode of a compiled contract (`npm run contracts`); ABIs come typed from shared/contracts.ts. */
export function contractBytecode(name: 'HearthEscrow' | 'HearthTestToken'): Hex {
  const path = join(appRoot(), 'resources', 'contracts', `${name}.json`);
  const { bytecode } = artifactSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return bytecode as Hex;
}

/** Deploys the test token and an escrow holding it; resolves once both are mined. */
export async function deployPaymentContracts(options: DeployPaymentContractsOptions): Promise<PaymentContracts> {
  const { chain, deployer } = options;
  const publicClient = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
  const wallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: deployer });

  const tokenHash = await wallet.deployContract({
    abi: testTokenAbi,
    bytecode: contractBytecode('HearthTestToken'),
    args: [options.tokenHolder, options.initialSupply],
  });
  const tokenReceipt = await publicClient.waitForTransactionReceipt({ hash: tokenHash, timeout: 10_000 });
  if (tokenReceipt.status !== 'success' || !tokenReceipt.contractAddress) throw new Error('deploying HearthTestToken failed');

  const escrowHash = await wallet.deployContract({
    abi: escrowAbi,
    bytecode: contractBytecode('HearthEscrow'),
    args: [tokenReceipt.contractAddress, options.withdrawalDelaySeconds],
  });
  const escrowReceipt = await publicClient.waitForTransactionReceipt({ hash: escrowHash, timeout: 10_000 });
  if (escrowReceipt.status !== 'success' || !escrowReceipt.contractAddress) throw new Error('deploying HearthEscrow failed');

  // Checksummed, as viem returns addresses it decodes: plain string comparison then just works.
  return { escrow: getAddress(escrowReceipt.contractAddress), token: getAddress(tokenReceipt.contractAddress), deployedAtBlock: escrowReceipt.blockNumber };
}
