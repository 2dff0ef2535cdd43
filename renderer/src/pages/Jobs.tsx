import { useState, type ReactElement } from 'react';
import type { Job } from '../../../shared/jobs.ts';
import { Card, EmptyState, PageHeader } from '../components/Layout.tsx';
import { Icon } from '../components/Icons.tsx';
import { JobStateBadge } from '../components/JobState.tsx';
import { Amount } from '../components/Wallet.tsx';
import { describeError } from '../errors.ts';
import { useClient, useNow } from '../hooks.ts';
import { LIVE_JOBS, useNetworkStore } from '../stores/network.ts';
import { formatClock, formatElapsed, jobDuration, providerName, taskNames } from './jobs/describe.ts';
import { jobFilters, withLive, withPage, type JobFilter, type JobList } from './jobs/list.ts';
import { usePriceAsset } from './network/asset.ts';
import type { AssetInfo } from './wallet/assets.ts';

const count = new Intl.NumberFormat();

export function Jobs(): ReactElement {
  const summary = useNetworkStore((state) => state.summary);
  const subtitle = summary
    ? `${count.format(summary.completed)} completed · ${count.format(summary.failed)} failed · ${count.format(summary.active)} running now`
    : 'Every job this node has run.';
  return (
    <>
      <PageHeader title="Jobs" subtitle={subtitle} />
      <JobsTable />
    </>
  );
}

function JobsTable(): ReactElement {
  const client = useClient();
  const recent = useNetworkStore((state) => state.recent);
  const credited = useNetworkStore((state) => state.status?.payee === null);
  const connected = useNetworkStore((state) => state.status?.state === 'connected');
  const asset = usePriceAsset();
  const now = useNow(60_000);
  const [list, setList] = useState<JobList | undefined>();
  const [merged, setMerged] = useState<Job[] | undefined>();
  const [filter, setFilter] = useState<JobFilter>('all');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // Each new live page (a jobs.changed re-read) is folded in once.
  if (recent !== merged) {
    setMerged(recent);
    if (recent) setList((current) => withLive(current, recent, LIVE_JOBS));
  }

  if (!list) {
    return (
      <Card>
        <p className="muted">Reading jobs…</p>
      </Card>
    );
  }
  if (list.jobs.length === 0) {
    return (
      <Card>
        <EmptyState icon={<Icon.jobs size={24} />} title="No jobs yet">
          <p>
            Each job is listed here with its task, model, price, duration and the execution provider it ran on — and why, if it failed.
            {connected ? ' The node is connected and waiting for work.' : ' Jobs arrive once the node is connected to a network.'}
          </p>
        </EmptyState>
      </Card>
    );
  }

  const loadMore = async (): Promise<void> => {
    if (list.before === undefined) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await client.call('jobs.list', { limit: LIVE_JOBS, before: list.before });
      setList((current) => (current ? withPage(current, page, LIVE_JOBS) : current));
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setLoading(false);
    }
  };
  const shown = list.jobs.filter(jobFilters[filter].test);

  return (
    <Card className="jobs-card">
      <div className="jobs-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Show jobs">
          {(Object.keys(jobFilters) as JobFilter[]).map((key) => (
            <button key={key} role="radio" aria-checked={filter === key} className={filter === key ? 'selected' : undefined} onClick={() => setFilter(key)}>
              {jobFilters[key].label}
            </button>
          ))}
        </div>
        <span className="muted small" data-testid="jobs-shown">
          {filter !== 'all'
            ? `${count.format(shown.length)} of the ${count.format(list.jobs.length)} jobs loaded.`
            : list.expanded
              ? `${count.format(list.jobs.length)} jobs loaded; new ones appear at the top.`
              : `The newest ${count.format(list.jobs.length)} ${list.jobs.length === 1 ? 'job' : 'jobs'}, updated live.`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="muted jobs-none">No {jobFilters[filter].label.toLowerCase()} jobs among those loaded.</p>
      ) : (
        <div className="table-scroll">
          <table className="table jobs-table" data-testid="jobs-table">
            <thead>
              <tr>
                <th>Accepted</th>
                <th>Task and model</th>
                <th>State</th>
                <th className="num">Price</th>
                <th className="num">Duration</th>
                <th>Ran on</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((job) => (
                <JobRow key={job.id} job={job} asset={asset} credited={credited} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="jobs-foot">
        {list.more ? (
          <button type="button" className="button" disabled={loading} onClick={() => void loadMore()}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        ) : (
          <span className="muted small">That is every job this node has run.</span>
        )}
        {error && (
          <p className="field-error" role="alert">
            Older jobs could not be read: {error}
          </p>
        )}
      </div>
    </Card>
  );
}

function JobRow({ job, asset, credited, now }: { job: Job; asset: AssetInfo; credited: boolean; now: number }): ReactElement {
  const duration = jobDuration(job);
  return (
    <tr data-testid="job-row" data-state={job.state} data-job-id={job.id}>
      <td className="nowrap" title={new Date(job.acceptedAt).toISOString()}>
        {formatClock(job.acceptedAt, now)}
      </td>
      <td>
        <div className="job-task-cell">
          <span className="job-task">{taskNames[job.task]}</span>
          <span className="job-model mono" title={`${job.modelId}\nsha256 ${job.modelSha256}`}>
            {job.modelId}
          </span>
        </div>
      </td>
      <td className="job-state-cell">
        <JobStateBadge job={job} credited={credited} />
        {job.state === 'failed' && (
          <span className="job-error" data-testid="job-error">
            {job.errorCode && <code>{job.errorCode}</code>}
            {job.errorMessage && <span className="muted small">{job.errorMessage}</span>}
          </span>
        )}
      </td>
      <td className="num">
        <Amount value={job.price} decimals={asset.decimals} symbol={asset.symbol} />
      </td>
      <td className="num nowrap">{duration === null ? <span className="muted">{job.state === 'running' ? 'running' : '—'}</span> : formatElapsed(duration)}</td>
      <td className="nowrap">{job.executionProvider ? providerName(job.executionProvider) : <span className="muted">—</span>}</td>
    </tr>
  );
}
