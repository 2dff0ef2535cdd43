import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, encodeErrorResult, encodeFunctionData, http, parseEther, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { escrowAbi } from '../../../shared/contracts.ts';
import type { Address } from '../../../shared/voucher.ts';
import { setNativeBalance, startEmbeddedChain, type EmbeddedChain } from '../../../main/devnet/chain.ts';
import { deployPaymentContracts } from '../../../main/devnet/deploy.ts';
import { MAX_BODY_BYTES, serveJsonRpc, type RunningJsonRpcServer } from '../../../main/devnet/rpc-server.ts';

let chain: EmbeddedChain;
let server: RunningJsonRpcServer;
let account: LocalAccount;
let escrow: Address;

beforeAll(async () => {
  chain = await startEmbeddedChain();
  account = privateKeyToAccount(generatePrivateKey());
  await setNativeBalance(chain, account.address, parseEther('1'));
  ({ escrow } = await deployPaymentContracts({ chain, deployer: account, withdrawalDelaySeconds: 60n, tokenHolder: account.address, initialSupply: 0n }));
  server = await serveJsonRpc(chain.provider);
}, 30_000);
afterAll(async () => {
  await server.close();
  await chain.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http rather than fetch: fetch may not set the Host header or stream an unannounced body. */
function raw(options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] }): Promise<RawResponse> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'POST', headers: { 'content-type': 'application/json', ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer and close before an oversized body is all sent.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

async function rpc(body: unknown): Promise<unknown> {
  const response = await raw({ body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  return JSON.parse(response.body);
}

describe('serveJsonRpc', () => {
  it('listens on loopback and answers a call', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await rpc({ jsonrpc: '2.0', id: 7, method: 'eth_chainId' })).toEqual({ jsonrpc: '2.0', id: 7, result: '0x7a69' });
  });

  it('serves viem’s http() transport, reads, sends and decoded custom errors included', async () => {
    const transport = http(server.url, { retryCount: 0 });
    const client = createPublicClient({ chain: chain.viemChain, transport });
    expect(await client.getChainId()).toBe(31337);
    await expect(client.simulateContract({ address: escrow, abi: escrowAbi, functionName: 'withdraw', account: account.address })).rejects.toThrow(
      /NoWithdrawalAnnounced/,
    );
    const wallet = createWalletClient({ chain: chain.viemChain, transport, account });
    const hash = await wallet.writeContract({ address: escrow, abi: escrowAbi, functionName: 'announceWithdrawal', args: [5n] });
    expect((await client.waitForTransactionReceipt({ hash, timeout: 5_000, pollingInterval: 20 })).status).toBe('success');
  });

  it('passes revert data through in the JSON-RPC error', async () => {
    const data = encodeFunctionData({ abi: escrowAbi, functionName: 'cancelWithdrawal' });
    const from = privateKeyToAccount(generatePrivateKey()).address; // has announced nothing
    const reply = await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: escrow, data, from }, 'latest'] });
    const revertData = encodeErrorResult({ abi: escrowAbi, errorName: 'NoWithdrawalAnnounced' });
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: 3, data: revertData } });
    expect(JSON.stringify(reply)).not.toContain('stackTrace');
  });

  it('answers batches in order, errors in place, notifications not at all', async () => {
    const reply = await rpc([
      { jsonrpc: '2.0', id: 'a', method: 'eth_chainId' },
      { jsonrpc: '2.0', method: 'eth_blockNumber' },
      { jsonrpc: '2.0', id: 'b', method: 'eth_noSuchMethod' },
      { jsonrpc: '2.0', id: 'c' },
      42,
      { jsonrpc: '2.0', id: 'd', method: 'net_version', params: [] },
    ]);
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 'a', result: '0x7a69' },
      { jsonrpc: '2.0', id: 'b', error: expect.objectContaining({ code: -32004 }) as unknown },
      { jsonrpc: '2.0', id: 'c', error: { code: -32600, message: 'invalid request' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request' } },
      { jsonrpc: '2.0', id: 'd', result: '31337' },
    ]);
    expect(await rpc([])).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } });
    const onlyNotifications = await raw({ body: JSON.stringify([{ jsonrpc: '2.0', method: 'eth_chainId' }]) });
    expect(onlyNotifications).toMatchObject({ status: 204, body: '' });
  });

  it('answers bad input with JSON-RPC errors and keeps serving', async () => {
    const parseError = await raw({ body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    expect(JSON.parse(parseError.body)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    expect(await rpc({ jsonrpc: '1.0', id: 1, method: 'eth_chainId' })).toMatchObject({ id: 1, error: { code: -32600 } });
    expect(await rpc({ jsonrpc: '2.0', id: { no: 1 }, method: 'eth_chainId' })).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await rpc({ jsonrpc: '2.0', id: 2, method: 'eth_chainId', params: 'x' })).toMatchObject({ id: 2, error: { code: -32600 } });
    expect(await rpc({ jsonrpc: '2.0', id: 3, method: 'eth_getBalance', params: ['not an address'] })).toMatchObject({ id: 3, error: { code: -32602 } });
    expect(await rpc({ jsonrpc: '2.0', id: 4, method: 'eth_chainId' })).toEqual({ jsonrpc: '2.0', id: 4, result: '0x7a69' });
  });

  it('takes POST only', async () => {
    const response = await raw({ method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('takes application/json only', async () => {
    const response = await raw({ headers: { 'content-type': 'text/plain' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' });
    expect(response.status).toBe(415);
  });

  it('refuses bodies over 1 MiB, announced or streamed', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    expect((await raw({ body: big })).status).toBe(413);
    const streamed = await raw({ chunks: [Buffer.alloc(MAX_BODY_BYTES / 2, 0x20), Buffer.alloc(MAX_BODY_BYTES / 2, 0x20), Buffer.alloc(16, 0x20)] });
    expect(streamed.status).toBe(413);
    expect(await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' })).toMatchObject({ result: '0x7a69' });
  });

  it('refuses Host headers other than loopback (DNS rebinding)', async () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}';
    expect((await raw({ headers: { host: 'evil.example' }, body })).status).toBe(403);
    expect((await raw({ headers: { host: '127.0.0.1.evil.example' }, body })).status).toBe(403);
    expect((await raw({ headers: { host: `localhost:${new URL(server.url).port}` }, body })).status).toBe(200);
  });

  it('listens on loopback only', async () => {
    await expect(serveJsonRpc(chain.provider, { host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });
});
