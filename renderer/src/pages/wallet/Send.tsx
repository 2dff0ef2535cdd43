import { useState, type FormEvent, type ReactElement } from 'react';
import type { Balances, ChainTxView, WalletStatus, WithdrawalQuote } from '../../../../shared/wallet.ts';
import { shortHex } from '../../address.ts';
import { Card } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { PassphraseInput } from '../../components/Passphrase.tsx';
import { AddressText, Amount, Callout } from '../../components/Wallet.tsx';
import { describeError, refusal } from '../../errors.ts';
import { useClient } from '../../hooks.ts';
import { toDecimalInput } from '../../money-input.ts';
import { checkAmount, checkRecipient, formatAsset, nativeAsset, tokenAsset, type AssetInfo } from './assets.ts';
import type { Polled } from './data.ts';

type Asset = 'token' | 'native';
type Request = { asset: Asset; to: `0x${string}`; amount: bigint | 'max' };

/**
 * Withdraw to any address: asset, recipient (checked as typed, EIP-55
 * included), an exact amount; "Review" asks the node for the real fee; only
 * then the passphrase and Send.
 */
export function SendCard({ status, balances }: { status: WalletStatus; balances: Polled<Balances> }): ReactElement {
  const client = useClient();
  const network = status.network;
  const token = tokenAsset(network);
  const native = nativeAsset(network);

  const [asset, setAsset] = useState<Asset>(token ? 'token' : 'native');
  const [to, setTo] = useState('');
  const [toFocused, setToFocused] = useState(false);
  const [amountText, setAmountText] = useState('');
  /** "Max" of the native coin: everything minus the most the fee can be (the review quotes it, and exactly that is sent). */
  const [max, setMax] = useState(false);
  const [phase, setPhase] = useState<'edit' | 'quoting' | 'review' | 'sending'>('edit');
  const [review, setReview] = useState<{ request: Request; quote: WithdrawalQuote } | undefined>();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState<ChainTxView | undefined>();

  const chosen: Asset = asset === 'token' && !token ? 'native' : asset;
  const info: AssetInfo = chosen === 'token' && token ? token : native;
  const balance = chosen === 'token' ? balances.value?.token : balances.value?.native;
  const recipient = checkRecipient(to, { complete: !toFocused, own: status.address, network });
  const amount = checkAmount(amountText, info, balance);
  /** The form can be changed only before review: what is reviewed is what is sent. */
  const editing = phase === 'edit';
  const canReview = network !== null && recipient.kind === 'ok' && amount.kind === 'ok' && phase === 'edit';

  const edit = (): void => {
    setPhase('edit');
    setReview(undefined);
    setPassphrase('');
    setError(undefined);
  };

  /** Explains a refused quote in the asset's units (the node's messages count base units). */
  const explain = async (failure: unknown, request: Request): Promise<string> => {
    const reason = refusal(failure);
    if (reason === 'insufficient_gas') return `Not enough ${native.symbol} to pay the network fee. Add some ${native.symbol} to this wallet first.`;
    if (reason === 'insufficient_balance' && request.asset === 'native') {
      try {
        const most = await client.call('wallet.quoteWithdrawal', { asset: 'native', to: request.to, amount: 'max' });
        return `With the network fee (up to ${formatAsset(most.maxFee, native)}), you can send at most ${formatAsset(most.amount, native)}. Use Max to send everything.`;
      } catch {
        return `Your ${native.symbol} balance does not cover the network fee.`;
      }
    }
    if (reason === 'insufficient_balance') return `That is more than your ${info.symbol} balance.`;
    return describeError(failure);
  };

  const fillMax = async (): Promise<void> => {
    setError(undefined);
    if (chosen === 'token') {
      if (typeof balance === 'bigint') setAmountText(toDecimalInput(balance, info.decimals));
      setMax(false);
      return;
    }
    // The fee (and so the most that can be sent) depends on the recipient.
    if (recipient.kind !== 'ok') return;
    try {
      const quote = await client.call('wallet.quoteWithdrawal', { asset: 'native', to: recipient.address, amount: 'max' });
      setAmountText(toDecimalInput(quote.amount, native.decimals));
      setMax(true);
    } catch (failure) {
      setError(refusal(failure) === 'insufficient_balance' ? `Your ${native.symbol} balance does not cover the network fee: there is nothing to send.` : describeError(failure));
    }
  };

  const submitReview = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!canReview || recipient.kind !== 'ok' || amount.kind !== 'ok') return;
    const request: Request = { asset: chosen, to: recipient.address, amount: max && chosen === 'native' ? 'max' : amount.value };
    setPhase('quoting');
    setError(undefined);
    setSent(undefined);
    try {
      const quote = await client.call('wallet.quoteWithdrawal', request);
      setReview({ request, quote });
      setPhase('review');
    } catch (failure) {
      setError(await explain(failure, request));
      setPhase('edit');
    }
  };

  const send = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!review || passphrase === '' || phase !== 'review') return;
    setPhase('sending');
    setError(undefined);
    try {
      // Exactly what was reviewed: the quoted amount (also for Max), and refused if the fee would now be higher than shown.
      const tx = await client.call('wallet.withdraw', {
        asset: review.request.asset,
        to: review.request.to,
        amount: review.quote.amount,
        maxFee: review.quote.maxFee,
        passphrase,
      });
      setSent(tx);
      setTo('');
      setAmountText('');
      setMax(false);
      edit();
      balances.refresh();
    } catch (failure) {
      setPassphrase('');
      if (refusal(failure) === 'wrong_passphrase') {
        setError('Wrong passphrase: nothing was sent.');
        setPhase('review');
      } else if (refusal(failure) === 'fee_changed') {
        setReview(undefined);
        setPhase('edit');
        setError('The network fee rose after your review, so nothing was sent. Review again to see the new fee.');
      } else if (refusal(failure) !== undefined) {
        // Refused: the node checked and signed nothing.
        setError(`Nothing was sent: ${lowerFirst(await explain(failure, review.request))}`);
        setPhase('review');
      } else {
        // Anything else may have happened after signing: say so rather than guess.
        setError(`Sending failed: ${lowerFirst(describeError(failure))} Check Transactions below before trying again.`);
        setPhase('review');
      }
    }
  };

  if (network === null) {
    return (
      <Card title="Send">
        <p className="muted">Sending needs the chain: connecting…</p>
      </Card>
    );
  }

  return (
    <Card title="Send" className="send-card">
      {sent && (
        <Callout tone="ok" title="Sent" onDismiss={() => setSent(undefined)}>
          <p>
            {formatAsset(sent.amount, sent.asset === 'token' && token ? token : native)} to <span className="mono">{shortHex(sent.to, 8, 6)}</span> — transaction{' '}
            <span className="mono">{shortHex(sent.hash, 10, 8)}</span>. Follow it under Transactions until it is confirmed.
          </p>
        </Callout>
      )}
      <form className="stack" onSubmit={(event) => void submitReview(event)} autoComplete="off" aria-label="Send">
        <div className="form-field">
          <span className="label" id="send-asset-label">
            Asset
          </span>
          <div className="segmented" role="radiogroup" aria-labelledby="send-asset-label">
            {(token ? (['token', 'native'] as const) : (['native'] as const)).map((value) => {
              const label = value === 'token' && token ? token.symbol : native.symbol;
              return (
                <button
                  key={value}
                  type="button"
                  role="radio"
                  aria-checked={chosen === value}
                  className={chosen === value ? 'selected' : undefined}
                  disabled={!editing}
                  onClick={() => {
                    if (value === chosen) return;
                    setAsset(value);
                    setAmountText('');
                    setMax(false);
                    setError(undefined);
                  }}
                >
                  {label}
                </button>
              );
            })}
          </div>
        </div>
        <div className="form-field">
          <label htmlFor="send-to">Recipient address</label>
          <input
            id="send-to"
            type="text"
            className="mono input-wide"
            value={to}
            placeholder="0x…"
            maxLength={80}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            readOnly={!editing}
            aria-invalid={recipient.kind === 'error'}
            aria-describedby="send-to-help"
            onFocus={() => setToFocused(true)}
            onBlur={() => setToFocused(false)}
            onChange={(event) => {
              setTo(event.target.value);
              setError(undefined);
            }}
          />
          <div id="send-to-help">
            {recipient.kind === 'error' ? (
              <p className="field-error">{recipient.message}</p>
            ) : recipient.kind === 'ok' ? (
              <>
                <p className="field-ok">
                  <Icon.check size={13} /> {recipient.note}
                </p>
                {recipient.warning && <p className="field-warn">{recipient.warning}</p>}
              </>
            ) : (
              <p className="muted small">A {network.name} address (0x followed by 40 characters). Paste it rather than typing it.</p>
            )}
          </div>
        </div>
        <div className="form-field">
          <label htmlFor="send-amount">Amount</label>
          <div className="field-row amount-row">
            <div className="input-unit">
              <input
                id="send-amount"
                type="text"
                inputMode="decimal"
                className="mono"
                value={amountText}
                placeholder="0.00"
                maxLength={100}
                readOnly={!editing}
                aria-invalid={amount.kind === 'error'}
                aria-describedby="send-amount-help"
                onChange={(event) => {
                  setAmountText(event.target.value);
                  setMax(false);
                  setError(undefined);
                }}
              />
              <span className="unit">{info.symbol}</span>
            </div>
            <button
              type="button"
              className="button"
              onClick={() => void fillMax()}
              disabled={!editing || balance === undefined || balance === null || (chosen === 'native' && recipient.kind !== 'ok')}
              title={chosen === 'native' && recipient.kind !== 'ok' ? 'Enter the recipient first: the network fee depends on it' : undefined}
            >
              Max
            </button>
          </div>
          <div id="send-amount-help">
            {amount.kind === 'error' ? (
              <p className="field-error">{amount.message}</p>
            ) : (
              <p className="muted small">
                Available:{' '}
                {typeof balance === 'bigint' ? <Amount value={balance} decimals={info.decimals} symbol={info.symbol} /> : '…'}
                {max && chosen === 'native' ? ' · Max: everything minus the most the network fee can be.' : ''}
                {chosen === 'native' && recipient.kind !== 'ok' ? ' · Max works once the recipient is entered.' : ''}
                {chosen === 'token' ? ` · The network fee is paid in ${native.symbol}.` : ''}
              </p>
            )}
          </div>
        </div>
        {error && phase !== 'review' && phase !== 'sending' && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {(phase === 'edit' || phase === 'quoting') && (
          <div className="actions actions-start">
            <button type="submit" className="button primary" disabled={!canReview}>
              {phase === 'quoting' ? 'Getting the fee…' : 'Review'}
            </button>
          </div>
        )}
      </form>
      {review && (phase === 'review' || phase === 'sending') && (
        <Review
          review={review}
          token={token}
          native={native}
          networkName={`${network.name} (chain ID ${network.chainId})`}
          passphrase={passphrase}
          setPassphrase={setPassphrase}
          sending={phase === 'sending'}
          error={error}
          onEdit={edit}
          onSend={(event) => void send(event)}
        />
      )}
    </Card>
  );
}

function Review({
  review,
  token,
  native,
  networkName,
  passphrase,
  setPassphrase,
  sending,
  error,
  onEdit,
  onSend,
}: {
  review: { request: Request; quote: WithdrawalQuote };
  token: AssetInfo | undefined;
  native: AssetInfo;
  networkName: string;
  passphrase: string;
  setPassphrase: (value: string) => void;
  sending: boolean;
  error: string | undefined;
  onEdit: () => void;
  onSend: (event: FormEvent) => void;
}): ReactElement {
  const { quote, request } = review;
  const info = quote.asset === 'token' && token ? token : native;
  return (
    <form className="review" onSubmit={onSend} aria-label="Review and send" data-testid="send-review">
      <h3>Check before you send</h3>
      <dl className="facts review-facts">
        <dt>You send</dt>
        <dd>
          <Amount value={quote.amount} decimals={info.decimals} symbol={info.symbol} className="amount-strong" />
          {request.amount === 'max' && <span className="muted small"> · everything, minus the most the network fee can be</span>}
        </dd>
        <dt>To</dt>
        <dd>
          <AddressText address={quote.to} />
        </dd>
        <dt>Network</dt>
        <dd>{networkName}</dd>
        <dt>Network fee</dt>
        <dd>
          up to <Amount value={quote.maxFee} decimals={native.decimals} symbol={native.symbol} />
          <span className="muted small"> · usually less; paid to the network, not to Hearth</span>
        </dd>
        {quote.asset === 'native' && (
          <>
            <dt>Total</dt>
            <dd>
              up to <Amount value={quote.amount + quote.maxFee} decimals={native.decimals} symbol={native.symbol} />
            </dd>
          </>
        )}
      </dl>
      <p className="muted small">A sent transaction cannot be undone or recalled. Make sure the address is the one you mean.</p>
      <div className="form-field">
        <label htmlFor="send-passphrase">Passphrase</label>
        <div className="field-row">
          <PassphraseInput
            id="send-passphrase"
            value={passphrase}
            onChange={setPassphrase}
            autoComplete="current-password"
            autoFocus
            invalid={error !== undefined}
            disabled={sending}
          />
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onEdit} disabled={sending}>
          Edit
        </button>
        <button type="submit" className="button primary" disabled={passphrase === '' || sending}>
          <Icon.send /> {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
