import { settingsSchema, type SettingsPatch } from '../../../../shared/settings.ts';
import type { ChainPreset } from '../../../../shared/wallet.ts';

export interface NetworkDraft {
  chain: ChainPreset;
  rpcUrl: string;
  chainId: string;
}

export interface NetworkCheck {
  rpcUrl?: string;
  chainId?: string;
  /** Not wrong, but worth knowing. */
  rpcWarning?: string;
  patch?: SettingsPatch;
}

/** The chain, RPC URL and chain ID as typed, checked with the settings' own schema and its cross-field rule. */
export function checkNetworkDraft(draft: NetworkDraft): NetworkCheck {
  const result: NetworkCheck = {};
  const url = draft.rpcUrl.trim();
  let rpcUrl: string | null = null;
  if (url !== '') {
    const parsed = settingsSchema.shape.rpcUrl.safeParse(url);
    if (parsed.success) {
      rpcUrl = parsed.data;
      const host = new URL(url).hostname;
      if (url.toLowerCase().startsWith('http:') && !['localhost', '127.0.0.1', '[::1]'].includes(host)) {
        result.rpcWarning = 'This endpoint is not encrypted (http): anything between you and it can see and alter what the wallet reads.';
      }
    } else {
      result.rpcUrl = url.length > 2048 ? 'The RPC URL may be at most 2048 characters.' : 'The RPC URL must be a full http:// or https:// address, for example https://rpc.example.org.';
    }
  } else if (draft.chain === 'custom') {
    result.rpcUrl = 'A custom chain needs the RPC URL of a node on that chain.';
  }
  let chainId: number | null = null;
  if (draft.chain === 'custom') {
    const text = draft.chainId.trim();
    if (text === '') result.chainId = 'A custom chain needs its chain ID (a number, for example 8453 for Base).';
    else if (!/^[0-9]+$/.test(text)) result.chainId = 'The chain ID is a whole number, for example 8453.';
    else {
      const value = Number(text);
      if (value < 1 || !Number.isSafeInteger(value)) result.chainId = 'The chain ID must be a whole number from 1 to 9007199254740991.';
      else chainId = value;
    }
  }
  if (result.rpcUrl === undefined && result.chainId === undefined) {
    result.patch = { chain: draft.chain, rpcUrl, ...(draft.chain === 'custom' ? { customChainId: chainId } : {}) };
  }
  return result;
}
