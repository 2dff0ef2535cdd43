import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCache, ModelCacheError } from '../../../main/models/cache.ts';
import { tempDir } from '../../helpers/temp.ts';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A model registry on loopback: serves `files` by path, counting requests. */
async function registry(files: Record<string, Uint8Array>, options: { lie?: boolean } = {}): Promise<{ url: (path: string) => string; hits: Map<string, number>; server: Server }> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files[path];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, options.lie ? {} : { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: (path) => `http://127.0.0.1:${port}${path}`, hits, server };
}

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function setup(files: Record<string, Uint8Array>, cacheOptions: { quotaBytes?: number; maxModelBytes?: number } = {}, lie = false) {
  const reg = await registry(files, { lie });
  servers.push(reg.server);
  const dir = tempDir();
  // The test registry is on loopback: trust its origin, as the embedded network will trust its own.
  const cache = await ModelCache.open({ dir, quotaBytes: cacheOptions.quotaBytes ?? 10_000_000, maxModelBytes: cacheOptions.maxModelBytes, trustedLocalOrigins: [new URL(reg.url('/')).origin] });
  const names = () => readdirSync(dir).filter((n) => n !== '.partial');
  const partials = () => readdirSync(join(dir, '.partial'));
  return { cache, dir, url: reg.url, hits: reg.hits, names, partials };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelCacheError);
  return (error as ModelCacheError).code;
}

describe('ModelCache', () => {
  it('downloads a model once, verified, under its sha256, and reads it back', async () => {
    const model = randomBytes(300_000);
    const t = await setup({ '/m.onnx': model });
    const [a, b] = await Promise.all([t.cache.ensure(sha(model), t.url('/m.onnx')), t.cache.ensure(sha(model), t.url('/m.onnx'))]);
    expect(a).toMatchObject({ sha256: sha(model), bytes: model.length });
    expect(b.sha256).toBe(sha(model));
    await t.cache.ensure(sha(model), t.url('/m.onnx'));
    expect(t.hits.get('/m.onnx')).toBe(1);
    expect(Buffer.from(await t.cache.read(sha(model))).equals(model)).toBe(true);
    expect(t.names()).toEqual([sha(model)]);
    expect(t.partials()).toEqual([]);
  });

  it('refuses and deletes a download whose hash does not match', async () => {
    const model = randomBytes(1000);
    const t = await setup({ '/m.onnx': model });
    expect(await codeOf(t.cache.ensure('0'.repeat(64), t.url('/m.onnx')))).toBe('hash_mismatch');
    expect(t.names()).toEqual([]);
    expect(t.partials()).toEqual([]);
  });

  it('stops a download past the size limit, with or without a declared length, and keeps nothing', async () => {
    const model = randomBytes(50_000);
    for (const lie of [false, true]) {
      const t = await setup({ '/big.onnx': model }, { maxModelBytes: 10_000 }, lie);
      expect(await codeOf(t.cache.ensure(sha(model), t.url('/big.onnx')))).toBe('too_large');
      expect(t.names()).toEqual([]);
      expect(t.partials()).toEqual([]);
    }
  });

  it('reports unreachable, missing and non-http models clearly', async () => {
    const t = await setup({});
    expect(await codeOf(t.cache.ensure('a'.repeat(64), t.url('/missing.onnx')))).toBe('download_failed');
    expect(await codeOf(t.cache.ensure('a'.repeat(64), 'file:///etc/passwd'))).toBe('bad_url');
    expect(await codeOf(t.cache.ensure('a'.repeat(64), 'not a url'))).toBe('bad_url');
    expect(await codeOf(t.cache.ensure('../../etc/passwd', t.url('/x')))).toBe('bad_sha256');
    expect(await codeOf(t.cache.ensure('a'.repeat(64), 'http://127.0.0.1:1/refused.onnx'))).toBe('bad_url'); // an untrusted local origin
  });

  it('evicts the least recently used models to stay under the quota, never one in use', async () => {
    const [m1, m2, m3] = [randomBytes(4000), randomBytes(4000), randomBytes(4000)];
    const t = await setup({ '/1': m1, '/2': m2, '/3': m3 }, { quotaBytes: 9000 });
    await t.cache.ensure(sha(m1), t.url('/1'));
    await t.cache.ensure(sha(m2), t.url('/2'));
    // m1 used more recently than m2
    utimesSync(join(t.dir, sha(m2)), new Date(1000), new Date(1000));
    utimesSync(join(t.dir, sha(m1)), new Date(2000), new Date(2000));
    await t.cache.ensure(sha(m3), t.url('/3'));
    expect(t.names().sort()).toEqual([sha(m1), sha(m3)].sort());

    const release = t.cache.acquire(sha(m1));
    const release3 = t.cache.acquire(sha(m3));
    expect(await codeOf(t.cache.ensure(sha(m2), t.url('/2')))).toBe('quota');
    expect(t.names().sort()).toEqual([sha(m1), sha(m3)].sort()); // nothing in use was evicted
    release();
    release3();
    await t.cache.ensure(sha(m2), t.url('/2'));
    expect(await t.cache.usedBytes()).toBeLessThanOrEqual(9000);
  });

  it('refuses a model larger than the whole quota', async () => {
    const model = randomBytes(5000);
    const t = await setup({ '/m': model }, { quotaBytes: 4000 });
    expect(await codeOf(t.cache.ensure(sha(model), t.url('/m')))).toBe('quota');
    expect(t.names()).toEqual([]);
  });

  it('removes what a crash left half-written when it opens', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.partial'));
    writeFileSync(join(dir, '.partial', `${'b'.repeat(64)}-abc`), 'half a model');
    await ModelCache.open({ dir, quotaBytes: 1000 });
    expect(readdirSync(join(dir, '.partial'))).toEqual([]);
  });

  it('detects a cached file damaged on disk, deletes it, and downloads it again', async () => {
    const model = randomBytes(2000);
    const t = await setup({ '/m': model });
    await t.cache.ensure(sha(model), t.url('/m'));
    writeFileSync(join(t.dir, sha(model)), Buffer.concat([model.subarray(0, 1000), Buffer.alloc(1000)]));
    expect(await codeOf(t.cache.read(sha(model)))).toBe('corrupt');
    expect(t.names()).toEqual([]);
    await t.cache.ensure(sha(model), t.url('/m'));
    expect(Buffer.from(await t.cache.read(sha(model))).equals(model)).toBe(true);
    expect(t.hits.get('/m')).toBe(2);
  });
});
