import { useState, type FormEvent, type ReactElement } from 'react';
import type { NetworkStatus, NetworkTerms } from '../../../../shared/network.ts';
import type { Settings } from '../../../../shared/settings.ts';
import { sameAddress } from '../../address.ts';
import { Card } from '../../components/Layout.tsx';
import { AddressText, Callout, CopyButton } from '../../components/Wallet.tsx';
import { describeError } from '../../errors.ts';
import { useClient, useNow } from '../../hooks.ts';
import { useNetworkStore } from '../../stores/network.ts';
import { useRouter } from '../../stores/router.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { networkName, networkState, priceAsset, BASE_UNITS } from '../network/describe.ts';
import { checkJobRate, checkNetworkUrl } from './network-url.ts';
import { SaveMessage, useSave } from './save.tsx';

/** Which network the node works for, how fast the local one sends work, and who pays: the pinned terms. */
export function NetworkSection({ settings }: { settings: Settings }): ReactElement {
  const status = useNetworkStore((state) => state.status);
  return (
    <Card title="Network" className="network-section">
      {status ? <ConnectionLine status={status} /> : <p className="muted">Reading the network status…</p>}
      {status?.state === 'payer_changed' && status.pinned && status.announced && <PayerChange pinned={status.pinned} announced={status.announced} />}
      <NetworkUrlField settings={settings} />
      <JobRateField settings={settings} />
      {status && <Terms status={status} />}
    </Card>
  );
}

function ConnectionLine({ status }: { status: NetworkStatus }): ReactElement {
  const now = useNow(1000);
  const state = networkState(status, now);
  return (
    <div className="network-status-line" data-testid="settings-network-state">
      <span className="network-name">{networkName(status)}</span>
      <span className={`pill network-pill tone-${state.tone}`}>{state.label}</span>
      {status.state !== 'payer_changed' && state.detail && <span className="muted small">{state.detail}</span>}
    </div>
  );
}

/** A field's draft, which follows the stored value when it changes elsewhere (another window, the API). */
function useStoredDraft(stored: string): [string, (value: string) => void] {
  const [value, setValue] = useState(stored);
  const [known, setKnown] = useState(stored);
  if (stored !== known) {
    setKnown(stored);
    setValue(stored);
  }
  return [value, setValue];
}

function NetworkUrlField({ settings }: { settings: Settings }): ReactElement {
  const stored = settings.networkUrl ?? '';
  const [value, setValue] = useStoredDraft(stored);
  const [state, save] = useSave();
  const check = checkNetworkUrl(value);
  const dirty = check.ok ? check.value !== settings.networkUrl : value.trim() !== stored;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (dirty && check.ok) void save({ networkUrl: check.value });
  };
  return (
    <form className="field" onSubmit={submit} aria-label="Network to work for" noValidate>
      <label htmlFor="network-url">Network URL</label>
      <p className="muted small">
        The network this node works for: the address where it publishes <code>/.well-known/hearth-network.json</code>. Leave it empty for the local
        network built into Hearth, which sends demo jobs paid in test tokens.
      </p>
      <div className="field-row">
        <input
          id="network-url"
          type="text"
          className="mono input-wide"
          value={value}
          placeholder="Empty: the local network on this computer"
          maxLength={2100}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={!check.ok}
          aria-describedby="network-url-check"
          onChange={(event) => setValue(event.target.value)}
        />
        <button className="button primary" type="submit" disabled={!dirty || !check.ok || state.kind === 'saving'}>
          Save URL
        </button>
        {dirty && (
          <button className="button" type="button" onClick={() => setValue(stored)}>
            Discard
          </button>
        )}
      </div>
      <div id="network-url-check">
        {!check.ok ? (
          <p className="field-error">{check.message}</p>
        ) : check.warning ? (
          <p className="field-warn">{check.warning}</p>
        ) : dirty ? (
          <p className="muted small">
            {check.value === null
              ? 'Saving switches to the local network on this computer.'
              : 'Saving connects to this network. The first connection pins its payer: a later change waits for you.'}
          </p>
        ) : null}
      </div>
      <SaveMessage state={state} />
    </form>
  );
}

function JobRateField({ settings }: { settings: Settings }): ReactElement {
  const stored = String(settings.localJobRate);
  const [value, setValue] = useStoredDraft(stored);
  const [state, save] = useSave();
  const check = checkJobRate(value);
  const dirty = check.ok ? check.value !== settings.localJobRate : value.trim() !== stored;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (dirty && check.ok) void save({ localJobRate: check.value });
  };
  return (
    <form className={`field${settings.networkUrl === null ? '' : ' is-off'}`} onSubmit={submit} aria-label="Local demo rate" noValidate>
      <label htmlFor="local-job-rate">Local demo jobs per second</label>
      <p className="muted small">
        How much work the local network sends: a steady mix of OCR, embedding and tensor jobs, from 0.1 to 100 a second.
        {settings.networkUrl !== null && ' Used only while the network URL above is empty.'}
      </p>
      <div className="field-row">
        <div className="input-unit input-unit-narrow">
          <input
            id="local-job-rate"
            type="text"
            inputMode="decimal"
            className="mono"
            value={value}
            maxLength={12}
            autoComplete="off"
            aria-invalid={!check.ok}
            onChange={(event) => setValue(event.target.value)}
          />
          <span className="unit">jobs/s</span>
        </div>
        <button className="button primary" type="submit" disabled={!dirty || !check.ok || state.kind === 'saving'}>
          Save rate
        </button>
      </div>
      {!check.ok ? <p className="field-error">{check.message}</p> : <SaveMessage state={state} />}
    </form>
  );
}

function Address({ address, label }: { address: string; label: string }): ReactElement {
  return (
    <span className="fact-address">
      <AddressText address={address} className="address-small" />
      <CopyButton text={address} label={label} compact />
    </span>
  );
}

/** The pinned terms, where vouchers go, and who the network knows this node as. */
function Terms({ status }: { status: NetworkStatus }): ReactElement {
  const wallet = useWalletStore((state) => state.status?.network);
  const navigate = useRouter((state) => state.navigate);
  const pinned = status.pinned;
  const asset = priceAsset(pinned, wallet);
  const chainMismatch = pinned !== null && wallet !== null && wallet !== undefined && wallet.chainId !== pinned.chainId;
  return (
    <div className="field network-terms" data-testid="network-terms">
      <span className="label">Who pays</span>
      <p className="muted small">
        Pinned the first time Hearth connected to this network: jobs are paid with vouchers signed by this payer, claimable from this escrow.
      </p>
      {chainMismatch && (
        <Callout tone="warn" title="Your wallet follows another chain">
          <p>
            This network pays on chain {pinned.chainId}; your wallet follows {wallet.name} (chain {wallet.chainId}). Vouchers can only be claimed on chain{' '}
            {pinned.chainId}: choose it under Payments below.
          </p>
        </Callout>
      )}
      <dl className="facts terms-facts">
        {pinned ? (
          <>
            <dt>Payer</dt>
            <dd>
              <Address address={pinned.payer} label="Copy payer address" />
            </dd>
            <dt>Chain</dt>
            <dd>
              {pinned.chainId}
              {wallet && wallet.chainId === pinned.chainId && <span className="muted">{wallet.name}</span>}
            </dd>
            <dt>Escrow</dt>
            <dd>
              <Address address={pinned.escrow} label="Copy escrow address" />
            </dd>
            <dt>Token</dt>
            <dd>
              <Address address={pinned.token} label="Copy token address" />
              {asset !== BASE_UNITS && (
                <span className="muted small">
                  {asset.symbol}, {asset.decimals} decimals
                </span>
              )}
            </dd>
          </>
        ) : (
          <>
            <dt>Payer</dt>
            <dd className="muted">Not pinned yet: Hearth pins the network's payer when it first connects.</dd>
          </>
        )}
        <dt>Paid to</dt>
        <dd data-testid="network-payee">
          {status.payee ? (
            <Address address={status.payee} label="Copy your wallet address" />
          ) : (
            <span>
              <span className="muted">No wallet yet: the network keeps your earnings as credit. </span>
              <button type="button" className="link-button" onClick={() => navigate('/wallet')}>
                Create a wallet
              </button>
            </span>
          )}
        </dd>
        <dt>This node</dt>
        <dd data-testid="node-address">
          {status.nodeAddress ? (
            <>
              <Address address={status.nodeAddress} label="Copy this node's address" />
              <span className="muted small fact-note">The node's own key: it signs logins and results, and never holds money.</span>
            </>
          ) : (
            <span className="muted">Made when the node first starts.</span>
          )}
        </dd>
      </dl>
    </div>
  );
}

const termRows: { key: keyof NetworkTerms; label: string }[] = [
  { key: 'payer', label: 'Payer' },
  { key: 'chainId', label: 'Chain' },
  { key: 'escrow', label: 'Escrow' },
  { key: 'token', label: 'Token' },
];

function differs(a: NetworkTerms, b: NetworkTerms, key: keyof NetworkTerms): boolean {
  return key === 'chainId' ? a.chainId !== b.chainId : !sameAddress(a[key], b[key]);
}

/** The network named another payer than the pinned one: old and new side by side, and the user's decision. */
function PayerChange({ pinned, announced }: { pinned: NetworkTerms; announced: NetworkTerms }): ReactElement {
  const client = useClient();
  const [sure, setSure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const accept = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      useNetworkStore.getState().setStatus(await client.call('network.acceptPayer'));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const value = (terms: NetworkTerms, key: keyof NetworkTerms): ReactElement =>
    key === 'chainId' ? <span>{terms.chainId}</span> : <AddressText address={terms[key]} className="address-small" />;
  return (
    <div className="payer-change" data-testid="payer-change">
      <Callout tone="danger" title="The network's payer changed">
        <p>
          The network now names a different payer than the one Hearth pinned when it first connected. Until you decide, Hearth takes no work from it.
        </p>
        <table className="table terms-table">
          <thead>
            <tr>
              <th />
              <th>Pinned</th>
              <th>Announced now</th>
            </tr>
          </thead>
          <tbody>
            {termRows.map((row) => (
              <tr key={row.key} className={differs(pinned, announced, row.key) ? 'differs' : undefined}>
                <th scope="row">{row.label}</th>
                <td>{value(pinned, row.key)}</td>
                <td>{value(announced, row.key)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <strong>Vouchers from an unexpected payer may be worthless:</strong> a network that suddenly pays from elsewhere may not be the one you joined, or
          its new escrow may hold no money. Accept only if the network's operator told you about this change.
        </p>
        <label className="check payer-check">
          <input type="checkbox" checked={sure} onChange={(event) => setSure(event.target.checked)} />I expected this change and trust the new payer
        </label>
        <div className="field-row">
          <button type="button" className="button primary" disabled={!sure || busy} onClick={() => void accept()}>
            {busy ? 'Accepting…' : 'Accept new payer'}
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </Callout>
    </div>
  );
}
