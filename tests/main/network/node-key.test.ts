import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateNodeKey, NODE_KEY_FILE, NodeKeyError } from '../../../main/network/node-key.ts';
import { noKeyWrap } from '../../../main/wallet/key-wrap.ts';
import { fakeKeyWrap } from '../wallet/wallet-fixtures.ts';
import { tempDir } from '../../helpers/temp.ts';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<NodeKeyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NodeKeyError);
  return error as NodeKeyError;
}

describe('node key', () => {
  it('is made on first start (0600) and the same key is loaded after that', async () => {
    const dataDir = tempDir();
    const first = await loadOrCreateNodeKey({ dataDir, now: () => 5 });
    const file = join(dataDir, NODE_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'hearth-node-key', version: 1, address: first.address, createdAt: 5, keychain: 'none' });
    const before = sha(file);
    const again = await loadOrCreateNodeKey({ dataDir });
    expect(again.address).toBe(first.address);
    expect(sha(file)).toBe(before);
    // It signs; it exposes no key.
    expect(await again.signMessage({ message: 'hi' })).toMatch(/^0x[0-9a-f]{130}$/);
    const { privateKey } = JSON.parse(readFileSync(file, 'utf8')) as { privateKey: string };
    expect(JSON.stringify(again)).not.toContain(privateKey.slice(2));
  });

  it('is wrapped by the OS keychain when one is given, and needs it to load', async () => {
    const dataDir = tempDir();
    const keyWrap = fakeKeyWrap();
    const account = await loadOrCreateNodeKey({ dataDir, keyWrap });
    const stored = JSON.parse(readFileSync(join(dataDir, NODE_KEY_FILE), 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ keychain: 'os', address: account.address });
    expect(stored).not.toHaveProperty('privateKey');
    expect((await loadOrCreateNodeKey({ dataDir, keyWrap })).address).toBe(account.address);
    const error = await refusal(loadOrCreateNodeKey({ dataDir, keyWrap: noKeyWrap }));
    expect(error.message).toMatch(/locked by the OS keychain/);
  });

  it('reports a damaged file by its path, never quotes it, and leaves it alone', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, NODE_KEY_FILE);
    const secret = `0x${'7'.repeat(64)}`;
    for (const content of ['{not json', JSON.stringify({ format: 'hearth-node-key', version: 1, address: '0x1', createdAt: 1, keychain: 'none', privateKey: secret }), JSON.stringify({ format: 'hearth-node-key', version: 1, address: `0x${'1'.repeat(40)}`, createdAt: 1, keychain: 'none', privateKey: secret })]) {
      writeFileSync(file, content);
      const before = sha(file);
      const error = await refusal(loadOrCreateNodeKey({ dataDir }));
      expect(error.file).toBe(file);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(/damaged.*not modified/);
      expect(error.message).not.toContain('7777777');
      expect(sha(file)).toBe(before);
    }
  });
});
