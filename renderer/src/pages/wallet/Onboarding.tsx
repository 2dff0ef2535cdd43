import { useState, type FormEvent, type ReactElement } from 'react';
import type { WalletStatus } from '../../../../shared/wallet.ts';
import { Card } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { PassphraseInput } from '../../components/Passphrase.tsx';
import { Callout, PhraseGrid, phraseWords } from '../../components/Wallet.tsx';
import { describeError, refusal } from '../../errors.ts';
import { useClient } from '../../hooks.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { setBackupPending } from './data.ts';
import { newPassphraseProblems, phraseProblem, pickCheckPositions, privateKeyProblem, sameWord } from './passphrase-rules.ts';

/**
 * No wallet yet: create one (passphrase, then the mandatory backup of the
 * recovery phrase, checked by asking two of its words back) or import one.
 *
 * The phrase lives only in this component's state, and only for the backup
 * and check steps: finishing drops it, and so does leaving the page (the
 * component unmounts). It never goes into a store.
 */
type Step =
  | { kind: 'choose' }
  | { kind: 'create' }
  | { kind: 'import' }
  /** Created, but the phrase could not be shown: ask for the passphrase again. */
  | { kind: 'reveal' }
  | { kind: 'backup'; words: string[] }
  | { kind: 'verify'; words: string[]; positions: [number, number] };

/**
 * `hold(true)`: keep showing this flow even once the wallet exists (creating
 * leaves it unlocked, and the backup must come first); `hold(false)`: done.
 */
export function Onboarding({ hold }: { hold: (held: boolean) => void }): ReactElement {
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const keychain = useWalletStore((state) => state.status?.keychain);

  switch (step.kind) {
    case 'choose':
      return <Choose onCreate={() => setStep({ kind: 'create' })} onImport={() => setStep({ kind: 'import' })} />;
    case 'create':
      return (
        <CreateForm
          keychain={keychain}
          onBack={() => setStep({ kind: 'choose' })}
          hold={hold}
          onPhrase={(phrase) => setStep(phrase === undefined ? { kind: 'reveal' } : { kind: 'backup', words: phraseWords(phrase) })}
        />
      );
    case 'reveal':
      return <RevealAfterCreate onPhrase={(phrase) => setStep({ kind: 'backup', words: phraseWords(phrase) })} />;
    case 'import':
      return <ImportForm onBack={() => setStep({ kind: 'choose' })} />;
    case 'backup':
      return <BackupWords words={step.words} onNext={() => setStep({ kind: 'verify', words: step.words, positions: pickCheckPositions(step.words.length) })} />;
    case 'verify':
      return (
        <VerifyWords
          words={step.words}
          positions={step.positions}
          onBack={() => setStep({ kind: 'backup', words: step.words })}
          onDone={() => {
            setBackupPending(null);
            setStep({ kind: 'choose' }); // drops the words
            hold(false);
          }}
        />
      );
  }
}

function Choose({ onCreate, onImport }: { onCreate: () => void; onImport: () => void }): ReactElement {
  return (
    <Card className="onboarding">
      <div className="onboarding-intro">
        <h2>Set up the wallet that receives your earnings</h2>
        <p className="muted">
          It is self-custody: the key is made and kept on this computer, encrypted with a passphrase you choose. Hearth has no account, no server copy
          and no way to reset it — you stay in control, and you keep the backup.
        </p>
      </div>
      <div className="choice-grid">
        <button type="button" className="choice" onClick={onCreate}>
          <span className="choice-icon">
            <Icon.plus />
          </span>
          <strong>Create a new wallet</strong>
          <span className="muted small">Hearth makes a new key here. You will write down a recovery phrase of 12 or 24 words.</span>
        </button>
        <button type="button" className="choice" onClick={onImport}>
          <span className="choice-icon">
            <Icon.key />
          </span>
          <strong>Import a wallet</strong>
          <span className="muted small">Use a recovery phrase or a private key you already have.</span>
        </button>
      </div>
    </Card>
  );
}

function Steps({ current }: { current: 1 | 2 | 3 }): ReactElement {
  const labels = ['Passphrase', 'Write down the words', 'Check the words'];
  return (
    <ol className="steps" aria-label="Steps">
      {labels.map((label, index) => (
        <li key={label} className={index + 1 === current ? 'current' : index + 1 < current ? 'done' : undefined} aria-current={index + 1 === current ? 'step' : undefined}>
          <span className="step-number">{index + 1 < current ? <Icon.check size={13} /> : index + 1}</span>
          {label}
        </li>
      ))}
    </ol>
  );
}

function CreateForm({
  keychain,
  onBack,
  hold,
  onPhrase,
}: {
  keychain: WalletStatus['keychain'] | undefined;
  onBack: () => void;
  hold: (held: boolean) => void;
  onPhrase: (phrase: string | undefined) => void;
}): ReactElement {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [words, setWords] = useState<12 | 24>(12);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const problems = newPassphraseProblems(passphrase, confirm);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!problems.ok || busy) return;
    setError(undefined);
    setBusy('Creating and encrypting your wallet…');
    let created = false;
    hold(true); // before the call: its wallet.changed event may arrive before its answer
    try {
      const status = await client.call('wallet.create', { passphrase, words });
      created = true;
      if (status.address) setBackupPending(status.address);
      setBusy('Preparing your recovery phrase…');
      const { phrase } = await client.call('wallet.exportPhrase', { passphrase });
      setPassphrase('');
      setConfirm('');
      onPhrase(phrase);
    } catch (failure) {
      if (created) {
        // The wallet exists; only showing the words failed. The backup step asks for the passphrase again.
        setPassphrase('');
        setConfirm('');
        onPhrase(undefined);
        return;
      }
      hold(false);
      setError(refusal(failure) === 'exists' ? 'A wallet already exists on this computer: reload the page to see it.' : describeError(failure));
      setBusy(undefined);
    }
  };

  return (
    <Card className="onboarding">
      <Steps current={1} />
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <div className="onboarding-intro">
          <h2>Choose a passphrase</h2>
          <p className="muted">
            The passphrase encrypts your wallet's key on this computer. You type it to unlock the wallet, to send money and to show the recovery phrase.
            Hearth never stores it and cannot reset it. If you forget it, the recovery phrase (next step) is the only way back in.
          </p>
          {keychain?.description && <p className="muted small">{keychain.description}</p>}
        </div>
        <div className="form-field">
          <label htmlFor="new-passphrase">Passphrase</label>
          <PassphraseInput
            id="new-passphrase"
            value={passphrase}
            onChange={setPassphrase}
            autoComplete="new-password"
            autoFocus
            invalid={problems.passphrase !== undefined}
            describedBy="new-passphrase-help"
            disabled={busy !== undefined}
          />
          <p id="new-passphrase-help" className={problems.passphrase ? 'field-error' : 'muted small'}>
            {problems.passphrase ?? 'At least 8 characters. A few unrelated words are strong and easy to type.'}
          </p>
        </div>
        <div className="form-field">
          <label htmlFor="confirm-passphrase">Type it again</label>
          <PassphraseInput
            id="confirm-passphrase"
            value={confirm}
            onChange={setConfirm}
            autoComplete="new-password"
            invalid={problems.confirm !== undefined}
            describedBy="confirm-passphrase-help"
            disabled={busy !== undefined}
          />
          {problems.confirm && (
            <p id="confirm-passphrase-help" className="field-error">
              {problems.confirm}
            </p>
          )}
        </div>
        <div className="form-field">
          <span className="label" id="words-label">
            Recovery phrase length
          </span>
          <div className="segmented" role="radiogroup" aria-labelledby="words-label">
            {([12, 24] as const).map((count) => (
              <button
                key={count}
                type="button"
                role="radio"
                aria-checked={words === count}
                className={words === count ? 'selected' : undefined}
                disabled={busy !== undefined}
                onClick={() => setWords(count)}
              >
                {count} words
              </button>
            ))}
          </div>
          <p className="muted small">12 words are plenty; choose 24 if another wallet of yours expects it.</p>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button" onClick={onBack} disabled={busy !== undefined}>
            Back
          </button>
          <button type="submit" className="button primary" disabled={!problems.ok || busy !== undefined}>
            {busy ?? 'Create wallet'}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** Shown only if the wallet was created but its phrase could not be fetched right after. */
function RevealAfterCreate({ onPhrase }: { onPhrase: (phrase: string) => void }): ReactElement {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { phrase } = await client.call('wallet.exportPhrase', { passphrase });
      setPassphrase('');
      onPhrase(phrase);
    } catch (failure) {
      setError(refusal(failure) === 'wrong_passphrase' ? 'That passphrase is wrong. It is the one you just chose.' : describeError(failure));
      setBusy(false);
    }
  };
  return (
    <Card className="onboarding">
      <Steps current={2} />
      <form className="stack" onSubmit={(event) => void submit(event)}>
        <div className="onboarding-intro">
          <h2>Your wallet is created — now back it up</h2>
          <p className="muted">The recovery phrase could not be shown yet. Enter the passphrase you just chose to see it.</p>
        </div>
        <div className="form-field">
          <label htmlFor="reveal-passphrase">Passphrase</label>
          <PassphraseInput id="reveal-passphrase" value={passphrase} onChange={setPassphrase} autoComplete="current-password" autoFocus disabled={busy} />
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={passphrase === '' || busy}>
            {busy ? 'Checking…' : 'Show recovery phrase'}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function PhraseWarning(): ReactElement {
  return (
    <Callout tone="danger" title="Write these words down, in order, on paper">
      <p>
        Anyone who has them can take your money — never type them into a website, a chat or a screenshot. Hearth cannot recover them: if this
        computer is lost or you forget your passphrase, these words are the only way back to your wallet.
      </p>
    </Callout>
  );
}

function BackupWords({ words, onNext }: { words: string[]; onNext: () => void }): ReactElement {
  return (
    <Card className="onboarding">
      <Steps current={2} />
      <div className="stack">
        <div className="onboarding-intro">
          <h2>Your recovery phrase</h2>
          <p className="muted">Your wallet is created. These {words.length} words restore it on any computer, in Hearth or any standard wallet.</p>
        </div>
        <PhraseWarning />
        <PhraseGrid words={words} />
        <div className="actions">
          <button type="button" className="button primary" onClick={onNext}>
            I have written them down
          </button>
        </div>
      </div>
    </Card>
  );
}

function VerifyWords({
  words,
  positions,
  onBack,
  onDone,
}: {
  words: string[];
  positions: [number, number];
  onBack: () => void;
  onDone: () => void;
}): ReactElement {
  return (
    <Card className="onboarding">
      <Steps current={3} />
      <div className="stack">
        <div className="onboarding-intro">
          <h2>Check your copy</h2>
          <p className="muted">From what you wrote down — not from memory — type these two words. This makes sure your copy is complete and in order.</p>
        </div>
        <WordCheck words={words} positions={positions} onBack={onBack} onDone={onDone} doneLabel="Finish" />
      </div>
    </Card>
  );
}

/** Asks two words of the phrase back, by number. */
export function WordCheck({
  words,
  positions,
  onBack,
  onDone,
  doneLabel,
}: {
  words: readonly string[];
  positions: [number, number];
  onBack: () => void;
  onDone: () => void;
  doneLabel: string;
}): ReactElement {
  const [answers, setAnswers] = useState<[string, string]>(['', '']);
  const [wrong, setWrong] = useState<number[]>([]);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const mismatched = positions.filter((position, index) => !sameWord(answers[index] ?? '', words[position] ?? ''));
    if (mismatched.length === 0) {
      setAnswers(['', '']);
      onDone();
    } else {
      setWrong(mismatched);
    }
  };
  return (
    <form className="stack" onSubmit={submit} autoComplete="off" aria-label="Check the recovery phrase">
      <div className="verify-grid">
        {positions.map((position, index) => (
          <div className="form-field" key={position}>
            <label htmlFor={`check-word-${index}`}>Word #{position + 1}</label>
            <input
              id={`check-word-${index}`}
              type="text"
              value={answers[index]}
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              maxLength={32}
              aria-invalid={wrong.includes(position)}
              onChange={(event) => {
                const next: [string, string] = [...answers];
                next[index] = event.target.value;
                setAnswers(next);
                setWrong(wrong.filter((item) => item !== position));
              }}
            />
          </div>
        ))}
      </div>
      {wrong.length > 0 && (
        <p className="field-error" role="alert">
          {wrong.length === 1 ? 'Word' : 'Words'} {wrong.map((position) => `#${position + 1}`).join(' and ')} {wrong.length === 1 ? 'does' : 'do'} not
          match. Look at your copy again, or go back to see the words.
        </p>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onBack}>
          Show the words again
        </button>
        <button type="submit" className="button primary" disabled={answers.some((answer) => answer.trim() === '')}>
          {doneLabel}
        </button>
      </div>
    </form>
  );
}

function ImportForm({ onBack }: { onBack: () => void }): ReactElement {
  const client = useClient();
  const [mode, setMode] = useState<'phrase' | 'key'>('phrase');
  const [secret, setSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const problems = newPassphraseProblems(passphrase, confirm);
  const secretProblem = mode === 'phrase' ? phraseProblem(secret) : privateKeyProblem(secret);
  const ready = secret.trim() !== '' && secretProblem === undefined && problems.ok && !busy;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'phrase') {
        await client.call('wallet.importPhrase', { phrase: secret.trim().split(/\s+/u).join(' ').toLowerCase(), passphrase });
      } else {
        await client.call('wallet.importKey', { privateKey: secret.trim(), passphrase });
      }
      setBackupPending(null);
      // The wallet is unlocked now: the page shows it, and this form (with the secret) goes away.
      setSecret('');
      setPassphrase('');
      setConfirm('');
    } catch (failure) {
      const reason = refusal(failure);
      setError(
        reason === 'invalid_phrase'
          ? 'That is not a valid recovery phrase: a word is misspelt, missing or out of order (its checksum does not match).'
          : reason === 'invalid_key'
            ? 'That is not a valid private key.'
            : reason === 'exists'
              ? 'A wallet already exists on this computer: reload the page to see it.'
              : describeError(failure),
      );
      setBusy(false);
    }
  };

  return (
    <Card className="onboarding">
      <form className="stack" onSubmit={(event) => void submit(event)} autoComplete="off">
        <div className="onboarding-intro">
          <h2>Import a wallet</h2>
          <p className="muted">
            Restore a wallet you already have. It is stored encrypted on this computer with the passphrase below; the phrase or key never leaves it.
          </p>
        </div>
        <div className="segmented" role="radiogroup" aria-label="Import from">
          {(
            [
              ['phrase', 'Recovery phrase'],
              ['key', 'Private key'],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={mode === value}
              className={mode === value ? 'selected' : undefined}
              disabled={busy}
              onClick={() => {
                setMode(value);
                setSecret('');
                setError(undefined);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        {mode === 'phrase' ? (
          <div className="form-field">
            <label htmlFor="import-phrase">Recovery phrase</label>
            <textarea
              id="import-phrase"
              className="mono"
              rows={3}
              value={secret}
              maxLength={1000}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="off"
              autoCorrect="off"
              placeholder="word1 word2 word3 …"
              aria-invalid={secretProblem !== undefined}
              disabled={busy}
              onChange={(event) => setSecret(event.target.value)}
            />
            <p className={secretProblem ? 'field-error' : 'muted small'}>{secretProblem ?? 'The words separated by spaces, in order. The first account of the phrase is used.'}</p>
          </div>
        ) : (
          <div className="form-field">
            <label htmlFor="import-key">Private key</label>
            <PassphraseInput id="import-key" value={secret} onChange={setSecret} autoComplete="off" invalid={secretProblem !== undefined} disabled={busy} placeholder="0x…" />
            <p className={secretProblem ? 'field-error' : 'muted small'}>
              {secretProblem ?? 'A wallet imported from a key has no recovery phrase: keep your own backup of the key.'}
            </p>
          </div>
        )}
        <div className="form-row-2">
          <div className="form-field">
            <label htmlFor="import-passphrase">New passphrase for this computer</label>
            <PassphraseInput id="import-passphrase" value={passphrase} onChange={setPassphrase} autoComplete="new-password" invalid={problems.passphrase !== undefined} disabled={busy} />
            {problems.passphrase && <p className="field-error">{problems.passphrase}</p>}
          </div>
          <div className="form-field">
            <label htmlFor="import-confirm">Type it again</label>
            <PassphraseInput id="import-confirm" value={confirm} onChange={setConfirm} autoComplete="new-password" invalid={problems.confirm !== undefined} disabled={busy} />
            {problems.confirm && <p className="field-error">{problems.confirm}</p>}
          </div>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button" onClick={onBack} disabled={busy}>
            Back
          </button>
          <button type="submit" className="button primary" disabled={!ready}>
            {busy ? 'Importing and encrypting…' : 'Import wallet'}
          </button>
        </div>
      </form>
    </Card>
  );
}
