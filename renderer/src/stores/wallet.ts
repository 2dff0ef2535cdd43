import { create } from 'zustand';
import type { ChainTxView, WalletStatus } from '../../../shared/wallet.ts';

/**
 * The wallet as pushed from the node: its status and recent transactions.
 * Never a secret: the recovery phrase and passphrases live only in the
 * state of the component that asked for them, and only while it is shown.
 */
interface WalletStore {
  status: WalletStatus | undefined;
  /** Newest first, as `wallet.transactions` answers; events update them in place. */
  transactions: ChainTxView[] | undefined;
  /** Bumped on every event that can move balances (a transaction, the wallet or its chain changing). */
  balancesRevision: number;
  /** Bumped on every event that can move earnings (a voucher, a transaction, the wallet or its chain changing). */
  earningsRevision: number;
  setStatus: (status: WalletStatus) => void;
  /** Folds a fetched list in: per transaction, whichever record was updated last is kept. */
  mergeTransactions: (transactions: ChainTxView[]) => void;
  upsertTransaction: (tx: ChainTxView) => void;
  earningsChanged: () => void;
}

export const useWalletStore = create<WalletStore>((set) => ({
  status: undefined,
  transactions: undefined,
  balancesRevision: 0,
  earningsRevision: 0,
  setStatus: (status) =>
    set((state) =>
      // A re-sync that finds nothing new changes nothing (and refetches nothing).
      JSON.stringify(state.status) === JSON.stringify(status)
        ? {}
        : { status, balancesRevision: state.balancesRevision + 1, earningsRevision: state.earningsRevision + 1 },
    ),
  mergeTransactions: (transactions) =>
    set((state) => {
      const byId = new Map((state.transactions ?? []).map((tx) => [tx.id, tx]));
      for (const tx of transactions) {
        const known = byId.get(tx.id);
        if (!known || known.updatedAt <= tx.updatedAt) byId.set(tx.id, tx);
      }
      return { transactions: [...byId.values()].sort((a, b) => b.id - a.id) };
    }),
  upsertTransaction: (tx) =>
    set((state) => {
      const known = state.transactions?.find((existing) => existing.id === tx.id);
      if (known && known.updatedAt > tx.updatedAt) return {};
      const others = (state.transactions ?? []).filter((existing) => existing.id !== tx.id);
      return {
        transactions: [tx, ...others].sort((a, b) => b.id - a.id),
        balancesRevision: state.balancesRevision + 1,
        earningsRevision: state.earningsRevision + 1,
      };
    }),
  earningsChanged: () => set((state) => ({ earningsRevision: state.earningsRevision + 1 })),
}));
