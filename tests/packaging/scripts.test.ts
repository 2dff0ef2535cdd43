import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN_PROCESS_V8_FLAGS } from '../../main/launch/v8-flags.ts';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; main: string };

describe('package.json', () => {
  // Runs after `npm run build` (npm test builds first): every built file a script or `main` names must exist.
  it.each(Object.entries(pkg.scripts))('script "%s" names only files that exist', (_name, command) => {
    const files = [...command.matchAll(/\bnode\s+((?:dist|tests|\.ci)\/\S+)/g)].map((m) => m[1] ?? '');
    for (const file of files) expect(existsSync(join(root, file)), file).toBe(true);
  });

  it('starts the node with the main process V8 flags Electron gets, in npm start and npm run headless', () => {
    // The same memory settings (README "Benchmarks") whichever way the node runs.
    for (const script of ['start', 'headless']) {
      expect(pkg.scripts[script]).toContain(`node ${MAIN_PROCESS_V8_FLAGS} dist/main/`);
    }
  });

  it('points Electron at the built main process', () => {
    expect(existsSync(join(root, pkg.main))).toBe(true);
  });
});
