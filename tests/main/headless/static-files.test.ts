import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../main/headless/static-files.ts';
import { tempDir } from '../../helpers/temp.ts';

describe('readStaticFile', () => {
  const setup = () => {
    const parent = tempDir();
    const root = join(parent, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), 'INDEX');
    writeFileSync(join(root, 'assets', 'a.css'), 'CSS');
    writeFileSync(join(parent, 'secret.txt'), 'SECRET');
    writeFileSync(join(parent, 'renderer-evil.txt'), 'SIBLING');
    return root;
  };

  it('serves files under the root with their type', async () => {
    const root = setup();
    const css = await readStaticFile(root, '/assets/a.css');
    expect(css?.body.toString()).toBe('CSS');
    expect(css?.contentType).toBe('text/css; charset=utf-8');
    expect(css?.immutable).toBe(true);
  });

  it.each(['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/../renderer-evil.txt', '/%00', '/%E0%A4%A'])(
    'never serves anything outside the root: %s',
    async (path) => {
      const file = await readStaticFile(setup(), path);
      expect(file?.body.toString() ?? '').not.toMatch(/SECRET|SIBLING/);
    },
  );

  it('answers app routes (no extension) with index.html, missing assets with nothing', async () => {
    const root = setup();
    expect((await readStaticFile(root, '/settings'))?.body.toString()).toBe('INDEX');
    expect(await readStaticFile(root, '/assets/missing.js')).toBeUndefined();
  });
});
