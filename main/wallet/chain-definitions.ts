import { defineChain } from 'viem';
import { chainConfig } from 'viem/op-stack';

/**
 * The six chains Hearth has presets for, defined as viem defines them
 * (viem 2.57, `viem/_esm/chains/definitions/*`), so `viem/chains` is never
 * imported: that module defines every chain viem knows (hundreds) and costs
 * the node ~34 MB of resident memory and 8 MB of heap for six objects.
 * tests/main/wallet/chain-definitions.test.ts compares each with viem's own,
 * so an upgrade of viem that changes one fails there, not on a user's wallet.
 */

const MULTICALL3 = '0xca11bde05977b3631167028862be2a173976ca11';
const MAINNET = 1;
const SEPOLIA = 11_155_111;

export const base = /*#__PURE__*/ defineChain({
  ...chainConfig,
  id: 8453,
  name: 'Base',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['https://mainnet.base.org'] } },
  blockExplorers: { default: { name: 'Basescan', url: 'https://basescan.org', apiUrl: 'https://api.basescan.org/api' } },
  contracts: {
    ...chainConfig.contracts,
    disputeGameFactory: { [MAINNET]: { address: '0x43edB88C4B80fDD2AdFF2412A7BebF9dF42cB40e' } },
    l2OutputOracle: { [MAINNET]: { address: '0x56315b90c40730925ec5485cf004d835058518A0' } },
    multicall3: { address: MULTICALL3, blockCreated: 5022 },
    portal: { [MAINNET]: { address: '0x49048044D57e1C92A77f79988d21Fa8fAF74E97e', blockCreated: 17482143 } },
    l1StandardBridge: { [MAINNET]: { address: '0x3154Cf16ccdb4C6d922629664174b904d80F2C35', blockCreated: 17482143 } },
  },
  sourceId: MAINNET,
});

export const baseSepolia = /*#__PURE__*/ defineChain({
  ...chainConfig,
  id: 84532,
  network: 'base-sepolia',
  name: 'Base Sepolia',
  nativeCurrency: { name: 'Sepolia Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['https://sepolia.base.org'] } },
  blockExplorers: { default: { name: 'Basescan', url: 'https://sepolia.basescan.org', apiUrl: 'https://api-sepolia.basescan.org/api' } },
  contracts: {
    ...chainConfig.contracts,
    disputeGameFactory: { [SEPOLIA]: { address: '0xd6E6dBf4F7EA0ac412fD8b65ED297e64BB7a06E1' } },
    l2OutputOracle: { [SEPOLIA]: { address: '0x84457ca9D0163FbC4bbfe4Dfbb20ba46e48DF254' } },
    portal: { [SEPOLIA]: { address: '0x49f53e41452c74589e85ca1677426ba426459e85', blockCreated: 4446677 } },
    l1StandardBridge: { [SEPOLIA]: { address: '0xfd0Bf71F60660E2f608ed56e1659C450eB113120', blockCreated: 4446677 } },
    multicall3: { address: MULTICALL3, blockCreated: 1059647 },
  },
  testnet: true,
  sourceId: SEPOLIA,
});

export const arbitrum = /*#__PURE__*/ defineChain({
  id: 42_161,
  name: 'Arbitrum One',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  blockTime: 250,
  rpcUrls: { default: { http: ['https://arb1.arbitrum.io/rpc'] } },
  blockExplorers: { default: { name: 'Arbiscan', url: 'https://arbiscan.io', apiUrl: 'https://api.arbiscan.io/api' } },
  contracts: { multicall3: { address: MULTICALL3, blockCreated: 7654707 } },
});

export const arbitrumSepolia = /*#__PURE__*/ defineChain({
  id: 421_614,
  name: 'Arbitrum Sepolia',
  blockTime: 250,
  nativeCurrency: { name: 'Arbitrum Sepolia Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['https://sepolia-rollup.arbitrum.io/rpc'] } },
  blockExplorers: { default: { name: 'Arbiscan', url: 'https://sepolia.arbiscan.io', apiUrl: 'https://api-sepolia.arbiscan.io/api' } },
  contracts: { multicall3: { address: MULTICALL3, blockCreated: 81930 } },
  testnet: true,
});

export const polygon = /*#__PURE__*/ defineChain({
  id: 137,
  name: 'Polygon',
  blockTime: 2000,
  nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 },
  rpcUrls: { default: { http: ['https://polygon.drpc.org'] } },
  blockExplorers: { default: { name: 'PolygonScan', url: 'https://polygonscan.com', apiUrl: 'https://api.etherscan.io/v2/api' } },
  contracts: { multicall3: { address: MULTICALL3, blockCreated: 25770160 } },
});

export const polygonAmoy = /*#__PURE__*/ defineChain({
  id: 80_002,
  name: 'Polygon Amoy',
  nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 },
  rpcUrls: { default: { http: ['https://polygon-amoy.drpc.org'] } },
  blockExplorers: { default: { name: 'PolygonScan', url: 'https://amoy.polygonscan.com', apiUrl: 'https://api.etherscan.io/v2/api' } },
  contracts: { multicall3: { address: MULTICALL3, blockCreated: 3127388 } },
  testnet: true,
});
