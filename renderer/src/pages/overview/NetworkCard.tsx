import type { ReactElement } from 'react';
import { Card } from '../../components/Layout.tsx';
import { Callout } from '../../components/Wallet.tsx';
import { useNow } from '../../hooks.ts';
import { useNetworkStore } from '../../stores/network.ts';
import { useRouter } from '../../stores/router.ts';
import { networkName, networkState } from '../network/describe.ts';

/** One line: which network, whether connected (with the countdown to the next attempt), jobs in flight. */
export function NetworkCard(): ReactElement {
  const status = useNetworkStore((state) => state.status);
  const navigate = useRouter((state) => state.navigate);
  const now = useNow(1000);
  if (!status) {
    return (
      <Card className="network-card">
        <p className="muted">Reading the network status…</p>
      </Card>
    );
  }
  const state = networkState(status, now);
  return (
    <Card className="network-card">
      <div className="network-line">
        <span className="label-small">Network</span>
        <span className="network-name" data-testid="network-name" title={status.networkUrl ?? undefined}>
          {networkName(status)}
        </span>
        <span className={`pill network-pill tone-${state.tone}`} data-testid="network-state">
          {state.label}
        </span>
        {status.state === 'connected' && (
          <span className="muted small" data-testid="jobs-in-flight">
            {status.inFlight === 0 ? 'no job in flight' : `${status.inFlight} ${status.inFlight === 1 ? 'job' : 'jobs'} in flight`}
          </span>
        )}
        <button type="button" className="link-button network-settings" onClick={() => navigate('/settings')}>
          Network settings
        </button>
      </div>
      {status.state === 'payer_changed' ? (
        <Callout tone="danger" title="The network's payer changed">
          <p>{state.detail}</p>
          <p>
            <button type="button" className="button small-button" onClick={() => navigate('/settings')}>
              Review the change
            </button>
          </p>
        </Callout>
      ) : (
        state.detail && <p className="muted small network-detail">{state.detail}</p>
      )}
    </Card>
  );
}
