import { erc20Abi } from 'viem';
import { z } from 'zod';
import type { Settings } from '../../shared/settings.ts';
import { addressSchema } from '../../shared/voucher.ts';
import type { LocalPayments } from '../devnet/local-network.ts';
import type { NodeStateRepository } from '../store/node-state.ts';
import { customProfile, localProfile, presetProfile, publicClientFor } from '../wallet/chains.ts';
import type { PaymentNetwork } from '../wallet/service.ts';

/**
 * The escrow a real network pays through, as its manifest announced it (the
 * network client stores it). Kept per chain: switching chains never pairs one
 * chain's escrow with another.
 */
export const PAYMENT_TERMS_KEY = 'paymentTerms';
const storedTermsSchema = z.object({
  chainId: z.number().int().positive(),
  escrow: addressSchema,
  token: addressSchema,
  payer: addressSchema,
});

export interface OpenedPaymentNetwork {
  network: PaymentNetwork;
  /** The local chain's faucet: gas money for the wallet. Absent on real chains. */
  fund?: (address: `0x${string}`) => Promise<void>;
  /** The embedded chain with its escrow, token and payer: what the embedded local network pays with. Absent on real chains. */
  local?: LocalPayments;
  close(): Promise<void>;
}

/** Connects the wallet's chain named by the settings: the embedded local chain, a preset, or a custom RPC. */
export async function openPaymentNetwork(settings: Settings, dataDir: string, nodeState: NodeStateRepository): Promise<OpenedPaymentNetwork> {
  if (settings.chain === 'local') {
    // Loaded only for the local chain: Hardhat's EDR is tens of MB a node on a real chain never needs.
    const { startLocalPayments } = await import('../devnet/local-network.ts');
    const local = await startLocalPayments({ dataDir });
    const profile = localProfile(local.chain.viemChain);
    return {
      network: {
        profile,
        client: publicClientFor(profile, { transport: local.chain.transport }),
        rpcUrl: null,
        terms: { chainId: local.chain.chainId, escrow: local.escrow, token: local.token, payer: local.payer.address },
        token: { symbol: local.tokenSymbol, decimals: local.tokenDecimals },
      },
      fund: (address) => local.fund(address),
      local,
      close: () => local.close(),
    };
  }
  const profile =
    settings.chain === 'custom'
      ? customProfile(settings.customChainId ?? 0, settings.rpcUrl ?? '')
      : presetProfile(settings.chain);
  const client = publicClientFor(profile, { rpcUrl: settings.rpcUrl });
  // A wrong RPC URL must not pair one chain's state with another chain's signatures.
  const served = await client.getChainId();
  if (served !== profile.chain.id) {
    throw new Error(`the RPC endpoint serves chain ${served}, not ${profile.chain.name} (${profile.chain.id}): check the RPC URL in Settings → Payments`);
  }
  const stored = nodeState.get(PAYMENT_TERMS_KEY, storedTermsSchema);
  const terms = stored && stored.chainId === profile.chain.id ? stored : null;
  let token: PaymentNetwork['token'] = null;
  if (terms) {
    try {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address: terms.token, abi: erc20Abi, functionName: 'symbol' }),
        client.readContract({ address: terms.token, abi: erc20Abi, functionName: 'decimals' }),
      ]);
      token = { symbol, decimals };
    } catch {
      token = null;
    }
  }
  return { network: { profile, client, rpcUrl: settings.rpcUrl, terms, token }, close: () => Promise.resolve() };
}
