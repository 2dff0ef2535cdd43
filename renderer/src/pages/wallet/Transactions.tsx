import type { ReactElement } from 'react';
import type { ChainTxView, WalletNetwork, WalletStatus } from '../../../../shared/wallet.ts';
import { explorerLink, sameAddress, shortHex } from '../../address.ts';
import { Card, EmptyState } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { Amount, CopyButton } from '../../components/Wallet.tsx';
import { formatWhen } from '../../format.ts';
import { useNow } from '../../hooks.ts';
import { useWalletStore } from '../../stores/wallet.ts';
import { nativeAsset, tokenAsset } from './assets.ts';

/** Claims and withdrawals, newest first, updated live as they are sent, mined and confirmed. */
export function TransactionsCard({ status }: { status: WalletStatus }): ReactElement {
  const transactions = useWalletStore((state) => state.transactions);
  useNow(30_000); // keeps "today" times honest past midnight
  const network = status.network;
  return (
    <Card title="Transactions">
      {transactions === undefined ? (
        <p className="muted">Loading…</p>
      ) : transactions.length === 0 ? (
        <EmptyState icon={<Icon.send size={20} />} title="No transactions yet">
          Withdrawals you send and claims Hearth makes from the escrow appear here, live, from signing to final confirmation.
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="transactions">
            <thead>
              <tr>
                <th>What</th>
                <th className="num">Amount</th>
                <th>Counterparty</th>
                <th>State</th>
                <th>When</th>
                <th>Transaction</th>
              </tr>
            </thead>
            <tbody>
              {transactions.map((tx) => (
                <TransactionRow key={tx.id} tx={tx} network={network} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function TransactionRow({ tx, network }: { tx: ChainTxView; network: WalletNetwork | null }): ReactElement {
  const onThisChain = network?.chainId === tx.chainId;
  const token = onThisChain ? tokenAsset(network) : undefined;
  const asset = tx.asset === 'native' ? nativeAsset(onThisChain ? network : null) : token;
  const link = onThisChain ? explorerLink(network?.explorerUrl, 'tx', tx.hash) : undefined;
  // A claim is paid to us by the escrow (the transaction's target); a withdrawal goes to its recipient.
  const direction = tx.kind === 'claim' ? (sameAddress(tx.to, network?.escrow) ? 'from escrow' : 'from') : 'to';
  return (
    <tr data-testid="tx-row" data-state={tx.state}>
      <td>
        {tx.kind === 'claim' ? 'Claim' : 'Withdrawal'}
        {!onThisChain && <span className="muted small"> · chain {tx.chainId}</span>}
      </td>
      <td className="num">
        {asset ? (
          <Amount value={tx.amount} decimals={asset.decimals} symbol={asset.symbol} className={tx.kind === 'claim' ? 'amount-in' : undefined} />
        ) : (
          <span title="The token's decimals are not known on this chain">{tx.amount.toString()} base units</span>
        )}
      </td>
      <td className="nowrap">
        <span className="muted small">{direction} </span>
        <span className="mono" title={tx.to}>
          {shortHex(tx.to, 6, 4)}
        </span>
      </td>
      <td>
        <TxState tx={tx} required={onThisChain ? (network?.confirmations ?? 1) : undefined} />
      </td>
      <td className="nowrap">{formatWhen(tx.createdAt)}</td>
      <td className="nowrap">
        <span className="tx-hash">
          {link ? (
            <a className="mono" href={link} target="_blank" rel="noopener noreferrer" title={tx.hash}>
              {shortHex(tx.hash, 8, 6)} <Icon.external />
            </a>
          ) : (
            <span className="mono" title={tx.hash}>
              {shortHex(tx.hash, 8, 6)}
            </span>
          )}
          <CopyButton text={tx.hash} label="Copy transaction hash" compact />
        </span>
      </td>
    </tr>
  );
}

const stateLabels: Record<ChainTxView['state'], string> = {
  signed: 'Signed',
  sent: 'Sent',
  mined: 'Mined',
  confirmed: 'Confirmed',
  failed: 'Failed',
  replaced: 'Replaced',
};

function TxState({ tx, required }: { tx: ChainTxView; required: number | undefined }): ReactElement {
  const tone =
    tx.state === 'confirmed' ? 'ok' : tx.state === 'failed' ? 'err' : tx.state === 'replaced' ? 'muted' : 'pending';
  const detail =
    tx.state === 'signed'
      ? 'not broadcast yet'
      : tx.state === 'sent'
        ? 'waiting to be mined'
        : tx.state === 'mined'
          ? required === undefined
            ? `${tx.confirmations} confirmations`
            : `${Math.min(tx.confirmations, required)} of ${required} confirmations`
          : tx.state === 'confirmed'
            ? tx.blockNumber === null
              ? undefined
              : `block ${tx.blockNumber}`
            : (tx.error ?? undefined);
  return (
    <span className="tx-state" data-testid="tx-state">
      <span className={`pill pill-${tone}`}>{stateLabels[tx.state]}</span>
      {detail && <span className={`small ${tx.state === 'failed' ? 'field-error' : 'muted'}`}>{detail}</span>}
    </span>
  );
}
