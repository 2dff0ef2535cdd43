import { createContext, useContext, useEffect, useState } from 'react';
import type { HearthClient } from './api/client.ts';
import { coalesce } from './coalesce.ts';
import { LIVE_JOBS, useNetworkStore } from './stores/network.ts';
import { useNodeStore } from './stores/node.ts';
import { usePolicyStore } from './stores/policy.ts';
import { useWalletStore } from './stores/wallet.ts';
import { errorMessage } from '../../shared/errors.ts';

export const ClientContext = createContext<HearthClient | undefined>(undefined);

export function useClient(): HearthClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}

const RESYNC_MS = 30_000;

/**
 * Orders snapshots against events, per kind of state: a re-sync's answer for
 * `key` is applied only if nothing newer about `key` is known — no event
 * arrived while it was on its way (its snapshot may predate the event), and
 * no later re-sync's answer was applied first (under load answers can come
 * back out of order).
 */
export function snapshotGuard<K extends string>(): { begin: () => (key: K) => boolean; event: (key: K) => void } {
  let tick = 0;
  const known = new Map<K, number>();
  return {
    begin: () => {
      const at = ++tick;
      return (key) => {
        if ((known.get(key) ?? 0) > at) return false;
        known.set(key, at);
        return true;
      };
    },
    event: (key) => {
      known.set(key, ++tick);
    },
  };
}

/**
 * Folds pushed events into the store. A fetch on connect (and after every
 * reconnect) plus a slow re-sync close any gap in the event stream.
 */
export function useContractSync(client: HearthClient): void {
  useEffect(() => {
    const store = useNodeStore.getState();
    let disposed = false;
    const guard = snapshotGuard<'status' | 'settings' | 'worker'>();
    const resync = async (): Promise<void> => {
      const fresh = guard.begin();
      try {
        const [status, settings, worker] = await Promise.all([client.call('node.status'), client.call('settings.get'), client.call('worker.status')]);
        if (disposed) return;
        if (fresh('status')) store.setStatus(status);
        if (fresh('settings')) store.setSettings(settings);
        if (fresh('worker')) store.setWorker(worker);
        store.setError(undefined); // reachable again: an old failure no longer applies
      } catch (error) {
        if (!disposed) store.setError(errorMessage(error));
      }
    };
    const offs = [
      client.on('node.statusChanged', (status) => {
        guard.event('status');
        store.setStatus(status);
      }),
      client.on('settings.changed', (settings) => {
        guard.event('settings');
        store.setSettings(settings);
      }),
      client.on('worker.statusChanged', (worker) => {
        guard.event('worker');
        store.setWorker(worker);
      }),
      client.onConnection((state) => {
        store.setConnection(state);
        if (state === 'open') void resync();
      }),
    ];
    void resync(); // at once, whatever the event socket is doing
    const timer = window.setInterval(() => void resync(), RESYNC_MS);
    return () => {
      disposed = true;
      window.clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, [client]);
}

/** Applies the theme setting: `system` follows the OS through CSS; light/dark override it. */
export function useTheme(): void {
  const theme = useNodeStore((state) => state.settings?.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') root.dataset.theme = theme;
    else delete root.dataset.theme;
  }, [theme]);
}

/**
 * The wallet's share of the sync: its status and transactions, fetched on
 * connect and every re-sync, and folded from pushed events in between.
 * Separate from the node's sync so a wallet failure never hides node status.
 */
export function useWalletSync(client: HearthClient): void {
  useEffect(() => {
    const store = useWalletStore.getState();
    let disposed = false;
    const guard = snapshotGuard<'status'>();
    const resync = async (): Promise<void> => {
      const fresh = guard.begin();
      try {
        const [status, transactions] = await Promise.all([client.call('wallet.status'), client.call('wallet.transactions', { limit: 100 })]);
        if (disposed) return;
        if (fresh('status')) store.setStatus(status);
        store.mergeTransactions(transactions); // per transaction, the newer record wins
      } catch (error) {
        if (!disposed) useNodeStore.getState().setError(`The wallet could not be read: ${errorMessage(error)}`);
      }
    };
    const offs = [
      client.on('wallet.changed', (status) => {
        guard.event('status');
        store.setStatus(status);
      }),
      client.on('wallet.transactionChanged', (tx) => store.upsertTransaction(tx)),
      client.on('wallet.earningsChanged', () => store.earningsChanged()),
      client.onConnection((state) => {
        if (state === 'open') void resync();
      }),
    ];
    void resync();
    const timer = window.setInterval(() => void resync(), RESYNC_MS);
    return () => {
      disposed = true;
      window.clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, [client]);
}

/**
 * The limits and the policy decision: fetched on connect and every re-sync,
 * folded from `limits.changed` and `policy.changed` in between. Separate from
 * the node's sync so a failure here never hides the node's status.
 */
export function usePolicySync(client: HearthClient): void {
  useEffect(() => {
    const store = usePolicyStore.getState();
    let disposed = false;
    const guard = snapshotGuard<'limits' | 'policy'>();
    const resync = async (): Promise<void> => {
      const fresh = guard.begin();
      try {
        const [limits, policy] = await Promise.all([client.call('limits.get'), client.call('policy.status')]);
        if (disposed) return;
        if (fresh('limits')) store.setLimits(limits);
        if (fresh('policy')) store.setPolicy(policy);
      } catch (error) {
        if (!disposed) useNodeStore.getState().setError(`The contribution limits could not be read: ${errorMessage(error)}`);
      }
    };
    const offs = [
      client.on('limits.changed', (limits) => {
        guard.event('limits');
        store.setLimits(limits);
      }),
      client.on('policy.changed', (policy) => {
        guard.event('policy');
        store.setPolicy(policy);
      }),
      client.onConnection((state) => {
        if (state === 'open') void resync();
      }),
    ];
    void resync();
    const timer = window.setInterval(() => void resync(), RESYNC_MS);
    return () => {
      disposed = true;
      window.clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, [client]);
}

/**
 * The network connection and the jobs: the status folded from
 * `network.changed`; the summary and the newest jobs re-read on `jobs.changed`
 * (it says only that something changed). Jobs change several times a second
 * while earning, so their reads are coalesced: never more than one of each in
 * flight, and one more after it when events came meanwhile.
 */
export function useNetworkSync(client: HearthClient): void {
  useEffect(() => {
    const store = useNetworkStore.getState();
    let disposed = false;
    const guard = snapshotGuard<'status'>();
    const report = (what: string, error: unknown): void => {
      if (!disposed) useNodeStore.getState().setError(`${what} could not be read: ${errorMessage(error)}`);
    };
    const refreshJobs = coalesce(async () => {
      const [summary, recent] = await Promise.allSettled([client.call('jobs.summary'), client.call('jobs.list', { limit: LIVE_JOBS })]);
      if (disposed) return;
      if (summary.status === 'fulfilled') store.setSummary(summary.value);
      else report('The job totals', summary.reason);
      if (recent.status === 'fulfilled') store.setRecent(recent.value);
      else report('The recent jobs', recent.reason);
    });
    const resync = async (): Promise<void> => {
      refreshJobs();
      const fresh = guard.begin();
      try {
        const status = await client.call('network.status');
        if (!disposed && fresh('status')) store.setStatus(status);
      } catch (error) {
        report('The network status', error);
      }
    };
    const offs = [
      client.on('network.changed', (status) => {
        guard.event('status');
        store.setStatus(status);
      }),
      client.on('jobs.changed', () => refreshJobs()),
      client.onConnection((state) => {
        if (state === 'open') void resync();
      }),
    ];
    void resync();
    const timer = window.setInterval(() => void resync(), RESYNC_MS);
    return () => {
      disposed = true;
      window.clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, [client]);
}

/** The current time, ticking every `intervalMs`. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
