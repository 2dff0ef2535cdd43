import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, getContractAddress, parseEther, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { escrowAbi, testTokenAbi } from '../../../shared/contracts.ts';
import { voucherDomain, voucherTypes } from '../../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain } from '../../../main/devnet/chain.ts';
import { contractBytecode } from '../../../main/devnet/deploy.ts';
import { startLocalPayments, type LocalPayments } from '../../../main/devnet/local-network.ts';
import { revertReason } from '../../helpers/devnet.ts';
import { tempDir } from '../../helpers/temp.ts';

const DEPOSIT = 1_000_000n * 1_000_000n;

const opened: LocalPayments[] = [];
async function start(dataDir: string): Promise<LocalPayments> {
  const local = await startLocalPayments({ dataDir });
  opened.push(local);
  return local;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((local) => local.close()));
});

const clientOf = (local: LocalPayments): PublicClient => createPublicClient({ chain: local.chain.viemChain, transport: local.chain.transport });

async function escrowState(local: LocalPayments, provider: `0x${string}`) {
  const client = clientOf(local);
  return {
    deposit: await client.readContract({ address: local.escrow, abi: escrowAbi, functionName: 'balanceOf', args: [local.payer.address] }),
    claimed: await client.readContract({ address: local.escrow, abi: escrowAbi, functionName: 'claimed', args: [local.payer.address, provider] }),
    payerTokens: await client.readContract({ address: local.token, abi: testTokenAbi, functionName: 'balanceOf', args: [local.payer.address] }),
    payerNonce: await client.getTransactionCount({ address: local.payer.address }),
    block: await client.getBlockNumber(),
  };
}

describe('startLocalPayments', () => {
  it('deploys and deposits once; a restart keeps the contracts, the deposit and the claims', async () => {
    const dataDir = tempDir();
    let local = await start(dataDir);
    const provider = privateKeyToAccount(generatePrivateKey());
    expect(await escrowState(local, provider.address)).toMatchObject({ deposit: DEPOSIT, claimed: 0n, payerTokens: 0n, payerNonce: 2 });
    const contracts = JSON.parse(readFileSync(join(dataDir, 'devnet', 'contracts.json'), 'utf8')) as unknown;
    expect(contracts).toEqual({ chainId: local.chain.chainId, escrow: local.escrow, token: local.token });

    // A provider claims a voucher.
    await local.fund(provider.address);
    const voucher = await local.payer.signTypedData({
      domain: voucherDomain(local.chain.chainId, local.escrow),
      types: voucherTypes,
      primaryType: 'Voucher',
      message: { payer: local.payer.address, provider: provider.address, cumulativeAmount: 250n },
    });
    const claim = (payments: LocalPayments) =>
      createWalletClient({ chain: payments.chain.viemChain, transport: payments.chain.transport, account: provider }).writeContract({
        address: payments.escrow,
        abi: escrowAbi,
        functionName: 'claim',
        args: [payments.payer.address, provider.address, 250n, voucher],
      });
    await clientOf(local).waitForTransactionReceipt({ hash: await claim(local) });
    const before = { escrow: local.escrow, token: local.token, payer: local.payer.address, state: await escrowState(local, provider.address) };
    expect(before.state).toMatchObject({ deposit: DEPOSIT - 250n, claimed: 250n });
    await local.close();

    local = await start(dataDir);
    expect({ escrow: local.escrow, token: local.token, payer: local.payer.address, state: await escrowState(local, provider.address) }).toEqual(before);
    // Yesterday's voucher is still spent.
    expect((await revertReason(claim(local))).errorName).toBe('NothingToClaim');
  }, 60_000);

  it('refuses to start when contracts.json names contracts its chain does not have', async () => {
    const dataDir = tempDir();
    await (await startLocalPayments({ dataDir })).close();
    rmSync(join(dataDir, 'devnet', 'chain.jsonl'));
    await expect(startLocalPayments({ dataDir })).rejects.toThrow(/contracts\.json names the escrow .* no contract there.*pay old vouchers again/);
  }, 30_000);

  it('gives a new chain new keys, so no contract comes back at an address that had one', async () => {
    // A data dir from before the journal: keys, but no chain.
    const dataDir = tempDir();
    const old = { deployer: generatePrivateKey(), payer: generatePrivateKey() };
    mkdirSync(join(dataDir, 'devnet'), { recursive: true });
    writeFileSync(join(dataDir, 'devnet', 'keys.json'), JSON.stringify(old));
    const local = await start(dataDir);
    const oldEscrow = getContractAddress({ from: privateKeyToAccount(old.deployer).address, nonce: 1n });
    expect(local.escrow).not.toBe(oldEscrow);
    expect(local.payer.address).not.toBe(privateKeyToAccount(old.payer).address);
  }, 30_000);

  it('finishes a first start that was cut short, without deploying or depositing twice', async () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'devnet');
    const keys = { deployer: generatePrivateKey(), payer: generatePrivateKey() };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const deployer = privateKeyToAccount(keys.deployer);
    const payer = privateKeyToAccount(keys.payer);
    // What a start killed after deploying the token left behind: the token (deployer nonce 0), no escrow, no contracts.json.
    const chain = await startEmbeddedChain({ journal: join(dir, 'chain.jsonl') });
    await setNativeBalance(chain, deployer.address, parseEther('100'));
    const wallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: deployer });
    await wallet.deployContract({ abi: testTokenAbi, bytecode: contractBytecode('HearthTestToken'), args: [payer.address, DEPOSIT] });
    await chain.close();

    const local = await start(dataDir);
    expect(local.token).toBe(getContractAddress({ from: deployer.address, nonce: 0n }));
    expect(local.escrow).toBe(getContractAddress({ from: deployer.address, nonce: 1n }));
    expect(local.payer.address).toBe(payer.address);
    expect(await escrowState(local, deployer.address)).toMatchObject({ deposit: DEPOSIT, payerTokens: 0n, payerNonce: 2 });
    expect(await clientOf(local).getTransactionCount({ address: deployer.address })).toBe(2);
  }, 30_000);
});
