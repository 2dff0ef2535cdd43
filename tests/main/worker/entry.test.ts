import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerLocation } from '../../../main/worker/entry.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('workerLocation', () => {
  it('names the source entry when running from source', () => {
    expect(workerLocation(join(root, 'main', 'worker', 'entry.ts'))).toEqual({ entry: join(root, 'main', 'inference', 'worker.ts'), root });
  });

  it.each([join(root, 'dist', 'main', 'headless.js'), join(root, 'dist', 'main', 'chunks', 'node-abc123.js')])('names the bundled worker from %s', (from) => {
    const { entry } = workerLocation(from);
    expect(entry).toBe(join(root, 'dist', 'main', 'worker.js'));
    expect(existsSync(entry)).toBe(true); // npm test builds before the unit tests
  });
});
