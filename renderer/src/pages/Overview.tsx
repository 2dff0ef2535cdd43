import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { PauseInput } from '../../../shared/node.ts';
import { Card, PageHeader } from '../components/Layout.tsx';
import { Icon } from '../components/Icons.tsx';
import { isManuallyPaused, PolicyReasons } from '../components/Policy.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { describeError } from '../errors.ts';
import { formatDuration, formatWhen } from '../format.ts';
import { useClient, useNow } from '../hooks.ts';
import { useNodeStore } from '../stores/node.ts';
import { usePolicyStore } from '../stores/policy.ts';
import { useRouter } from '../stores/router.ts';
import { providerName } from './jobs/describe.ts';
import { EarningCard } from './overview/EarningCard.tsx';
import { NetworkCard } from './overview/NetworkCard.tsx';
import { RecentJobsCard } from './overview/RecentJobsCard.tsx';

const pauseChoices: readonly { label: string; input: PauseInput }[] = [
  { label: 'For 30 minutes', input: { durationMs: 30 * 60_000 } },
  { label: 'For 1 hour', input: { durationMs: 60 * 60_000 } },
  { label: 'For 4 hours', input: { durationMs: 4 * 60 * 60_000 } },
  { label: 'Until tomorrow', input: { until: 'tomorrow' } },
  { label: 'Until I resume', input: {} },
];

export function Overview(): ReactElement {
  const status = useNodeStore((state) => state.status);
  const policy = usePolicyStore((state) => state.policy);
  const navigate = useRouter((state) => state.navigate);
  const now = useNow(15_000);
  const pausedByLimits = status?.state === 'paused' && policy !== undefined && policy.action === 'pause' && !isManuallyPaused(policy);

  return (
    <>
      <PageHeader title="Overview" subtitle={status ? status.nodeName : undefined} />
      <Card className="status-card">
        {status ? (
          <div className="status-row">
            <div className="status-main">
              <StatusBadge state={status.state} large />
              <p className="status-reason" data-testid="node-reason">
                {status.reason}
              </p>
              <p className="muted small">
                {status.state === 'paused' && status.pausedUntil !== null
                  ? `Resumes at ${formatWhen(status.pausedUntil, now)} (in ${formatDuration(status.pausedUntil - now)})`
                  : `Since ${formatWhen(status.since, now)} · ${formatDuration(now - status.since)}`}
                {pausedByLimits && (
                  <>
                    {' · '}
                    <button type="button" className="link-button" onClick={() => navigate('/limits')}>
                      Change your limits
                    </button>
                  </>
                )}
              </p>
              {policy && <PolicyReasons policy={policy} />}
            </div>
            <PauseControls />
          </div>
        ) : (
          <p className="muted">Connecting to your node…</p>
        )}
      </Card>
      <NetworkCard />
      <div className="grid-2">
        <EarningCard />
        <RecentJobsCard />
      </div>
      <InferenceCard />
      {status && (
        <Card title="This node">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{status.nodeName}</dd>
            <dt>Version</dt>
            <dd>{status.version}</dd>
            <dt>Data folder</dt>
            <dd className="mono" data-testid="data-dir">
              {status.dataDir}
            </dd>
          </dl>
        </Card>
      )}
    </>
  );
}

const workerStates: Record<string, string> = {
  idle: 'Not started — starts with the first job',
  starting: 'Starting…',
  ready: 'Ready',
  paused: 'Paused — models unloaded, memory released',
  backoff: 'Restarting after a crash…',
  failed: 'Stopped after repeated crashes',
  stopped: 'Stopped',
};

function InferenceCard(): ReactElement | null {
  const worker = useNodeStore((state) => state.worker);
  if (!worker) return null;
  return (
    <Card title="Inference">
      <dl className="facts">
        <dt>Worker</dt>
        <dd data-testid="worker-state">
          {workerStates[worker.state] ?? worker.state}
          {worker.lastCrash && worker.state !== 'ready' ? ` (last crash: ${worker.lastCrash})` : ''}
        </dd>
        <dt>Restarts</dt>
        <dd>{worker.restarts === 0 ? 'none' : worker.restarts}</dd>
        <dt>Compute</dt>
        <dd>
          {worker.providers.length === 0 ? (
            <span className="muted">Detected when the worker first starts.</span>
          ) : (
            <ul className="providers">
              {[...worker.providers]
                .sort((a, b) => Number(b.available) - Number(a.available))
                .map((provider) => (
                  <li key={provider.name} className={provider.available ? 'available' : undefined}>
                    <strong>{providerName(provider.name)}</strong>
                    <span className="muted small" title={provider.detail}>
                      {provider.available ? (provider.note ? `available — ${provider.note}` : 'available') : (provider.reason ?? 'unavailable')}
                    </span>
                  </li>
                ))}
            </ul>
          )}
        </dd>
      </dl>
    </Card>
  );
}

function PauseControls(): ReactElement | null {
  const client = useClient();
  const status = useNodeStore((state) => state.status);
  const policy = usePolicyStore((state) => state.policy);
  const setError = useNodeStore((state) => state.setError);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent): void => {
      if (!menu.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  if (!status) return null;
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setOpen(false);
    try {
      await action();
      setError(undefined);
    } catch (error) {
      setError(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  // Resume ends the user's own pause; a pause by the limits (a game, the schedule) is not the user's to resume here.
  const manual = policy ? isManuallyPaused(policy) : status.state === 'paused';
  if (manual) {
    return (
      <button className="button primary" disabled={busy} onClick={() => void act(() => client.call('node.resume'))}>
        <Icon.play /> Resume
      </button>
    );
  }
  return (
    <div className="menu-anchor" ref={menu}>
      <button
        className="button"
        disabled={busy || (status.state !== 'running' && status.state !== 'paused')}
        title={status.state === 'paused' ? 'Pause yourself as well: Hearth then stays paused after the reason above ends' : undefined}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <Icon.pause /> Pause
      </button>
      {open && (
        <div className="menu" role="menu">
          {pauseChoices.map((choice) => (
            <button key={choice.label} role="menuitem" onClick={() => void act(() => client.call('node.pause', choice.input))}>
              {choice.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
