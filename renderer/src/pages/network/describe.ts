/** The network connection in words, for the Overview and Settings. */
import type { NetworkStatus } from '../../../../shared/network.ts';
import type { WalletNetwork } from '../../../../shared/wallet.ts';
import { sameAddress } from '../../address.ts';
import type { AssetInfo } from '../wallet/assets.ts';

export const LOCAL_NETWORK_NAME = 'Local network (on this computer)';

/**
 * A network URL as shown: its origin and path, without user info, query or
 * fragment (a URL someone pasted may carry a key there).
 */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path}`;
}

export function networkName(status: Pick<NetworkStatus, 'local' | 'networkUrl'>): string {
  if (status.local) return LOCAL_NETWORK_NAME;
  return status.networkUrl === null ? 'The configured network' : displayUrl(status.networkUrl);
}

export type StateTone = 'ok' | 'pending' | 'err' | 'muted';

/** The connection state as a short label, with what it means where that helps. */
export function networkState(status: NetworkStatus, now: number): { label: string; tone: StateTone; detail: string | null } {
  switch (status.state) {
    case 'connected':
      return { label: 'Connected', tone: 'ok', detail: null };
    case 'connecting':
      return { label: 'Connecting…', tone: 'pending', detail: status.lastError };
    case 'disconnected': {
      const label = status.nextRetryAt === null ? 'Disconnected' : status.nextRetryAt <= now ? 'Reconnecting…' : `Reconnecting in ${formatSeconds(status.nextRetryAt - now)}`;
      return { label, tone: 'pending', detail: status.lastError };
    }
    case 'payer_changed':
      return { label: 'Payer changed — waiting for you', tone: 'err', detail: 'The network now names a different payer. Hearth takes no work from it until you review the change.' };
    case 'incompatible':
      return { label: 'Incompatible network', tone: 'err', detail: status.lastError ?? 'This network speaks a protocol this version of Hearth does not.' };
    case 'stopped':
      return { label: 'Not connected', tone: 'muted', detail: status.lastError ?? 'Hearth connects while it is running.' };
  }
}

/** "5 s", "1 min 5 s": a countdown to the next attempt. */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
}

/** Amounts of a token whose decimals are not known are shown as they are: base units. */
export const BASE_UNITS: AssetInfo = { symbol: 'base units', decimals: 0 };

/**
 * The token job prices are in: the network's pinned token, formatted with the
 * decimals and symbol the wallet read for it. When the wallet follows another
 * chain or token, those are not this token's, and amounts stay in base units.
 */
export function priceAsset(pinned: NetworkStatus['pinned'] | undefined, wallet: WalletNetwork | null | undefined): AssetInfo {
  const token = wallet?.token;
  if (!token) return BASE_UNITS;
  if (pinned && (pinned.chainId !== wallet.chainId || !sameAddress(pinned.token, token.address))) return BASE_UNITS;
  return { symbol: token.symbol, decimals: token.decimals };
}
