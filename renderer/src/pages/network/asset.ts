import type { AssetInfo } from '../wallet/assets.ts';
import { useNetworkStore } from '../../stores/network.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { priceAsset } from './describe.ts';

/** The token job prices and earnings are counted in, for formatting (base units while it is not known). */
export function usePriceAsset(): AssetInfo {
  const pinned = useNetworkStore((state) => state.status?.pinned);
  const wallet = useWalletStore((state) => state.status?.network);
  return priceAsset(pinned, wallet);
}
