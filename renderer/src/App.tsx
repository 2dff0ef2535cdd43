import { useState, type FormEvent, type ReactElement } from 'react';
import { rememberToken } from './api/http-transport.ts';
import type { HearthClient } from './api/client.ts';
import { Sidebar } from './components/Sidebar.tsx';
import { ClientContext, useContractSync, useNetworkSync, usePolicySync, useTheme, useWalletSync } from './hooks.ts';
import { Overview } from './pages/Overview.tsx';
import { Settings } from './pages/Settings.tsx';
import { Earnings } from './pages/Earnings.tsx';
import { Limits } from './pages/limits/Limits.tsx';
import { Jobs } from './pages/Jobs.tsx';
import { Wallet } from './pages/wallet/Wallet.tsx';
import { useNodeStore } from './stores/node.ts';
import { useRouter, type PagePath } from './stores/router.ts';

const views: Record<PagePath, () => ReactElement> = {
  '/': Overview,
  '/earnings': Earnings,
  '/jobs': Jobs,
  '/limits': Limits,
  '/wallet': Wallet,
  '/settings': Settings,
};

export function App({ client }: { client: HearthClient }): ReactElement {
  useContractSync(client);
  useWalletSync(client);
  usePolicySync(client);
  useNetworkSync(client);
  useTheme();
  const path = useRouter((state) => state.path);
  const View = views[path];
  return (
    <ClientContext.Provider value={client}>
      <div className="app">
        <Sidebar />
        <main className="content">
          <ConnectionBanner />
          <View />
        </main>
      </div>
    </ClientContext.Provider>
  );
}

function ConnectionBanner(): ReactElement | null {
  const connection = useNodeStore((state) => state.connection);
  const error = useNodeStore((state) => state.error);
  const setError = useNodeStore((state) => state.setError);
  if (connection === 'unauthorized') {
    return <div className="banner banner-error">This page's access token was refused. Open the address headless mode printed at start-up.</div>;
  }
  if (connection === 'reconnecting') return <div className="banner">Connection to your node lost — reconnecting…</div>;
  if (error) {
    return (
      <div className="banner banner-error" role="alert">
        {error}
        <button className="link" onClick={() => setError(undefined)}>
          Dismiss
        </button>
      </div>
    );
  }
  return null;
}

/** Shown in a browser opened without the token that headless mode prints. */
export function NeedsToken(): ReactElement {
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (rememberToken(value)) window.location.reload();
    else setInvalid(true);
  };
  return (
    <div className="gate">
      <div className="card gate-card">
        <h1>Hearth needs its access link</h1>
        <p className="muted">
          This node runs in headless mode and protects its controls with a token. Open the full address it printed at its first start — it ends in
          <code> #token=…</code> — or paste the token from the <code>api-token</code> file in Hearth's data folder.
        </p>
        <form className="field-row" onSubmit={submit}>
          <input
            aria-label="Access token"
            type="password"
            autoComplete="off"
            placeholder="Access token"
            value={value}
            aria-invalid={invalid}
            onChange={(event) => {
              setValue(event.target.value);
              setInvalid(false);
            }}
          />
          <button className="button primary" type="submit" disabled={value.trim() === ''}>
            Open
          </button>
        </form>
        {invalid && <p className="field-error">That is not a Hearth access token (43 letters, digits, - and _).</p>}
      </div>
    </div>
  );
}
