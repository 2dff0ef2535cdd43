import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLocalAddress, ModelCache, ModelCacheError } from '../../../main/models/cache.ts';
import { tempDir } from '../../helpers/temp.ts';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A loopback server counting what reaches it; `/hop` redirects to `target`. */
async function local(target?: string): Promise<{ origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/hop' && target) return res.writeHead(302, { location: target }).end();
    res.writeHead(200).end('secret admin page');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelCacheError);
  return (error as ModelCacheError).code;
}

describe('model downloads cannot be aimed at this machine or the local network', () => {
  it('refuses loopback and local names before any request is made', async () => {
    const target = await local();
    const cache = await ModelCache.open({ dir: tempDir(), quotaBytes: 1e6 });
    for (const url of [`${target.origin}/x`, `http://localhost:${new URL(target.origin).port}/x`, `http://[::1]:${new URL(target.origin).port}/x`]) {
      expect(await code(cache.ensure('a'.repeat(64), url))).toBe('bad_url');
    }
    expect(target.hits).toEqual([]);
  });

  it('checks every redirect: a trusted origin cannot bounce the download to an untrusted local one', async () => {
    const victim = await local();
    const trusted = await local(`${victim.origin}/admin/reboot`);
    const cache = await ModelCache.open({ dir: tempDir(), quotaBytes: 1e6, trustedLocalOrigins: [trusted.origin] });
    expect(await code(cache.ensure('a'.repeat(64), `${trusted.origin}/hop`))).toBe('bad_url');
    expect(trusted.hits).toEqual(['/hop']);
    expect(victim.hits).toEqual([]);
  });

  it('classifies addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', 'not-an-ip']) {
      expect(isLocalAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) expect(isLocalAddress(address), address).toBe(false);
  });
});
