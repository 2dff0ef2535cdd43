import { useState, type FormEvent, type ReactElement } from 'react';
import type { WalletStatus } from '../../../../shared/wallet.ts';
import { Card } from '../../components/Layout.tsx';
import { PassphraseInput } from '../../components/Passphrase.tsx';
import { PhraseGrid, phraseWords } from '../../components/Wallet.tsx';
import { describeError, refusal } from '../../errors.ts';
import { useClient } from '../../hooks.ts';
import { setBackupPending } from './data.ts';
import { PhraseWarning, WordCheck } from './Onboarding.tsx';
import { newPassphraseProblems, pickCheckPositions } from './passphrase-rules.ts';

const sources: Record<NonNullable<WalletStatus['source']>, string> = {
  created: 'Created on this computer',
  'imported-phrase': 'Imported from a recovery phrase',
  'imported-key': 'Imported from a private key',
};

export function SecurityCard({ status, backupPending }: { status: WalletStatus; backupPending: boolean }): ReactElement {
  return (
    <Card title="Security">
      <dl className="facts facts-cols">
        <dt>Wallet</dt>
        <dd>{status.source ? sources[status.source] : 'unknown'}</dd>
        <dt>Key file</dt>
        <dd>{status.keychain.description || 'Encrypted with your passphrase.'}</dd>
      </dl>
      <div className="security-grid">
        <RecoveryPhrase status={status} backupPending={backupPending} />
        <ChangePassphrase />
      </div>
    </Card>
  );
}

type PhraseState = { kind: 'closed' } | { kind: 'ask' } | { kind: 'shown'; words: string[] } | { kind: 'check'; words: string[]; positions: [number, number] };

/**
 * Shows the recovery phrase after the passphrase, until dismissed. The words
 * live in this component's state only; hiding (or leaving the page, or
 * locking, which unmounts it) drops them.
 */
function RecoveryPhrase({ status, backupPending }: { status: WalletStatus; backupPending: boolean }): ReactElement {
  const client = useClient();
  const [state, setState] = useState<PhraseState>({ kind: 'closed' });
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [checked, setChecked] = useState(false);

  if (!status.hasPhrase) {
    return (
      <section className="subsection">
        <h3>Recovery phrase</h3>
        <p className="muted small">This wallet was imported from a private key, so it has no recovery phrase. Keep your own safe copy of the key.</p>
      </section>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (passphrase === '' || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const { phrase } = await client.call('wallet.exportPhrase', { passphrase });
      setPassphrase('');
      setState({ kind: 'shown', words: phraseWords(phrase) });
    } catch (failure) {
      setError(refusal(failure) === 'wrong_passphrase' ? 'That passphrase is wrong.' : describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  const close = (): void => {
    setState({ kind: 'closed' });
    setPassphrase('');
    setError(undefined);
  };

  return (
    <section className={`subsection${state.kind === 'shown' || state.kind === 'check' ? ' wide' : ''}`} aria-label="Recovery phrase">
      <h3>Recovery phrase</h3>
      {state.kind === 'closed' && (
        <>
          <p className="muted small">
            The words that restore this wallet anywhere.{' '}
            {backupPending ? <strong className="warn-text">Not checked yet: show them, write them down and check your copy.</strong> : 'Shown after your passphrase.'}
          </p>
          {checked && (
            <p className="field-ok" role="status">
              Your copy matches. Keep it somewhere safe and private.
            </p>
          )}
          <div className="actions actions-start">
            <button type="button" className={`button${backupPending ? ' primary' : ''}`} onClick={() => setState({ kind: 'ask' })}>
              Show recovery phrase
            </button>
          </div>
        </>
      )}
      {state.kind === 'ask' && (
        <form className="stack-tight" onSubmit={(event) => void submit(event)}>
          <label htmlFor="export-passphrase">Passphrase</label>
          <div className="field-row">
            <PassphraseInput
              id="export-passphrase"
              value={passphrase}
              onChange={(value) => {
                setPassphrase(value);
                setError(undefined);
              }}
              autoComplete="current-password"
              autoFocus
              invalid={error !== undefined}
              disabled={busy}
            />
          </div>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <div className="actions actions-start">
            <button type="submit" className="button primary" disabled={passphrase === '' || busy}>
              {busy ? 'Checking…' : 'Show'}
            </button>
            <button type="button" className="button" onClick={close} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {state.kind === 'shown' && (
        <div className="stack-tight">
          <PhraseWarning />
          <PhraseGrid words={state.words} />
          <div className="actions actions-start">
            <button type="button" className="button" onClick={close}>
              Hide
            </button>
            {backupPending && (
              <button type="button" className="button primary" onClick={() => setState({ kind: 'check', words: state.words, positions: pickCheckPositions(state.words.length) })}>
                I wrote them down — check my copy
              </button>
            )}
          </div>
        </div>
      )}
      {state.kind === 'check' && (
        <div className="stack-tight">
          <p className="muted small">From your written copy, type these two words.</p>
          <WordCheck
            words={state.words}
            positions={state.positions}
            doneLabel="Check"
            onBack={() => setState({ kind: 'shown', words: state.words })}
            onDone={() => {
              setBackupPending(null);
              setChecked(true);
              close();
            }}
          />
        </div>
      )}
    </section>
  );
}

function ChangePassphrase(): ReactElement {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const problems = newPassphraseProblems(next, confirm);
  const same = next !== '' && next === current;
  const ready = current !== '' && problems.ok && !same && !busy;

  const reset = (): void => {
    setCurrent('');
    setNext('');
    setConfirm('');
    setError(undefined);
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.call('wallet.changePassphrase', { current, next });
      reset();
      setOpen(false);
      setDone(true);
    } catch (failure) {
      const reason = refusal(failure);
      setError(reason === 'wrong_passphrase' ? 'The current passphrase is wrong. Nothing was changed.' : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="subsection" aria-label="Passphrase">
      <h3>Passphrase</h3>
      {!open ? (
        <>
          <p className="muted small">Changing it re-encrypts the key file; the address and recovery phrase stay the same.</p>
          {done && (
            <p className="field-ok" role="status">
              Passphrase changed. Use the new one from now on.
            </p>
          )}
          <div className="actions actions-start">
            <button
              type="button"
              className="button"
              onClick={() => {
                setOpen(true);
                setDone(false);
              }}
            >
              Change passphrase
            </button>
          </div>
        </>
      ) : (
        <form className="stack-tight" onSubmit={(event) => void submit(event)}>
          <label htmlFor="current-passphrase">Current passphrase</label>
          <PassphraseInput id="current-passphrase" value={current} onChange={setCurrent} autoComplete="current-password" autoFocus disabled={busy} />
          <label htmlFor="next-passphrase">New passphrase</label>
          <PassphraseInput
            id="next-passphrase"
            value={next}
            onChange={setNext}
            autoComplete="new-password"
            invalid={problems.passphrase !== undefined || same}
            disabled={busy}
          />
          {problems.passphrase && <p className="field-error">{problems.passphrase}</p>}
          {same && <p className="field-error">The new passphrase is the same as the current one.</p>}
          <label htmlFor="confirm-next-passphrase">New passphrase again</label>
          <PassphraseInput
            id="confirm-next-passphrase"
            value={confirm}
            onChange={setConfirm}
            autoComplete="new-password"
            invalid={problems.confirm !== undefined}
            disabled={busy}
          />
          {problems.confirm && <p className="field-error">{problems.confirm}</p>}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <div className="actions actions-start">
            <button type="submit" className="button primary" disabled={!ready}>
              {busy ? 'Re-encrypting…' : 'Change passphrase'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                reset();
                setOpen(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
