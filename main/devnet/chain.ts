import { createHardhatRuntimeEnvironment } from 'hardhat/hre';
import { custom, defineChain, numberToHex, type Chain, type CustomTransport } from 'viem';
import type { Address, Hex } from '../../shared/voucher.ts';
import { appRoot } from '../worker/entry.ts';

/**
 * The embedded EVM of the local network and the tests: Hardhat 3's EDR, in
 * this process (no sockets, nothing downloaded). It keeps no state across
 * restarts, so a restarted chain is a new chain with the same id.
 */

/** The EIP-1193 `request` that viem's custom() transport and the JSON-RPC server need. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** An account funded at genesis. EDR also signs for it on eth_sendTransaction. */
export interface GenesisAccount {
  privateKey: Hex;
  balance: bigint;
}

export interface EmbeddedChainOptions {
  chainId?: number;
  /**
   * Default none: every account then signs locally and sends raw transactions,
   * exactly as against a real chain; fund them with setNativeBalance.
   */
  accounts?: readonly GenesisAccount[];
}

export interface EmbeddedChain {
  chainId: number;
  provider: Eip1193Provider;
  transport: CustomTransport;
  viemChain: Chain;
  close(): Promise<void>;
}

export const DEFAULT_CHAIN_ID = 31337;

/** An error the way a JSON-RPC node reports it, so viem maps it (code 3 + data = revert, decoded by ABI). */
export class ChainRpcError extends Error {
  override name = 'ChainRpcError';
  code: number;
  data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** Errors raised in-process may lack the RPC code a node would send; revert data without a code is a revert. */
function asRpcError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { code, data, message } = error as { code?: unknown; data?: unknown; message?: unknown };
  if (typeof code === 'number') return error;
  if (typeof data === 'string' && data.startsWith('0x')) return new ChainRpcError(3, String(message), data);
  return error;
}

export async function startEmbeddedChain(options: EmbeddedChainOptions = {}): Promise<EmbeddedChain> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const hre = await createHardhatRuntimeEnvironment(
    {
      networks: {
        hearth: {
          type: 'edr-simulated',
          chainId,
          // Pinned so a Hardhat upgrade does not change the local network under us; the contracts target cancun.
          hardfork: 'osaka',
          accounts: (options.accounts ?? []).map((account) => ({ privateKey: account.privateKey, balance: account.balance })),
          // Automine: each transaction is mined in its own block as it arrives, so a receipt is there as soon as
          // the send returns, with no interval timer keeping the process alive or making tests wait or flake.
          // The local network has a single user; tests that need confirmations mine blocks (mineBlocks).
          mining: { auto: true, interval: 0 },
          // Like a real node: a reverting transaction is mined with status "reverted" instead of the send
          // throwing, so the app's transaction handling sees what it will see on a real chain.
          throwOnTransactionFailures: false,
          throwOnCallFailures: true,
        },
      },
    },
    {},
    appRoot(),
  );
  const connection = await hre.network.create({ network: 'hearth' });
  let closed = false;

  const provider: Eip1193Provider = {
    async request(args) {
      if (closed) throw new ChainRpcError(4900, 'the embedded chain is closed');
      try {
        return (await connection.provider.request(args)) as unknown;
      } catch (error) {
        throw asRpcError(error);
      }
    },
  };

  return {
    chainId,
    provider,
    // In-process calls do not fail transiently: retries only turn a revert into seconds of waiting.
    transport: custom(provider, { retryCount: 0 }),
    viemChain: defineChain({
      id: chainId,
      name: 'Hearth local',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [] } },
      testnet: true,
    }),
    async close() {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}

/** Sets an address's native-coin balance (wei), to pay gas. */
export async function setNativeBalance(chain: EmbeddedChain, address: Address, wei: bigint): Promise<void> {
  await chain.provider.request({ method: 'hardhat_setBalance', params: [address, numberToHex(wei)] });
}

/** Moves the chain's clock forward and mines a block at the new time. */
export async function increaseTime(chain: EmbeddedChain, seconds: number): Promise<void> {
  await chain.provider.request({ method: 'evm_increaseTime', params: [seconds] });
  await chain.provider.request({ method: 'evm_mine', params: [] });
}

/** Mines empty blocks, e.g. to give a transaction confirmations. */
export async function mineBlocks(chain: EmbeddedChain, count: number): Promise<void> {
  await chain.provider.request({ method: 'hardhat_mine', params: [numberToHex(count)] });
}
