import { useState, type ReactElement } from 'react';
import type { Earnings as EarningsShape, WalletStatus } from '../../../shared/wallet.ts';
import { Card, EmptyState, PageHeader } from '../components/Layout.tsx';
import { Icon } from '../components/Icons.tsx';
import { AddressText, Amount, Callout, CopyButton } from '../components/Wallet.tsx';
import { describeError, refusal } from '../errors.ts';
import { formatDuration, formatWhen } from '../format.ts';
import { useClient, useNow } from '../hooks.ts';
import { useNodeStore } from '../stores/node.ts';
import { useRouter } from '../stores/router.ts';
import { useWalletStore } from '../stores/wallet.ts';
import { formatAsset, tokenAsset, type AssetInfo } from './wallet/assets.ts';
import { useEarnings } from './wallet/data.ts';
import { shortHex } from '../address.ts';

const SUBTITLE = 'What payers owe you, backed by signed vouchers, and what you have claimed on chain.';
/** Amounts of a token whose decimals are not known are shown as they are: base units. */
const BASE_UNITS: AssetInfo = { symbol: 'base units', decimals: 0 };

export function Earnings(): ReactElement {
  const status = useWalletStore((state) => state.status);
  const navigate = useRouter((state) => state.navigate);
  const ready = status !== undefined && (status.state === 'locked' || status.state === 'unlocked') && Boolean(status.network?.escrow);
  const earnings = useEarnings(ready);

  let body: ReactElement;
  if (!status) {
    body = (
      <Card>
        <p className="muted">Reading your wallet…</p>
      </Card>
    );
  } else if (status.state === 'none' || status.state === 'unreadable') {
    body = (
      <Card>
        <EmptyState icon={<Icon.wallet size={22} />} title={status.state === 'none' ? 'Set up a wallet to get paid' : 'Your wallet needs attention'}>
          <p>
            {status.state === 'none'
              ? 'Payers pay this node through an escrow, to your wallet address. Create or import a wallet first; earnings then appear here.'
              : 'Hearth cannot read your wallet key file. The Wallet page explains what to do.'}
          </p>
          <p>
            <button type="button" className="button primary" onClick={() => navigate('/wallet')}>
              Open Wallet
            </button>
          </p>
        </EmptyState>
      </Card>
    );
  } else if (status.network === null) {
    body = (
      <Card>
        <p className="muted">{status.problem ?? 'Connecting to the chain…'}</p>
      </Card>
    );
  } else if (status.network.escrow === null) {
    body = (
      <Card>
        <EmptyState icon={<Icon.earnings size={22} />} title="No payment network yet">
          <p>This chain has no escrow known to the node yet: the network announces it when the node joins. Earnings appear here from then on.</p>
        </EmptyState>
      </Card>
    );
  } else if (earnings.value === undefined) {
    body = (
      <Card>
        <p className={earnings.error ? 'field-error' : 'muted'}>{earnings.error ? `Earnings could not be read: ${earnings.error}` : 'Reading earnings…'}</p>
      </Card>
    );
  } else {
    body = <EarningsView status={status} earnings={earnings.value} error={earnings.error} refresh={earnings.refresh} />;
  }

  return (
    <>
      <PageHeader title="Earnings" subtitle={SUBTITLE} />
      {body}
    </>
  );
}

function EarningsView({ status, earnings, error, refresh }: { status: WalletStatus; earnings: EarningsShape; error: string | undefined; refresh: () => void }): ReactElement {
  const token = tokenAsset(status.network) ?? BASE_UNITS;
  const now = useNow(30_000);
  const totals = earnings.payers.reduce(
    (sum, payer) => ({ earned: sum.earned + payer.earned, claimed: sum.claimed + payer.claimed, unclaimed: sum.unclaimed + payer.unclaimed }),
    { earned: 0n, claimed: 0n, unclaimed: 0n },
  );
  const anyVouchers = earnings.payers.some((payer) => payer.vouchers > 0);
  return (
    <>
      {earnings.chainError && (
        <Callout tone="warn" title="The chain could not be read">
          <p data-testid="chain-error">{earnings.chainError}</p>
          <p className="muted small">Your vouchers are safe on this computer; amounts read from the chain (claimed, deposits) show again once it answers.</p>
        </Callout>
      )}
      {error && (
        <p className="field-error" role="alert">
          The last refresh failed: {error}
        </p>
      )}
      <Card className="earnings-summary">
        <div className="stat-grid" data-testid="earnings-totals">
          <Stat label="Earned" hint="the highest vouchers held">
            <Amount value={totals.earned} decimals={token.decimals} symbol={token.symbol} className="amount-large" />
          </Stat>
          <Stat label="Claimed on chain" hint={earnings.chainError ? 'unknown while the chain cannot be read' : 'paid out to your wallet'}>
            {earnings.chainError ? <span className="muted">unknown</span> : <Amount value={totals.claimed} decimals={token.decimals} symbol={token.symbol} className="amount-large" />}
          </Stat>
          <Stat label="Unclaimed" hint={earnings.chainError ? 'unknown while the chain cannot be read' : 'owed to you, claimable from escrow'} highlight>
            {earnings.chainError ? <span className="muted">unknown</span> : <Amount value={totals.unclaimed} decimals={token.decimals} symbol={token.symbol} className="amount-large" />}
          </Stat>
        </div>
        <ClaimBar status={status} earnings={earnings} token={token} onClaimed={refresh} />
        <AutoClaimStatus status={status} token={token} />
      </Card>
      {!anyVouchers && (
        <Card>
          <EmptyState icon={<Icon.earnings size={22} />} title="Nothing earned yet">
            <p>No vouchers yet: they arrive as your node completes paid jobs. Each one is a payer's signed promise of everything it owes you so far.</p>
          </EmptyState>
        </Card>
      )}
      {earnings.payers.map((payer) => (
        <Card key={`${payer.chainId}:${payer.escrow}:${payer.payer}`} className="payer-card">
          <div className="payer-head">
            <h2 className="card-title">Payer</h2>
            <span className="fact-address">
              <AddressText address={payer.payer} className="address-small" />
              <CopyButton text={payer.payer} label="Copy payer address" compact />
            </span>
          </div>
          {payer.withdrawal && (
            <Callout tone="warn" title="This payer is withdrawing from escrow">
              <p data-testid="withdrawal-announced">
                {formatAsset(payer.withdrawal.amount, token)} can leave the escrow from {formatWhen(payer.withdrawal.readyAt, now)}
                {payer.withdrawal.readyAt > now ? ` (in ${formatDuration(payer.withdrawal.readyAt - now)})` : ' (now)'}. Auto-claim claims what you are owed
                before then{status.state === 'locked' ? ' — but only while the wallet is unlocked, and it is locked now: unlock it.' : ', whatever your auto-claim setting.'}
              </p>
            </Callout>
          )}
          {!earnings.chainError && payer.unclaimed > payer.deposit && (
            <Callout tone="warn">
              <p>
                Only {formatAsset(payer.deposit, token)} of your {formatAsset(payer.unclaimed, token)} unclaimed is covered by the payer's deposit right now. The
                vouchers stay valid: the rest can be claimed after a top-up.
              </p>
            </Callout>
          )}
          <dl className="facts payer-facts" data-testid="payer-facts">
            <dt>Earned</dt>
            <dd>
              <Amount value={payer.earned} decimals={token.decimals} symbol={token.symbol} />
            </dd>
            <dt>Claimed on chain</dt>
            <dd>{earnings.chainError ? <span className="muted">unknown</span> : <Amount value={payer.claimed} decimals={token.decimals} symbol={token.symbol} />}</dd>
            <dt>Unclaimed</dt>
            <dd>
              {earnings.chainError ? <span className="muted">unknown</span> : <Amount value={payer.unclaimed} decimals={token.decimals} symbol={token.symbol} className="amount-strong" />}
            </dd>
            <dt>Deposit in escrow</dt>
            <dd data-testid="payer-deposit">
              {earnings.chainError ? <span className="muted">unknown</span> : <Amount value={payer.deposit} decimals={token.decimals} symbol={token.symbol} />}
              <span className="muted small"> · what this payer has set aside to pay providers</span>
            </dd>
            <dt>Announced withdrawal</dt>
            <dd>{payer.withdrawal ? `${formatAsset(payer.withdrawal.amount, token)}, from ${formatWhen(payer.withdrawal.readyAt, now)}` : <span className="muted">none</span>}</dd>
            <dt>Vouchers</dt>
            <dd>
              {payer.vouchers}
              {payer.lastVoucherAt !== null && <span className="muted small"> · last {formatWhen(payer.lastVoucherAt, now)}</span>}
            </dd>
            <dt>Escrow</dt>
            <dd className="fact-address">
              <span className="mono" title={payer.escrow}>
                {shortHex(payer.escrow, 8, 6)}
              </span>
              <span className="muted small">chain {payer.chainId}</span>
            </dd>
          </dl>
        </Card>
      ))}
    </>
  );
}

function Stat({ label, hint, highlight = false, children }: { label: string; hint: string; highlight?: boolean; children: ReactElement }): ReactElement {
  return (
    <div className={`stat${highlight ? ' stat-highlight' : ''}`}>
      <span className="label-small">{label}</span>
      {children}
      <span className="muted small">{hint}</span>
    </div>
  );
}

function ClaimBar({ status, earnings, token, onClaimed }: { status: WalletStatus; earnings: EarningsShape; token: AssetInfo; onClaimed: () => void }): ReactElement {
  const client = useClient();
  const navigate = useRouter((state) => state.navigate);
  const transactions = useWalletStore((state) => state.transactions);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const openClaim = transactions?.find((tx) => tx.kind === 'claim' && (tx.state === 'signed' || tx.state === 'sent' || tx.state === 'mined'));
  const claimable = earnings.payers.filter((payer) => payer.unclaimed > 0n);
  const anyVouchers = earnings.payers.some((payer) => payer.vouchers > 0);

  const reason =
    status.state !== 'unlocked'
      ? 'Unlock the wallet to claim: claims are signed with its key.'
      : earnings.chainError
        ? 'The chain cannot be read right now, so nothing can be claimed.'
        : openClaim
          ? 'A claim is on its way: it waits for confirmation on the Wallet page.'
          : claimable.length === 0
            ? anyVouchers
              ? 'Everything earned has been claimed.'
              : 'Nothing to claim yet: no vouchers have arrived.'
            : claimable.every((payer) => payer.deposit === 0n)
              ? "The payer's deposit is empty: your vouchers stay valid and can be claimed after a top-up."
              : undefined;

  const claim = async (): Promise<void> => {
    setBusy(true);
    setResult(undefined);
    try {
      // One escrow and payer per network: the node claims everything it owes.
      const tx = await client.call('wallet.claim');
      setResult({
        ok: true,
        text: `Claim sent: ${formatAsset(tx.amount, token)} (transaction ${shortHex(tx.hash, 10, 8)}). It shows under Transactions on the Wallet page until confirmed.`,
      });
    } catch (failure) {
      const why = refusal(failure);
      const text =
        why === 'insufficient_gas'
          ? `Not enough ${status.network?.nativeSymbol ?? 'ETH'} in the wallet to pay the network fee for the claim.`
          : why === 'deposit_empty'
            ? "The payer's deposit is empty: your vouchers stay valid and can be claimed after a top-up."
            : why === 'nothing_to_claim'
              ? 'Everything earned has been claimed already.'
              : describeError(failure);
      setResult({ ok: false, text });
    } finally {
      setBusy(false);
      onClaimed();
    }
  };

  return (
    <div className="claim-bar">
      <div className="claim-actions">
        <button type="button" className="button primary" disabled={reason !== undefined || busy} onClick={() => void claim()} aria-describedby="claim-reason">
          {busy ? 'Claiming…' : 'Claim now'}
        </button>
        {status.state !== 'unlocked' && (
          <button type="button" className="button" onClick={() => navigate('/wallet')}>
            <Icon.lock /> Unlock wallet
          </button>
        )}
      </div>
      {reason && (
        <p id="claim-reason" className="muted small" data-testid="claim-reason">
          {reason}
        </p>
      )}
      {result && (
        <p className={result.ok ? 'field-ok' : 'field-error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </div>
  );
}

function AutoClaimStatus({ status, token }: { status: WalletStatus; token: AssetInfo }): ReactElement | null {
  const settings = useNodeStore((state) => state.settings);
  const navigate = useRouter((state) => state.navigate);
  if (!settings) return null;
  const threshold = BigInt(settings.autoClaimThreshold);
  return (
    <div className="auto-claim" data-testid="auto-claim-status">
      <span className={`pill ${settings.autoClaim ? 'pill-ok' : 'pill-muted'}`}>Auto-claim {settings.autoClaim ? 'on' : 'off'}</span>
      <span className="muted small">
        {settings.autoClaim
          ? `Hearth claims by itself once your unclaimed earnings reach ${formatAsset(threshold, token)}, and always before a payer's announced withdrawal.`
          : "Claim here when you like. Hearth still claims by itself before a payer's announced withdrawal."}
        {status.state !== 'unlocked' && ' It can only while the wallet is unlocked.'}{' '}
        <button type="button" className="link-button" onClick={() => navigate('/settings')}>
          Change in Settings
        </button>
      </span>
    </div>
  );
}
