import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; main: string };

describe('package.json', () => {
  // Runs after `npm run build` (npm test builds first): every built file a script or `main` names must exist.
  it.each(Object.entries(pkg.scripts))('script "%s" names only files that exist', (_name, command) => {
    const files = [...command.matchAll(/\bnode\s+((?:dist|tests|\.ci)\/\S+)/g)].map((m) => m[1] ?? '');
    for (const file of files) expect(existsSync(join(root, file)), file).toBe(true);
  });

  it('points Electron at the built main process', () => {
    expect(existsSync(join(root, pkg.main))).toBe(true);
  });
});
