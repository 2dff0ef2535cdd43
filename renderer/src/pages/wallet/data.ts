import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Balances, Earnings, WalletStatus } from '../../../../shared/wallet.ts';
import { describeError } from '../../errors.ts';
import { useClient } from '../../hooks.ts';
import { useWalletStore } from '../../stores/wallet.ts';

export interface Polled<T> {
  value: T | undefined;
  /** The last failure; the last good value stays shown beside it. */
  error: string | undefined;
  /** When the value was last read. */
  at: number | undefined;
  refresh: () => void;
}

/** Loads on mount, whenever `revision` moves (an event said it may have changed), every `intervalMs`, and on refresh. */
function usePolled<T>(load: () => Promise<T>, revision: number, intervalMs: number, enabled: boolean, scope: string): Polled<T> {
  const [state, setState] = useState<{ value?: T; error?: string; at?: number; scope?: string }>({});
  const [manual, setManual] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const run = (): void => {
      load().then(
        (value) => {
          if (!cancelled) setState({ value, at: Date.now(), scope });
        },
        (error: unknown) => {
          if (!cancelled) setState((previous) => ({ ...previous, error: describeError(error) }));
        },
      );
    };
    run();
    const timer = window.setInterval(run, intervalMs);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [load, revision, manual, intervalMs, enabled, scope]);
  const refresh = useCallback(() => setManual((n) => n + 1), []);
  // A value read on another chain or for another wallet is never shown under this one's name.
  const current = state.scope === scope;
  return { value: current ? state.value : undefined, error: current ? state.error : undefined, at: current ? state.at : undefined, refresh };
}

/** What a balance or earnings value belongs to: the wallet, the chain and its token. */
function walletScope(state: { status: WalletStatus | undefined }): string {
  const status = state.status;
  return `${status?.address ?? ''}|${status?.network?.chainId ?? ''}|${status?.network?.token?.address ?? ''}`;
}

const BALANCES_MS = 15_000;
const EARNINGS_MS = 30_000;

export function useBalances(enabled: boolean): Polled<Balances> {
  const client = useClient();
  const revision = useWalletStore((state) => state.balancesRevision);
  const scope = useWalletStore(walletScope);
  const load = useCallback(() => client.call('wallet.balances'), [client]);
  return usePolled(load, revision, BALANCES_MS, enabled, scope);
}

/** Earnings move with vouchers and claims (events), and with the payer's escrow (read from the chain: the slow interval). */
export function useEarnings(enabled: boolean): Polled<Earnings> {
  const client = useClient();
  const revision = useWalletStore((state) => state.earningsRevision);
  const scope = useWalletStore(walletScope);
  const load = useCallback(() => client.call('wallet.earnings'), [client]);
  return usePolled(load, revision, EARNINGS_MS, enabled, scope);
}

// ---- backup reminder ---------------------------------------------------------

/**
 * Which wallet (by address) still has to confirm its recovery-phrase backup.
 * Not a secret, so it may live in localStorage: a wallet created here whose
 * backup was left unfinished keeps reminding until the words are checked.
 */
const BACKUP_KEY = 'hearth.backupPending';
const backupListeners = new Set<() => void>();

function readBackupPending(): string | null {
  try {
    return localStorage.getItem(BACKUP_KEY);
  } catch {
    return null;
  }
}

export function setBackupPending(address: string | null): void {
  try {
    if (address === null) localStorage.removeItem(BACKUP_KEY);
    else localStorage.setItem(BACKUP_KEY, address);
  } catch {
    // storage unavailable: the reminder is a convenience, not a guarantee
  }
  backupListeners.forEach((listener) => listener());
}

export function useBackupPending(address: string | null | undefined): boolean {
  const pending = useSyncExternalStore(
    (listener) => {
      backupListeners.add(listener);
      return () => backupListeners.delete(listener);
    },
    readBackupPending,
  );
  return typeof address === 'string' && pending !== null && pending.toLowerCase() === address.toLowerCase();
}
