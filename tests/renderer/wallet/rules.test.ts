import { describe, expect, it } from 'vitest';
import { checkNetworkDraft } from '../../../renderer/src/pages/settings/network-draft.ts';
import {
  newPassphraseProblems,
  phraseProblem,
  pickCheckPositions,
  privateKeyProblem,
  sameWord,
} from '../../../renderer/src/pages/wallet/passphrase-rules.ts';

describe('new passphrases', () => {
  it('counts characters as the node does (code points)', () => {
    expect(newPassphraseProblems('🔥🔥🔥🔥🔥🔥🔥🔥', '🔥🔥🔥🔥🔥🔥🔥🔥').ok).toBe(true);
    expect(newPassphraseProblems('🔥🔥🔥🔥', '').passphrase).toContain('this has 4');
  });
  it('needs the confirmation to match', () => {
    expect(newPassphraseProblems('long enough', 'long enougH')).toMatchObject({ ok: false, confirm: 'The two passphrases are not the same.' });
    expect(newPassphraseProblems('long enough', '')).toEqual({ ok: false });
    expect(newPassphraseProblems('long enough', 'long enough')).toEqual({ ok: true });
  });
});

describe('the backup check', () => {
  it('asks two different positions, in order, within the phrase', () => {
    for (let i = 0; i < 500; i++) {
      const [a, b] = pickCheckPositions(12);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(12);
      expect(a).toBeLessThan(b);
    }
  });
  it('compares words without case or spaces', () => {
    expect(sameWord('  Table ', 'table')).toBe(true);
    expect(sameWord('tables', 'table')).toBe(false);
  });
});

describe('import fields', () => {
  it('checks the word count of a phrase', () => {
    expect(phraseProblem('')).toBeUndefined();
    expect(phraseProblem('one two three')).toBe('A recovery phrase has 12, 15, 18, 21 or 24 words; this has 3.');
    expect(phraseProblem(Array(12).fill('test').join('  \n'))).toBeUndefined();
    expect(phraseProblem(`${Array(11).fill('test').join(' ')} 12`)).toContain('only words');
  });
  it('checks the shape of a private key', () => {
    expect(privateKeyProblem(`0x${'ab'.repeat(32)}`)).toBeUndefined();
    expect(privateKeyProblem('ab'.repeat(32))).toBeUndefined();
    expect(privateKeyProblem('0x1234')).toContain('64 hexadecimal characters');
  });
});

describe('checkNetworkDraft', () => {
  it('needs an RPC URL and a chain ID for a custom chain', () => {
    const result = checkNetworkDraft({ chain: 'custom', rpcUrl: '', chainId: '' });
    expect(result.rpcUrl).toContain('needs the RPC URL');
    expect(result.chainId).toContain('needs its chain ID');
    expect(result.patch).toBeUndefined();
  });
  it('builds the patch the node accepts', () => {
    expect(checkNetworkDraft({ chain: 'custom', rpcUrl: ' https://rpc.example.org ', chainId: '8453' }).patch).toEqual({
      chain: 'custom',
      rpcUrl: 'https://rpc.example.org',
      customChainId: 8453,
    });
    expect(checkNetworkDraft({ chain: 'base', rpcUrl: '', chainId: 'ignored' }).patch).toEqual({ chain: 'base', rpcUrl: null });
  });
  it.each(['ftp://x.org', 'rpc.example.org', 'javascript:alert(1)'])('refuses the RPC URL %s', (rpcUrl) => {
    expect(checkNetworkDraft({ chain: 'base', rpcUrl, chainId: '' }).rpcUrl).toContain('http:// or https://');
  });
  it.each(['0', '84.53', '-1', '9007199254740992', 'abc'])('refuses the chain ID %s', (chainId) => {
    expect(checkNetworkDraft({ chain: 'custom', rpcUrl: 'https://rpc.example.org', chainId }).chainId).toBeDefined();
  });
  it('warns about an unencrypted remote endpoint, not a local one', () => {
    expect(checkNetworkDraft({ chain: 'base', rpcUrl: 'http://rpc.example.org', chainId: '' }).rpcWarning).toContain('not encrypted');
    expect(checkNetworkDraft({ chain: 'base', rpcUrl: 'http://127.0.0.1:8545', chainId: '' }).rpcWarning).toBeUndefined();
  });
});
