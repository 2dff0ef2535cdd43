import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, encodeFunctionData, parseEther, parseGwei, type Hex, type LocalAccount, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { escrowAbi, testTokenAbi } from '../../../shared/contracts.ts';
import type { Address } from '../../../shared/voucher.ts';
import { ChainRpcError, increaseTime, mineBlocks, setNativeBalance, startEmbeddedChain, type EmbeddedChain, type EmbeddedChainOptions } from '../../../main/devnet/chain.ts';
import { ChainJournalError } from '../../../main/devnet/chain-journal.ts';
import { contractBytecode } from '../../../main/devnet/deploy.ts';
import { connectDevnet, revertReason, startDevnet, type Devnet } from '../../helpers/devnet.ts';
import { tempDir } from '../../helpers/temp.ts';

const chains: EmbeddedChain[] = [];
async function start(options: EmbeddedChainOptions): Promise<EmbeddedChain> {
  const chain = await startEmbeddedChain(options);
  chains.push(chain);
  return chain;
}
afterEach(async () => {
  await Promise.all(chains.splice(0).map((chain) => chain.close()));
});

const clientOf = (chain: EmbeddedChain): PublicClient => createPublicClient({ chain: chain.viemChain, transport: chain.transport });

/** Every block's number, timestamp and hash. */
async function blocks(chain: EmbeddedChain): Promise<{ number: bigint; timestamp: bigint; hash: Hex }[]> {
  const client = clientOf(chain);
  const head = await client.getBlockNumber();
  const all = [];
  for (let number = 0n; number <= head; number++) {
    const block = await client.getBlock({ blockNumber: number });
    all.push({ number: block.number, timestamp: block.timestamp, hash: block.hash });
  }
  return all;
}

const journalLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').slice(0, -1);

describe('a journaled chain', () => {
  it('comes back after a restart with the same blocks, balances, nonces, receipts and contract state', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    let net = await startDevnet({ journal });
    chains.push(net.chain);
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const voucher = await net.signVoucher(payer, provider.address, 300n);
    const claim = (devnet: Devnet, amount: bigint, signature: Hex): Promise<Hex> =>
      devnet.wallet(devnet.deployer).writeContract({ address: devnet.escrow, abi: escrowAbi, functionName: 'claim', args: [payer.address, provider.address, amount, signature] });
    const claimHash = await claim(net, 300n, voucher);
    // A gap in block times that only the wall clock knows of: a replay has to reproduce it from the journal.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // A transaction that reverted is mined too, and must come back as reverted.
    const revertedHash = await net.wallet(net.deployer).sendTransaction({
      to: net.escrow,
      data: encodeFunctionData({ abi: escrowAbi, functionName: 'claim', args: [payer.address, provider.address, 300n, voucher] }),
      gas: 200_000n,
    });
    await increaseTime(net.chain, 86_400);
    await mineBlocks(net.chain, 3);

    const state = async (devnet: Devnet) => ({
      blocks: await blocks(devnet.chain),
      claimed: await devnet.publicClient.readContract({ address: devnet.escrow, abi: escrowAbi, functionName: 'claimed', args: [payer.address, provider.address] }),
      deposit: await devnet.publicClient.readContract({ address: devnet.escrow, abi: escrowAbi, functionName: 'balanceOf', args: [payer.address] }),
      providerTokens: await devnet.tokenBalance(provider.address),
      escrowTokens: await devnet.tokenBalance(devnet.escrow),
      nonces: await Promise.all([net.deployer, payer, provider].map((account) => devnet.publicClient.getTransactionCount({ address: account.address }))),
      gasMoney: await Promise.all([net.deployer, payer, provider].map((account) => devnet.publicClient.getBalance({ address: account.address }))),
      receipts: await Promise.all(
        [claimHash, revertedHash].map(async (hash) => {
          const { status, blockHash, blockNumber, gasUsed, logs } = await devnet.publicClient.getTransactionReceipt({ hash });
          return { status, blockHash, blockNumber, gasUsed, logs: logs.length };
        }),
      ),
    });
    const before = await state(net);
    expect(before).toMatchObject({ claimed: 300n, deposit: 700n, providerTokens: 300n });
    expect(before.receipts.map((receipt) => receipt.status)).toEqual(['success', 'reverted']);
    const entries = journalLines(journal).length - 1;
    await net.chain.close();

    net = connectDevnet(await start({ journal }), net);
    expect(net.chain.journal).toMatchObject({ entries, tornBytes: 0 });
    expect(await state(net)).toEqual(before);

    // The old voucher is spent; a higher one pays only the difference.
    expect((await revertReason(claim(net, 300n, voucher))).errorName).toBe('NothingToClaim');
    await net.publicClient.waitForTransactionReceipt({ hash: await claim(net, 500n, await net.signVoucher(payer, provider.address, 500n)) });
    const afterClaim = await state(net);
    expect(afterClaim).toMatchObject({ claimed: 500n, deposit: 500n, providerTokens: 500n });
    await net.chain.close();

    net = connectDevnet(await start({ journal }), net);
    expect(await state(net)).toEqual(afterClaim);
  }, 60_000);

  it('keeps the clock running while stopped, offset included', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    let chain = await start({ journal });
    await increaseTime(chain, 86_400);
    const { timestamp } = await clientOf(chain).getBlock();
    await chain.close();
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    chain = await start({ journal });
    await mineBlocks(chain, 1);
    const next = await clientOf(chain).getBlock();
    const wall = BigInt(Math.floor(Date.now() / 1000));
    expect(next.timestamp).toBeGreaterThanOrEqual(timestamp + 2n);
    expect(next.timestamp).toBeGreaterThanOrEqual(wall + 86_400n - 2n);
    expect(next.timestamp).toBeLessThanOrEqual(wall + 86_400n + 5n);
  });

  it('replays the other state-changing methods exactly', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    const genesisKey = generatePrivateKey();
    const genesisAccount = privateKeyToAccount(genesisKey).address;
    const options = { journal, chainId: 1337, accounts: [{ privateKey: genesisKey, balance: parseEther('1000') }] };
    let chain = await start(options);
    const request = (method: string, params: unknown[] = []): Promise<unknown> => chain.provider.request({ method, params });
    const other = privateKeyToAccount(generatePrivateKey());
    const impersonated = privateKeyToAccount(generatePrivateKey()).address;
    const codeAt = '0x00000000000000000000000000000000000c0de0';
    const now = Math.floor(Date.now() / 1000);

    await request('eth_sendTransaction', [{ from: genesisAccount, to: other.address, value: '0xde0b6b3a7640000' }]);
    await request('hardhat_setCode', [codeAt, '0x600160005260206000f3']);
    await request('hardhat_setStorageAt', [codeAt, '0x0', `0x${'07'.padStart(64, '0')}`]);
    await request('hardhat_setNonce', [other.address, '0x5']);
    await request('hardhat_setCoinbase', ['0x0000000000000000000000000000000000000bad']);
    await request('hardhat_setPrevRandao', [`0x${'42'.repeat(32)}`]);
    await request('hardhat_setNextBlockBaseFeePerGas', ['0x77359400']);
    await request('hardhat_impersonateAccount', [impersonated]);
    await setNativeBalance(chain, impersonated, parseEther('1'));
    await request('eth_sendTransaction', [{ from: impersonated, to: other.address, value: '0x1' }]);
    await request('hardhat_stopImpersonatingAccount', [impersonated]);
    // Without automine: two transactions wait in the mempool and go into one block.
    await request('evm_setAutomine', [false]);
    const pending = [
      await request('eth_sendRawTransaction', [await other.signTransaction({ chainId: 1337, nonce: 5, to: genesisAccount, value: 1n, gas: 21_000n, maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: 1n })]),
      await request('eth_sendRawTransaction', [await other.signTransaction({ chainId: 1337, nonce: 6, to: genesisAccount, value: 2n, gas: 21_000n, maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: 2n })]),
    ];
    await request('evm_mine', []);
    await request('evm_setAutomine', [true]);
    await request('evm_mine', [now + 1_000]);
    await request('hardhat_mine', ['0x4', '0x3c']);
    await request('evm_increaseTime', [500]);
    await request('evm_mine', []);
    // Left pending: the next block after the restart must still be at this time.
    await request('evm_setNextBlockTimestamp', [now + 50_000]);

    const snapshot = async () => ({
      blocks: await blocks(chain),
      code: await request('eth_getCode', [codeAt, 'latest']),
      slot: await request('eth_getStorageAt', [codeAt, '0x0', 'latest']),
      nonce: await request('eth_getTransactionCount', [other.address, 'latest']),
      pendingBlock: (await clientOf(chain).getTransactionReceipt({ hash: pending[0] as Hex })).blockNumber,
      sameBlock: (await clientOf(chain).getTransactionReceipt({ hash: pending[1] as Hex })).blockNumber,
    });
    const before = await snapshot();
    expect(before.pendingBlock).toBe(before.sameBlock);
    await chain.close();

    chain = await start(options);
    expect(await snapshot()).toEqual(before);
    await mineBlocks(chain, 1);
    expect((await clientOf(chain).getBlock()).timestamp).toBe(BigInt(now + 50_000));
  }, 30_000);

  it('refuses what a replay could not reproduce, and still answers reads', async () => {
    const chain = await start({ journal: join(tempDir(), 'chain.jsonl') });
    for (const method of ['evm_snapshot', 'evm_revert', 'hardhat_reset', 'evm_setIntervalMining', 'eth_sendRawTransactionSync', 'anvil_setBalance']) {
      const error = await chain.provider.request({ method, params: [] }).catch((e: unknown) => e);
      expect(error, method).toBeInstanceOf(ChainRpcError);
      expect(error, method).toMatchObject({ code: -32004, message: expect.stringContaining(method) as unknown });
    }
    expect(await chain.provider.request({ method: 'eth_chainId' })).toBe('0x7a69');
    expect(await chain.provider.request({ method: 'hardhat_getAutomine' })).toBe(true);
  });

  it('cuts off a torn last line (a kill mid-append) and carries on after it', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    let chain = await start({ journal });
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(chain, account.address, parseEther('1'));
    await mineBlocks(chain, 2);
    const head = await blocks(chain);
    await chain.close();
    const size = statSync(journal).size;
    const torn = '{"method":"eth_sendRawTransaction","params":["0x02f8';
    appendFileSync(journal, torn);

    chain = await start({ journal });
    expect(chain.journal).toMatchObject({ entries: 2, tornBytes: torn.length });
    expect(statSync(journal).size).toBe(size);
    expect(await blocks(chain)).toEqual(head);
    await mineBlocks(chain, 1);
    await chain.close();

    chain = await start({ journal });
    expect(chain.journal).toMatchObject({ entries: 3, tornBytes: 0 });
    expect(await clientOf(chain).getBalance({ address: account.address })).toBe(parseEther('1'));
  });

  it('starts a new chain over a journal that holds only a torn header', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    writeFileSync(journal, '{"hearthChainJournal":1,"chainId":313');
    const chain = await start({ journal });
    expect(chain.journal).toMatchObject({ entries: 0, tornBytes: 37 });
    await mineBlocks(chain, 1);
    expect(journalLines(journal)).toHaveLength(2);
  });

  it('refuses a damaged journal, naming the file and line, and leaves it as it is', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    const chain = await start({ journal });
    const account = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(chain, account.address, parseEther('1'));
    const txHash = await chain.provider.request({
      method: 'eth_sendRawTransaction',
      params: [await account.signTransaction({ chainId: 31337, nonce: 0, to: account.address, value: 1n, gas: 21_000n, maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: 1n })],
    });
    await mineBlocks(chain, 2);
    await chain.close();
    const good = readFileSync(journal, 'utf8');
    const lines = journalLines(journal);
    expect(lines.map((line) => (JSON.parse(line) as { method?: string }).method)).toEqual([undefined, 'hardhat_setBalance', 'eth_sendRawTransaction', 'hardhat_mine']);
    const [header, setBalance, send, mine] = lines as [string, string, string, string];

    const refused = async (content: string[], pattern: RegExp): Promise<void> => {
      const text = `${content.join('\n')}\n`;
      writeFileSync(journal, text);
      const error = await startEmbeddedChain({ journal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChainJournalError);
      expect((error as Error).message).toContain(journal);
      expect((error as Error).message).toMatch(pattern);
      expect(readFileSync(journal, 'utf8')).toBe(text);
    };
    // Not JSON.
    await refused([header, setBalance, '{"method":"eth_sendRawTransaction",', mine], /line 3\b.*not a JSON line/);
    // JSON, but not an entry.
    await refused([header, setBalance, '{"method":"evm_snapshot","params":[],"offset":0}', mine], /line 3\b.*not a valid entry/);
    // A valid entry that does not replay to what the journal says: another transaction in its place.
    const other = await account.signTransaction({ chainId: 31337, nonce: 0, to: account.address, value: 2n, gas: 21_000n, maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: 1n });
    await refused([header, setBalance, JSON.stringify({ ...(JSON.parse(send) as object), params: [other] }), mine], new RegExp(`line 3\\b.*${String(txHash)}`));
    // A damaged last line that is complete (it has its newline) is damage too, not a torn append.
    await refused([header, setBalance, send, '{"method":"hardhat_mine"'], /line 4\b.*not a JSON line/);
    // A blank line in the middle.
    await refused([header, setBalance, '', send, mine], /line 3\b/);
    // The header of another chain.
    await refused([header.replace('"chainId":31337', '"chainId":5'), setBalance, send, mine], /line 1\b.*chain 5, not 31337/);

    writeFileSync(journal, good);
    expect((await start({ journal })).journal).toMatchObject({ entries: lines.length - 1 });
  });

  it('refuses a journal made with other genesis accounts, and a second chain on an open journal', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    const chain = await start({ journal });
    await mineBlocks(chain, 1);
    await expect(startEmbeddedChain({ journal })).rejects.toThrow(/already in use/);
    await chain.close();
    await expect(startEmbeddedChain({ journal, accounts: [{ privateKey: generatePrivateKey(), balance: 1n }] })).rejects.toThrow(/genesis block/);
    expect((await start({ journal })).journal).toMatchObject({ entries: 1 });
  });

  it('replays thousands of transactions', async () => {
    const journal = join(tempDir(), 'chain.jsonl');
    const count = 2_000;
    let chain = await start({ journal });
    const deployer = privateKeyToAccount(generatePrivateKey());
    await setNativeBalance(chain, deployer.address, parseEther('100'));
    const token = await deployToken(chain, deployer);
    const recipients = Array.from({ length: 16 }, () => privateKeyToAccount(generatePrivateKey()).address);
    const fees = await clientOf(chain).estimateFeesPerGas();
    const signed: Hex[] = [];
    for (let i = 0; i < count; i++) {
      signed.push(
        await deployer.signTransaction({
          chainId: chain.chainId,
          nonce: i + 1,
          to: token,
          data: encodeFunctionData({ abi: testTokenAbi, functionName: 'transfer', args: [recipients[i % recipients.length] as Address, 1n] }),
          gas: 80_000n,
          maxFeePerGas: fees.maxFeePerGas * 2n,
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        }),
      );
    }
    let started = performance.now();
    for (const raw of signed) await chain.provider.request({ method: 'eth_sendRawTransaction', params: [raw] });
    const sendMs = performance.now() - started;
    const head = await clientOf(chain).getBlock();
    await chain.close();

    started = performance.now();
    chain = await start({ journal });
    const startMs = performance.now() - started;
    const replay = chain.journal;
    if (!replay) throw new Error('no replay');
    console.info(
      `${count} transactions: sent and journaled at ${Math.round((count / sendMs) * 1000)}/s; ` +
        `replayed ${replay.entries} entries in ${Math.round(replay.replayMs)} ms (${Math.round((replay.entries / replay.replayMs) * 1000)} entries/s), ` +
        `start-up ${Math.round(startMs)} ms, journal ${Math.round(statSync(journal).size / 1024)} KiB`,
    );
    expect(replay.entries).toBe(count + 2);
    expect(await clientOf(chain).getBlock()).toMatchObject({ number: head.number, hash: head.hash });
    const total = await Promise.all(
      recipients.map((address) => clientOf(chain).readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [address] })),
    );
    expect(total.reduce((sum, balance) => sum + balance, 0n)).toBe(BigInt(count));
  }, 180_000);
});

async function deployToken(chain: EmbeddedChain, deployer: LocalAccount): Promise<Address> {
  const wallet = createWalletClient({ chain: chain.viemChain, transport: chain.transport, account: deployer });
  const hash = await wallet.deployContract({ abi: testTokenAbi, bytecode: contractBytecode('HearthTestToken'), args: [deployer.address, 1_000_000n] });
  const receipt = await clientOf(chain).waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error('deploying the token failed');
  return receipt.contractAddress;
}
