import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { errorMessage } from '../../shared/errors.ts';

export type ModelCacheErrorCode = 'bad_url' | 'bad_sha256' | 'download_failed' | 'too_large' | 'hash_mismatch' | 'quota' | 'corrupt' | 'not_cached';

export class ModelCacheError extends Error {
  override name = 'ModelCacheError';
  readonly code: ModelCacheErrorCode;
  constructor(code: ModelCacheErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface CachedModel {
  sha256: string;
  bytes: number;
  lastUsedAt: number;
}

export interface ModelCacheOptions {
  dir: string;
  /** Disk space the cache may use, in bytes. */
  quotaBytes: number;
  /** The largest single model accepted, in bytes. */
  maxModelBytes?: number;
  fetch?: typeof fetch;
  downloadTimeoutMs?: number;
  now?: () => number;
  /**
   * Origins on this machine or the local network that downloads may reach
   * (the embedded network's model registry). Every other loopback, private or
   * link-local destination is refused, so a job cannot aim the node at a
   * router, a local admin page or another service on the machine.
   */
  trustedLocalOrigins?: readonly string[];
}

/** Loopback, private, link-local, carrier-grade NAT, unspecified — IPv4 and IPv6. */
const LOCAL_NETWORKS = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) list.addSubnet(net, prefix, 'ipv6');
  return list;
})();

export function isLocalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  const family = isIP(plain);
  if (family === 0) return true; // not an address at all: refuse
  return LOCAL_NETWORKS.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

const MAX_REDIRECTS = 5;

const SHA256 = /^[0-9a-f]{64}$/;
const PARTIAL = '.partial';

/**
 * Models on disk, named by their sha256. A download streams to a temporary
 * file while it is hashed; only a file whose hash matches is renamed into
 * place, so a crash never leaves a half-written model under a real name, and a
 * wrong one is deleted. Least recently used models are evicted to stay under
 * the quota; models in use are never evicted.
 */
export class ModelCache {
  readonly #dir: string;
  readonly #quota: number;
  readonly #maxModel: number;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #trusted: Set<string>;
  readonly #inUse = new Map<string, number>();
  readonly #downloads = new Map<string, Promise<CachedModel>>();
  /** Making room and moving a download into place happen one at a time, so parallel downloads cannot overshoot the quota. */
  #placing: Promise<unknown> = Promise.resolve();

  private constructor(options: ModelCacheOptions) {
    this.#dir = options.dir;
    this.#quota = options.quotaBytes;
    this.#maxModel = options.maxModelBytes ?? 2 * 1024 ** 3;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.downloadTimeoutMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#trusted = new Set((options.trustedLocalOrigins ?? []).map((origin) => new URL(origin).origin));
  }

  /** Opens the cache, removing anything a crash left half-written. */
  static async open(options: ModelCacheOptions): Promise<ModelCache> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    await rm(join(options.dir, PARTIAL), { recursive: true, force: true });
    await mkdir(join(options.dir, PARTIAL), { mode: 0o700 });
    return new ModelCache(options);
  }

  async list(): Promise<CachedModel[]> {
    const models: CachedModel[] = [];
    for (const name of await readdir(this.#dir)) {
      if (!SHA256.test(name)) continue;
      const info = await stat(join(this.#dir, name)).catch(() => undefined);
      if (info?.isFile()) models.push({ sha256: name, bytes: info.size, lastUsedAt: info.mtimeMs });
    }
    return models;
  }

  async usedBytes(): Promise<number> {
    return (await this.list()).reduce((sum, m) => sum + m.bytes, 0);
  }

  has(sha256: string): Promise<boolean> {
    return stat(this.#path(sha256)).then(
      (info) => info.isFile(),
      () => false,
    );
  }

  /** The model, downloading it from `url` if it is not cached. Concurrent calls share one download. */
  async ensure(sha256: string, url: string): Promise<CachedModel> {
    assertSha(sha256);
    if (await this.has(sha256)) return this.#touch(sha256);
    let download = this.#downloads.get(sha256);
    if (!download) {
      download = this.#download(sha256, url).finally(() => this.#downloads.delete(sha256));
      this.#downloads.set(sha256, download);
    }
    return download;
  }

  /** The model's bytes, checked against its name: a file damaged on disk is deleted and reported. */
  async read(sha256: string): Promise<Uint8Array> {
    assertSha(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path(sha256));
    } catch {
      throw new ModelCacheError('not_cached', `model ${sha256} is not in the cache`);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      await rm(this.#path(sha256), { force: true });
      throw new ModelCacheError('corrupt', `cached model ${sha256} was damaged on disk and has been removed; it will be downloaded again`);
    }
    await this.#touch(sha256);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Marks a model in use (never evicted) until the returned function is called. */
  acquire(sha256: string): () => void {
    this.#inUse.set(sha256, (this.#inUse.get(sha256) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#inUse.get(sha256) ?? 1) - 1;
      if (left <= 0) this.#inUse.delete(sha256);
      else this.#inUse.set(sha256, left);
    };
  }

  async #download(sha256: string, url: string): Promise<CachedModel> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ModelCacheError('bad_url', `not a URL: ${url.slice(0, 200)}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ModelCacheError('bad_url', `models are downloaded over http(s) only, not ${parsed.protocol}`);

    const response = await this.#fetchChecked(parsed);
    if (!response.ok || !response.body) throw new ModelCacheError('download_failed', `downloading ${parsed.origin}${parsed.pathname} failed: HTTP ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > this.#maxModel) {
      await response.body.cancel();
      throw new ModelCacheError('too_large', `the model is ${declared} bytes, more than the ${this.#maxModel} allowed`);
    }

    const temp = join(this.#dir, PARTIAL, `${sha256}-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const maxModel = this.#maxModel;
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > maxModel) throw new ModelCacheError('too_large', `the model is larger than the ${maxModel} bytes allowed`);
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { mode: 0o600 }),
      );
      const actual = hash.digest('hex');
      if (actual !== sha256) throw new ModelCacheError('hash_mismatch', `the download from ${parsed.origin}${parsed.pathname} hashes to ${actual}, not ${sha256}; it was deleted`);
      const place = this.#placing.then(async () => {
        await this.#makeRoom(size);
        await rename(temp, this.#path(sha256));
      });
      this.#placing = place.catch(() => {});
      await place;
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof ModelCacheError) throw error;
      throw new ModelCacheError('download_failed', `downloading ${parsed.origin}${parsed.pathname} failed: ${errorMessage(error)}`);
    }
    return this.#touch(sha256);
  }

  /** Fetches, following redirects by hand so that every hop is checked against the local-network rule. */
  async #fetchChecked(first: URL): Promise<Response> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let url = first;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await this.#assertReachable(url);
      let response: Response;
      try {
        response = await this.#fetch(url, { signal, redirect: 'manual' });
      } catch (error) {
        throw new ModelCacheError('download_failed', `downloading ${url.origin}${url.pathname} failed: ${errorMessage(error)}`);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ModelCacheError('bad_url', `a redirect led to ${url.protocol}, not http(s)`);
    }
    throw new ModelCacheError('download_failed', `more than ${MAX_REDIRECTS} redirects from ${first.origin}`);
  }

  async #assertReachable(url: URL): Promise<void> {
    if (this.#trusted.has(url.origin)) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch (error) {
      throw new ModelCacheError('download_failed', `cannot resolve ${host}: ${errorMessage(error)}`);
    }
    if (addresses.length === 0 || addresses.some(isLocalAddress)) {
      throw new ModelCacheError('bad_url', `refusing to download from ${url.origin}: it is on this machine or the local network`);
    }
  }

  /** Evicts least recently used models not in use until `incoming` more bytes fit the quota. */
  async #makeRoom(incoming: number): Promise<void> {
    if (incoming > this.#quota) throw new ModelCacheError('quota', `the model (${incoming} bytes) is larger than the whole model quota (${this.#quota} bytes)`);
    const models = (await this.list()).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    let used = models.reduce((sum, m) => sum + m.bytes, 0);
    for (const model of models) {
      if (used + incoming <= this.#quota) return;
      if (this.#inUse.has(model.sha256)) continue;
      await rm(this.#path(model.sha256), { force: true });
      used -= model.bytes;
    }
    if (used + incoming > this.#quota) {
      throw new ModelCacheError('quota', `no room for ${incoming} more bytes: the models in use fill the quota of ${this.#quota} bytes`);
    }
  }

  async #touch(sha256: string): Promise<CachedModel> {
    const now = new Date(this.#now());
    await utimes(this.#path(sha256), now, now);
    const info = await stat(this.#path(sha256));
    return { sha256, bytes: info.size, lastUsedAt: info.mtimeMs };
  }

  #path(sha256: string): string {
    return join(this.#dir, sha256);
  }
}

function assertSha(sha256: string): void {
  if (!SHA256.test(sha256)) throw new ModelCacheError('bad_sha256', `not a lowercase hex sha256: ${sha256.slice(0, 80)}`);
}
