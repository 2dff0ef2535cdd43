import type { ReactElement } from 'react';
import { Card, EmptyState } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { Amount, Callout } from '../../components/Wallet.tsx';
import { useNetworkStore } from '../../stores/network.ts';
import { useRouter } from '../../stores/router.ts';
import { formatClock } from '../jobs/describe.ts';
import { usePriceAsset } from '../network/asset.ts';

const count = new Intl.NumberFormat();

/** What completed jobs earned, exact and live: how much vouchers cover, what waits for one, the last hour. */
export function EarningCard(): ReactElement {
  const summary = useNetworkStore((state) => state.summary);
  const status = useNetworkStore((state) => state.status);
  const navigate = useRouter((state) => state.navigate);
  const asset = usePriceAsset();
  const noWallet = status !== undefined && status.payee === null;
  const nothingYet = summary !== undefined && summary.completed === 0 && summary.failed === 0 && summary.active === 0 && summary.earned === 0n;

  return (
    <Card className="earning-card">
      <div className="card-head">
        <h2 className="card-title">Earnings</h2>
        <button type="button" className="link-button small" onClick={() => navigate('/earnings')}>
          Claims and payers
        </button>
      </div>
      {noWallet && (
        <Callout tone="warn" title="You're earning credit: create a wallet to receive it">
          <p>
            The network records what this node earns, but it can only pay a wallet. Create one and the network sends a voucher for all the credit so far.
          </p>
          <p>
            <button type="button" className="button small-button" onClick={() => navigate('/wallet')}>
              <Icon.wallet size={15} /> Create a wallet
            </button>
          </p>
        </Callout>
      )}
      {summary === undefined ? (
        <p className="muted">Reading earnings…</p>
      ) : nothingYet ? (
        <EmptyState icon={<Icon.earnings size={22} />} title="Nothing earned yet">
          Earnings appear here, exactly, as soon as this node completes its first job
          {status?.state === 'connected' ? ' — it is connected and waiting for work.' : '.'}
        </EmptyState>
      ) : (
        <div className="earned">
          <div className="earned-total">
            <span data-testid="earned-total" data-base-units={summary.earned.toString()}>
              <Amount value={summary.earned} decimals={asset.decimals} symbol={asset.symbol} className="amount-large" />
            </span>
            <span className="muted small">
              earned from <span data-testid="jobs-completed" data-count={summary.completed}>{count.format(summary.completed)}</span> completed{' '}
              {summary.completed === 1 ? 'job' : 'jobs'}
              {summary.failed > 0 && ` · ${count.format(summary.failed)} failed`}
              {summary.active > 0 && ` · ${count.format(summary.active)} running`}
            </span>
          </div>
          <dl className="earned-split">
            <div>
              <dt>Covered by vouchers</dt>
              <dd data-testid="earned-vouchered" data-base-units={summary.vouchered.toString()}>
                <Amount value={summary.vouchered} decimals={asset.decimals} symbol={asset.symbol} />
              </dd>
            </div>
            <div>
              <dt>{noWallet ? 'Credit, waiting for a wallet' : 'Awaiting a voucher'}</dt>
              <dd data-testid="earned-awaiting">
                <Amount value={summary.earned > summary.vouchered ? summary.earned - summary.vouchered : 0n} decimals={asset.decimals} symbol={asset.symbol} />
              </dd>
            </div>
            <div>
              <dt>Last hour</dt>
              <dd data-testid="earned-last-hour">
                <Amount value={summary.lastHour.earned} decimals={asset.decimals} symbol={asset.symbol} />
                <span className="muted small">
                  {' '}
                  · {count.format(summary.lastHour.completed)} {summary.lastHour.completed === 1 ? 'job' : 'jobs'}
                </span>
              </dd>
            </div>
          </dl>
          {summary.lastCompletedAt !== null && (
            <p className="muted small earned-foot">
              Last job completed at {formatClock(summary.lastCompletedAt)}. Counted from the jobs stored on this computer, to the last base unit.
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
