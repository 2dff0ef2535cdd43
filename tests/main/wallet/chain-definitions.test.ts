import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as viemChains from 'viem/chains';
import { describe, expect, it } from 'vitest';
import * as ours from '../../../main/wallet/chain-definitions.ts';

/**
 * Hearth defines its six preset chains itself so the node never loads
 * `viem/chains` (every chain viem knows); each must stay what viem defines —
 * ids, RPCs, explorers, contracts, and for Base the OP Stack formatters,
 * serializers and fees (the same functions, by reference).
 */
describe('the preset chains', () => {
  const names = ['base', 'baseSepolia', 'arbitrum', 'arbitrumSepolia', 'polygon', 'polygonAmoy'] as const;

  it.each(names)('%s is viem’s own definition', (name) => {
    // defineChain gives each chain its own `extend` closure: the rest must be the same, functions by reference.
    const withoutExtend = (chain: object): Record<string, unknown> => Object.fromEntries(Object.entries(chain).filter(([key]) => key !== 'extend'));
    expect(withoutExtend(ours[name])).toStrictEqual(withoutExtend(viemChains[name]));
    expect(Object.keys(ours[name]).sort()).toEqual(Object.keys(viemChains[name]).sort());
  });

  it('are all of them, and no code the app runs imports viem/chains', () => {
    expect(Object.keys(ours).sort()).toEqual([...names].sort());
    const root = join(import.meta.dirname, '..', '..', '..');
    const importers = ['main', 'shared', 'preload']
      .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
      .filter((file) => file.endsWith('.ts') && /from 'viem\/chains'/u.test(readFileSync(join(root, file), 'utf8')));
    expect(importers).toEqual([]);
  });
});
