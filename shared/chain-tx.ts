import type { ChainTxKind, ChainTxState } from './wallet.ts';

export type { ChainTxKind, ChainTxState };

/** An on-chain transaction of the wallet's, as the store keeps it (raw bytes included; never sent to the UI as is). */
export interface ChainTx {
  id: number;
  chainId: number;
  kind: ChainTxKind;
  from: `0x${string}`;
  to: `0x${string}`;
  amount: bigint;
  nonce: number;
  hash: `0x${string}`;
  raw: `0x${string}`;
  state: ChainTxState;
  blockNumber: number | null;
  blockHash: `0x${string}` | null;
  error: string | null;
  /** What the transaction is for (kind-specific JSON, see migration 3). */
  detail: Record<string, unknown>;
  /** The most it may cost in native base units (gas limit × max fee per gas). */
  maxFee: bigint | null;
  createdAt: number;
  updatedAt: number;
}

export type NewChainTx = Pick<ChainTx, 'chainId' | 'kind' | 'from' | 'to' | 'amount' | 'nonce' | 'hash' | 'raw' | 'detail' | 'maxFee'>;
