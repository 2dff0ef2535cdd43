import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileContracts, CONTRACTS, type CompiledFiles } from '../../../resources/contracts/compile.ts';

const root = join(import.meta.dirname, '..', '..', '..');

// Compiling takes a couple of seconds (solc-js is WebAssembly): once for the whole file.
let files: CompiledFiles;
beforeAll(() => {
  files = compileContracts();
}, 60_000);

describe('committed contract artifacts', () => {
  it('cover both contracts and shared/contracts.ts', () => {
    expect(Object.keys(files).sort()).toEqual([...CONTRACTS.map((name) => `resources/contracts/${name}.json`), 'shared/contracts.ts'].sort());
  });

  it.each(['resources/contracts/HearthEscrow.json', 'resources/contracts/HearthTestToken.json', 'shared/contracts.ts'])(
    '%s matches a fresh compile byte for byte (run `npm run contracts` after editing a .sol file)',
    (path) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(files[path]);
    },
  );

  it('name no absolute path of the machine that compiled them', () => {
    for (const contents of Object.values(files)) expect(contents).not.toContain(root);
  });
});
