import { useState, type FormEvent, type ReactElement } from 'react';
import type { WalletStatus } from '../../../../shared/wallet.ts';
import { Card, PageHeader } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { PassphraseInput } from '../../components/Passphrase.tsx';
import { Callout } from '../../components/Wallet.tsx';
import { describeError, refusal } from '../../errors.ts';
import { useClient } from '../../hooks.ts';
import { useNodeStore } from '../../stores/node.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { BalancesCard, NetworkCard } from './Balances.tsx';
import { Onboarding } from './Onboarding.tsx';
import { SecurityCard } from './Security.tsx';
import { SendCard } from './Send.tsx';
import { TransactionsCard } from './Transactions.tsx';
import { useBackupPending, useBalances } from './data.ts';

const SUBTITLE = 'Self-custody: your key is kept on this computer, encrypted with your passphrase.';

export function Wallet(): ReactElement {
  const status = useWalletStore((state) => state.status);
  // Creating a wallet leaves it unlocked; the backup steps still come first.
  const [held, setHeld] = useState(false);

  if (!status) {
    return (
      <>
        <PageHeader title="Wallet" subtitle={SUBTITLE} />
        <Card>
          <p className="muted">Reading your wallet…</p>
        </Card>
      </>
    );
  }
  if (status.state === 'none' || held) {
    return (
      <>
        <PageHeader title="Wallet" subtitle={SUBTITLE} />
        <Onboarding hold={setHeld} />
      </>
    );
  }
  if (status.state === 'unreadable') return <Unreadable status={status} />;
  if (status.state === 'locked') return <Locked status={status} />;
  return <Unlocked status={status} />;
}

function ProblemBanner({ status }: { status: WalletStatus }): ReactElement | null {
  if (!status.problem) return null;
  return (
    status.network === null ? (
      <Callout tone="warn" title="The wallet's chain is not connected">
        <p>{status.problem}</p>
        <p className="muted small">Balances and transactions update again once it connects. Check the network in Settings → Payments.</p>
      </Callout>
    ) : (
      <Callout tone="warn" title="Your wallet needs you">
        <p>{status.problem}</p>
      </Callout>
    )
  );
}

function Unlocked({ status }: { status: WalletStatus }): ReactElement {
  const client = useClient();
  const [locking, setLocking] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const backupPending = useBackupPending(status.address);
  const balances = useBalances(status.network !== null && status.address !== null);
  const lock = async (): Promise<void> => {
    setLocking(true);
    try {
      await client.call('wallet.lock');
    } catch (failure) {
      setError(describeError(failure));
      setLocking(false);
    }
  };
  return (
    <>
      <PageHeader
        title="Wallet"
        subtitle={SUBTITLE}
        actions={
          <>
            <span className="badge badge-running" data-testid="wallet-state">
              <span className="badge-dot" />
              Unlocked
            </span>
            <button className="button" onClick={() => void lock()} disabled={locking}>
              <Icon.lock /> Lock
            </button>
          </>
        }
      />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {backupPending && (
        <Callout tone="warn" title="Your recovery phrase is not backed up yet">
          <p>Without it, losing this computer or your passphrase means losing the wallet. Show the phrase under Security below, write it down and check it.</p>
        </Callout>
      )}
      <ProblemBanner status={status} />
      <BalancesCard status={status} balances={balances} />
      <SendCard status={status} balances={balances} />
      <TransactionsCard status={status} />
      <SecurityCard status={status} backupPending={backupPending} />
      <NetworkCard status={status} />
    </>
  );
}

function Locked({ status }: { status: WalletStatus }): ReactElement {
  const client = useClient();
  const dataDir = useNodeStore((state) => state.status?.dataDir);
  const balances = useBalances(status.network !== null && status.address !== null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (passphrase === '' || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.call('wallet.unlock', { passphrase });
      setPassphrase('');
    } catch (failure) {
      const wrong = refusal(failure) === 'wrong_passphrase';
      if (wrong) setPassphrase('');
      setError(wrong ? 'That passphrase is wrong. Passphrases are case-sensitive; check Caps Lock.' : describeError(failure));
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader
        title="Wallet"
        subtitle={SUBTITLE}
        actions={
          <span className="badge badge-paused" data-testid="wallet-state">
            <span className="badge-dot" />
            Locked
          </span>
        }
      />
      <ProblemBanner status={status} />
      <Card className="unlock-card">
        <div className="unlock-head">
          <span className="unlock-icon">
            <Icon.lock size={20} />
          </span>
          <div>
            <h2>Your wallet is locked</h2>
            <p className="muted">
              Until you unlock it, Hearth cannot sign anything: no withdrawals, and claims (automatic ones too) wait. Your earnings keep arriving.
            </p>
          </div>
        </div>
        <label className="offscreen" htmlFor="unlock-passphrase">
          Passphrase
        </label>
        <form className="field-row" onSubmit={(event) => void submit(event)}>
          <PassphraseInput
            id="unlock-passphrase"
            value={passphrase}
            onChange={(value) => {
              setPassphrase(value);
              setError(undefined);
            }}
            autoComplete="current-password"
            autoFocus
            invalid={error !== undefined}
            placeholder="Passphrase"
            disabled={busy}
          />
          <button type="submit" className="button primary" disabled={passphrase === '' || busy}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
        </form>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <details className="disclosure">
          <summary>Forgot your passphrase?</summary>
          <p className="muted">
            Hearth cannot reset it — it never had a copy. Your money is on the chain, not in this file, so your recovery phrase restores the wallet: quit
            Hearth, move the file <code>wallet.json</code> out of the data folder{dataDir ? <> (<code>{dataDir}</code>)</> : null} — keep it, do not delete
            it — then start Hearth and choose Import.
          </p>
        </details>
      </Card>
      <BalancesCard status={status} balances={balances} />
      <TransactionsCard status={status} />
    </>
  );
}

function Unreadable({ status }: { status: WalletStatus }): ReactElement {
  const dataDir = useNodeStore((state) => state.status?.dataDir);
  return (
    <>
      <PageHeader title="Wallet" subtitle={SUBTITLE} />
      <Card>
        <Callout tone="danger" title="Hearth cannot read your wallet's key file">
          <p data-testid="wallet-problem">{status.problem ?? 'The key file is damaged or was written by something else.'}</p>
        </Callout>
        <h3 className="section-title">What you can do</h3>
        <ol className="todo">
          <li>
            <strong>Your money is not in this file:</strong> it is on the chain, and your recovery phrase (or private key) reaches it from any
            wallet. Do not delete the file all the same.
          </li>
          <li>
            If you copied this data folder from another computer or user account, the key may be sealed by that system's keychain: open Hearth there,
            export the recovery phrase, and import it here.
          </li>
          <li>If you have a backup of the data folder, quit Hearth and put its <code>wallet.json</code> back.</li>
          <li>
            With your recovery phrase or private key: quit Hearth, move <code>wallet.json</code> out of the data folder
            {dataDir ? (
              <>
                {' '}
                (<code>{dataDir}</code>)
              </>
            ) : null}
            , start Hearth again and choose Import.
          </li>
        </ol>
      </Card>
    </>
  );
}
