import type { ReactElement } from 'react';
import type { Balances, WalletStatus } from '../../../../shared/wallet.ts';
import { explorerLink, shortHex } from '../../address.ts';
import { Card } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { AddressText, Amount, CopyButton } from '../../components/Wallet.tsx';
import { formatWhen } from '../../format.ts';
import type { Polled } from './data.ts';
import { nativeAsset, tokenAsset } from './assets.ts';

/** The address to receive at, and what it holds: the payment token and the native coin for fees. */
export function BalancesCard({ status, balances }: { status: WalletStatus; balances: Polled<Balances> }): ReactElement {
  const network = status.network;
  const token = tokenAsset(network);
  const native = nativeAsset(network);
  const value = balances.value;
  return (
    <Card className="wallet-hero">
      {status.address && (
        <div className="hero-address">
          <span className="label-small">Your address{network ? ` on ${network.name}` : ''}</span>
          <div className="address-row">
            <AddressText address={status.address} className="address-large" />
            <CopyButton text={status.address} label="Copy address" />
          </div>
          <span className="muted small">Payments and withdrawals to this wallet arrive at this address. Only send assets on this network to it.</span>
        </div>
      )}
      {network === null ? (
        <p className="muted">Connecting to the chain…</p>
      ) : (
        <>
          <div className="balance-grid" data-testid="balances">
            {token ? (
              <div className="balance" data-testid="balance-token">
                <span className="label-small">Payment token</span>
                {value ? (
                  value.token === null ? (
                    <span className="muted">not known</span>
                  ) : (
                    <Amount value={value.token} decimals={token.decimals} symbol={token.symbol} className="amount-large" />
                  )
                ) : (
                  <span className="muted">…</span>
                )}
              </div>
            ) : (
              <div className="balance">
                <span className="label-small">Payment token</span>
                <span className="muted small">Not known on this chain yet: the network announces it when the node joins.</span>
              </div>
            )}
            <div className="balance" data-testid="balance-native">
              <span className="label-small">For network fees</span>
              {value ? <Amount value={value.native} decimals={native.decimals} symbol={native.symbol} className="amount-large" /> : <span className="muted">…</span>}
            </div>
          </div>
          <div className="hero-foot muted small">
            {balances.error ? (
              <span className="field-error" role="alert">
                Balances could not be read: {balances.error}
              </span>
            ) : value ? (
              <span>
                Updated {formatWhen(value.at)} · block {value.blockNumber}
              </span>
            ) : (
              <span>Reading balances…</span>
            )}
            <button type="button" className="button small-button" onClick={balances.refresh} aria-label="Refresh balances">
              <Icon.refresh /> Refresh
            </button>
          </div>
        </>
      )}
    </Card>
  );
}

export function NetworkCard({ status }: { status: WalletStatus }): ReactElement {
  const network = status.network;
  return (
    <Card title="Network">
      {network === null ? (
        <p className="muted">{status.problem ?? 'Connecting to the chain…'}</p>
      ) : (
        <dl className="facts facts-cols" data-testid="network-facts">
          <dt>Network</dt>
          <dd>{network.name}</dd>
          <dt>Chain ID</dt>
          <dd className="mono">{network.chainId}</dd>
          <dt>RPC</dt>
          <dd className="mono">{network.rpcHost}</dd>
          <dt>Final after</dt>
          <dd>
            {network.confirmations} {network.confirmations === 1 ? 'confirmation' : 'confirmations'}
          </dd>
          <dt>Explorer</dt>
          <dd>
            {network.explorerUrl && explorerLink(network.explorerUrl, 'address', status.address ?? '0x') ? (
              <a href={explorerLink(network.explorerUrl, 'address', status.address ?? '0x')} target="_blank" rel="noopener noreferrer">
                {new URL(network.explorerUrl).host} <Icon.external />
              </a>
            ) : (
              <span className="muted">none for this chain</span>
            )}
          </dd>
          {network.token && (
            <>
              <dt>Payment token</dt>
              <dd className="fact-address">
                <span>{network.token.symbol}</span>
                <span className="mono muted" title={network.token.address}>
                  {shortHex(network.token.address, 8, 6)}
                </span>
                <CopyButton text={network.token.address} label="Copy token address" compact />
              </dd>
            </>
          )}
          {network.escrow && (
            <>
              <dt>Escrow</dt>
              <dd className="fact-address">
                <span className="mono" title={network.escrow}>
                  {shortHex(network.escrow, 8, 6)}
                </span>
                <CopyButton text={network.escrow} label="Copy escrow address" compact />
              </dd>
            </>
          )}
        </dl>
      )}
    </Card>
  );
}
