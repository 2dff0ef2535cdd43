import { createPublicClient, defineChain, http, type Chain, type PublicClient, type Transport } from 'viem';
import { arbitrum, arbitrumSepolia, base, baseSepolia, polygon, polygonAmoy } from './chain-definitions.ts';
import type { ChainPreset } from '../../shared/wallet.ts';

/**
 * The chains Hearth knows by name. Confirmations: how many blocks (including
 * its own) make a claim or withdrawal final in the app — past the reorg depth
 * seen in practice on each chain; the local chain has one producer and no reorgs.
 */
export interface ChainProfile {
  preset: ChainPreset;
  chain: Chain;
  confirmations: number;
  /** Polygon PoS refuses priority fees below 25 gwei. */
  minPriorityFee: bigint;
  /** OP Stack chains (Base) also charge an L1 data fee, outside the gas price. */
  opStack: boolean;
}

const GWEI = 1_000_000_000n;

const profiles: Record<Exclude<ChainPreset, 'local' | 'custom'>, ChainProfile> = {
  base: { preset: 'base', chain: base, confirmations: 10, minPriorityFee: 0n, opStack: true },
  'base-sepolia': { preset: 'base-sepolia', chain: baseSepolia, confirmations: 10, minPriorityFee: 0n, opStack: true },
  arbitrum: { preset: 'arbitrum', chain: arbitrum, confirmations: 10, minPriorityFee: 0n, opStack: false },
  'arbitrum-sepolia': { preset: 'arbitrum-sepolia', chain: arbitrumSepolia, confirmations: 10, minPriorityFee: 0n, opStack: false },
  polygon: { preset: 'polygon', chain: polygon, confirmations: 32, minPriorityFee: 25n * GWEI, opStack: false },
  'polygon-amoy': { preset: 'polygon-amoy', chain: polygonAmoy, confirmations: 32, minPriorityFee: 25n * GWEI, opStack: false },
};

export function presetProfile(preset: Exclude<ChainPreset, 'local' | 'custom'>): ChainProfile {
  return profiles[preset];
}

/** A chain given by RPC URL and id (a network Hearth has no preset for). */
export function customProfile(chainId: number, rpcUrl: string): ChainProfile {
  const chain = defineChain({
    id: chainId,
    name: `Chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  return { preset: 'custom', chain, confirmations: 12, minPriorityFee: 0n, opStack: false };
}

export function localProfile(chain: Chain): ChainProfile {
  return { preset: 'local', chain, confirmations: 1, minPriorityFee: 0n, opStack: false };
}

/** A public client over `transport` (or the chain's own RPC, or `rpcUrl` when the user set one). */
export function publicClientFor(profile: ChainProfile, options: { transport?: Transport; rpcUrl?: string | null } = {}): PublicClient<Transport, Chain> {
  const transport = options.transport ?? http(options.rpcUrl ?? undefined, { timeout: 15_000, retryCount: 2 });
  return createPublicClient<Transport, Chain>({ chain: profile.chain, transport, pollingInterval: 1_000 });
}

/** The RPC endpoint's host, for display: full URLs often carry an API key. */
export function rpcHost(profile: ChainProfile, rpcUrl: string | null | undefined): string {
  const url = rpcUrl ?? profile.chain.rpcUrls.default.http[0];
  if (!url) return 'in-process';
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
