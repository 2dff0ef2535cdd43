import { createContext, useContext, useEffect } from 'react';
import type { HearthClient } from './api/client.ts';
import { useNodeStore } from './stores/node.ts';
import { errorMessage } from '../../shared/errors.ts';

export const ClientContext = createContext<HearthClient | undefined>(undefined);

export function useClient(): HearthClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientContext');
  return client;
}

const RESYNC_MS = 30_000;

/**
 * Folds pushed events into the store. A fetch on connect (and after every
 * reconnect) plus a slow re-sync close any gap in the event stream.
 */
export function useContractSync(client: HearthClient): void {
  useEffect(() => {
    const store = useNodeStore.getState();
    let disposed = false;
    const resync = async (): Promise<void> => {
      try {
        const [status, settings, worker] = await Promise.all([client.call('node.status'), client.call('settings.get'), client.call('worker.status')]);
        if (disposed) return;
        store.setStatus(status);
        store.setSettings(settings);
        store.setWorker(worker);
        store.setError(undefined); // reachable again: an old failure no longer applies
      } catch (error) {
        if (!disposed) store.setError(errorMessage(error));
      }
    };
    const offs = [
      client.on('node.statusChanged', (status) => store.setStatus(status)),
      client.on('settings.changed', (settings) => store.setSettings(settings)),
      client.on('worker.statusChanged', (worker) => store.setWorker(worker)),
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
