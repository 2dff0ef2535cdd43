import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fetchManifest, ManifestError, manifestUrl } from '../../../main/network/manifest.ts';
import { MANIFEST_PATH, MAX_MANIFEST_BYTES } from '../../../shared/protocol/manifest.ts';

const manifest = {
  protocolVersion: 1,
  chainId: 31337,
  escrow: `0x${'1'.repeat(40)}`,
  token: { address: `0x${'2'.repeat(40)}`, symbol: 'tUSD', decimals: 6 },
  payer: `0x${'3'.repeat(40)}`,
  coordinator: 'ws://127.0.0.1:9/ws',
  rpcUrl: 'http://127.0.0.1:8545', // a field this version does not know: dropped, not refused
};

/** A server that answers the manifest path with `respond`. */
async function serve(respond: (response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url !== MANIFEST_PATH) response.writeHead(404).end();
    else respond(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function kind(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestError);
  return (error as ManifestError).kind;
}

describe('network manifest', () => {
  it('is read from /.well-known under the network URL, with or without a trailing slash', async () => {
    expect(manifestUrl('https://net.example/')).toBe(`https://net.example${MANIFEST_PATH}`);
    expect(manifestUrl('https://net.example/hearth')).toBe(`https://net.example/hearth${MANIFEST_PATH}`);
    const url = await serve((response) => response.end(JSON.stringify(manifest)));
    const { rpcUrl: _unknown, ...known } = manifest;
    expect(await fetchManifest(url)).toEqual(known);
  });

  it('refuses a manifest over 64 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ ...manifest, padding: 'x'.repeat(MAX_MANIFEST_BYTES) });
    const declared = await serve((response) => response.writeHead(200, { 'content-length': Buffer.byteLength(big) }).end(big));
    expect(await kind(fetchManifest(declared))).toBe('too_large');
    const streamed = await serve((response) => {
      response.writeHead(200); // chunked: no length to go by
      for (let i = 0; i < 10; i++) response.write('x'.repeat(16 * 1024));
      response.end();
    });
    expect(await kind(fetchManifest(streamed))).toBe('too_large');
  });

  it('refuses what is not a manifest, and a protocol version this node does not speak', async () => {
    expect(await kind(fetchManifest(await serve((r) => r.end('<html>'))))).toBe('invalid');
    expect(await kind(fetchManifest(await serve((r) => r.end(JSON.stringify({ ...manifest, payer: 'nobody' })))))).toBe('invalid');
    expect(await kind(fetchManifest(await serve((r) => r.end(JSON.stringify({ ...manifest, coordinator: 'http://x/ws' })))))).toBe('invalid');
    const error = await fetchManifest(await serve((r) => r.end(JSON.stringify({ ...manifest, protocolVersion: 2 })))).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'incompatible', message: expect.stringMatching(/version 2/) as unknown });
  });

  it('gives up on a server that does not answer in time, or answers with an error', async () => {
    const silent = await serve(() => {});
    expect(await kind(fetchManifest(silent, { timeoutMs: 200 }))).toBe('unreachable');
    expect(await kind(fetchManifest(await serve((r) => r.writeHead(503).end())))).toBe('unreachable');
    expect(await kind(fetchManifest('http://127.0.0.1:1'))).toBe('unreachable');
  });
});
