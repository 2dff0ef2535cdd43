import { describe, expect, it } from 'vitest';
import type { NetworkStatus } from '../../../shared/network.ts';
import type { WalletNetwork } from '../../../shared/wallet.ts';
import { BASE_UNITS, displayUrl, formatSeconds, networkName, networkState, priceAsset } from '../../../renderer/src/pages/network/describe.ts';

const PAYER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ESCROW = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const TOKEN = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

const status: NetworkStatus = {
  state: 'connected',
  local: true,
  networkUrl: 'http://127.0.0.1:4001',
  coordinatorUrl: 'ws://127.0.0.1:4001/ws',
  since: 0,
  lastError: null,
  nextRetryAt: null,
  pinned: { chainId: 31337, escrow: ESCROW, token: TOKEN, payer: PAYER },
  announced: null,
  payee: null,
  nodeAddress: null,
  inFlight: 0,
};

const wallet: WalletNetwork = {
  preset: 'local',
  chainId: 31337,
  name: 'Hearth local',
  rpcHost: '127.0.0.1',
  nativeSymbol: 'ETH',
  nativeDecimals: 18,
  explorerUrl: null,
  escrow: ESCROW,
  payer: PAYER,
  token: { address: TOKEN.toLowerCase() as `0x${string}`, symbol: 'tUSD', decimals: 6 },
  confirmations: 1,
};

describe('network words', () => {
  it('names the embedded network, or the URL without secrets', () => {
    expect(networkName(status)).toBe('Local network (on this computer)');
    expect(networkName({ local: false, networkUrl: 'https://user:pw@net.example.org/hearth/?key=abc#x' })).toBe('https://net.example.org/hearth');
    expect(displayUrl('not a url')).toBe('not a url');
  });

  it('counts down to the next attempt while disconnected', () => {
    const down = { ...status, state: 'disconnected' as const, nextRetryAt: 10_000, lastError: 'connection refused' };
    expect(networkState(down, 4_200)).toEqual({ label: 'Reconnecting in 6 s', tone: 'pending', detail: 'connection refused' });
    expect(networkState(down, 10_000).label).toBe('Reconnecting…');
    expect(networkState({ ...down, nextRetryAt: null }, 0).label).toBe('Disconnected');
  });

  it('flags a changed payer and an incompatible network as needing attention', () => {
    expect(networkState({ ...status, state: 'payer_changed' }, 0).tone).toBe('err');
    expect(networkState({ ...status, state: 'incompatible', lastError: 'protocol 2, this node speaks 1' }, 0)).toMatchObject({
      tone: 'err',
      detail: 'protocol 2, this node speaks 1',
    });
  });

  it.each([
    [1, '1 s'],
    [5_000, '5 s'],
    [59_001, '1 min'],
    [61_000, '1 min 1 s'],
  ])('formatSeconds(%d) → %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});

describe('priceAsset', () => {
  it("formats with the wallet's reading of the pinned token", () => {
    expect(priceAsset(status.pinned, wallet)).toEqual({ symbol: 'tUSD', decimals: 6 });
    expect(priceAsset(null, wallet)).toEqual({ symbol: 'tUSD', decimals: 6 });
  });

  it('falls back to base units when the wallet knows another chain or token, or none', () => {
    expect(priceAsset(status.pinned, { ...wallet, chainId: 8453 })).toBe(BASE_UNITS);
    expect(priceAsset({ ...status.pinned!, token: ESCROW }, wallet)).toBe(BASE_UNITS);
    expect(priceAsset(status.pinned, { ...wallet, token: null })).toBe(BASE_UNITS);
    expect(priceAsset(status.pinned, null)).toBe(BASE_UNITS);
  });
});
