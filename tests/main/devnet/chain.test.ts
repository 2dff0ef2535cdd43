import { afterEach, describe, expect, it } from 'vitest';
import { createPublicClient, encodeErrorResult, encodeFunctionData, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { escrowAbi, testTokenAbi } from '../../../shared/contracts.ts';
import { ChainRpcError, increaseTime, mineBlocks, setNativeBalance, startEmbeddedChain, type EmbeddedChain } from '../../../main/devnet/chain.ts';
import { deployPaymentContracts } from '../../../main/devnet/deploy.ts';

const chains: EmbeddedChain[] = [];
async function start(...args: Parameters<typeof startEmbeddedChain>): Promise<EmbeddedChain> {
  const chain = await startEmbeddedChain(...args);
  chains.push(chain);
  return chain;
}
afterEach(async () => {
  await Promise.all(chains.splice(0).map((chain) => chain.close()));
});

describe('startEmbeddedChain', () => {
  it('starts an automining chain with the chain id asked for and no unlocked accounts', async () => {
    const started = performance.now();
    const chain = await start({ chainId: 1337 });
    console.info(`embedded chain started in ${Math.round(performance.now() - started)} ms`);
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    expect(chain.chainId).toBe(1337);
    expect(chain.viemChain).toMatchObject({ id: 1337, name: 'Hearth local', nativeCurrency: { symbol: 'ETH', decimals: 18 } });
    expect(await client.getChainId()).toBe(1337);
    expect(await chain.provider.request({ method: 'eth_accounts' })).toEqual([]);
    expect(await client.getBlockNumber()).toBe(0n);
  });

  it('funds genesis accounts', async () => {
    const privateKey = generatePrivateKey();
    const chain = await start({ accounts: [{ privateKey, balance: 5n }] });
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    expect(chain.chainId).toBe(31337);
    expect(await client.getBalance({ address: privateKeyToAccount(privateKey).address })).toBe(5n);
  });

  it('sets balances, moves time and mines blocks', async () => {
    const chain = await start();
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    const address = privateKeyToAccount(generatePrivateKey()).address;
    await setNativeBalance(chain, address, parseEther('3'));
    expect(await client.getBalance({ address })).toBe(parseEther('3'));

    const before = await client.getBlock();
    await increaseTime(chain, 86_400);
    const after = await client.getBlock();
    expect(after.number).toBe(before.number + 1n);
    expect(after.timestamp - before.timestamp).toBeGreaterThanOrEqual(86_400n);
    await mineBlocks(chain, 5);
    expect(await client.getBlockNumber()).toBe(after.number + 5n);
  });

  it('reports reverts as code 3 with the revert data, so viem decodes custom errors', async () => {
    const chain = await start();
    const deployer = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(chain, deployer.address, parseEther('1'));
    const { escrow } = await deployPaymentContracts({ chain, deployer, withdrawalDelaySeconds: 60n, tokenHolder: deployer.address, initialSupply: 0n });
    const data = encodeFunctionData({ abi: escrowAbi, functionName: 'withdraw' });
    const error = await chain.provider.request({ method: 'eth_call', params: [{ to: escrow, data }, 'latest'] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 3, data: encodeErrorResult({ abi: escrowAbi, errorName: 'NoWithdrawalAnnounced' }) });

    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    const started = performance.now();
    await expect(client.simulateContract({ address: escrow, abi: escrowAbi, functionName: 'withdraw', account: deployer.address })).rejects.toThrow(
      /NoWithdrawalAnnounced/,
    );
    // No retries in-process: a revert comes back at once.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses requests after close', async () => {
    const chain = await startEmbeddedChain();
    await chain.close();
    await expect(chain.provider.request({ method: 'eth_chainId' })).rejects.toBeInstanceOf(ChainRpcError);
    await chain.close();
  });

  it('keeps separate chains apart', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await mineBlocks(a, 3);
    expect(await a.provider.request({ method: 'eth_blockNumber' })).toBe('0x3');
    expect(await b.provider.request({ method: 'eth_blockNumber' })).toBe('0x0');
  });
});

describe('deployPaymentContracts', () => {
  it('deploys the token and an escrow holding it', async () => {
    const chain = await start();
    const client = createPublicClient({ chain: chain.viemChain, transport: chain.transport });
    const deployer = privateKeyToAccount(generatePrivateKey());
    const holder = privateKeyToAccount(generatePrivateKey()).address;
    await setNativeBalance(chain, deployer.address, parseEther('1'));

    const started = performance.now();
    const { escrow, token, deployedAtBlock } = await deployPaymentContracts({
      chain,
      deployer,
      withdrawalDelaySeconds: 7n * 86_400n,
      tokenHolder: holder,
      initialSupply: 1_000_000n,
    });
    const elapsed = performance.now() - started;
    const receipts = await Promise.all(
      [1n, 2n].map(async (blockNumber) => {
        const block = await client.getBlock({ blockNumber, includeTransactions: true });
        const [tx] = block.transactions;
        if (!tx) throw new Error(`no transaction in block ${blockNumber}`);
        return client.getTransactionReceipt({ hash: tx.hash });
      }),
    );
    console.info(`deployed in ${Math.round(elapsed)} ms: token ${receipts[0]?.gasUsed} gas, escrow ${receipts[1]?.gasUsed} gas`);

    expect(deployedAtBlock).toBe(2n);
    expect(await client.readContract({ address: escrow, abi: escrowAbi, functionName: 'token' })).toBe(token);
    expect(await client.readContract({ address: escrow, abi: escrowAbi, functionName: 'withdrawalDelay' })).toBe(7n * 86_400n);
    expect(await client.readContract({ address: token, abi: testTokenAbi, functionName: 'decimals' })).toBe(6);
    expect(await client.readContract({ address: token, abi: testTokenAbi, functionName: 'symbol' })).toBe('tUSD');
    expect(await client.readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [holder] })).toBe(1_000_000n);
    expect(await client.readContract({ address: token, abi: testTokenAbi, functionName: 'owner' })).toBe(deployer.address);
  });
});
