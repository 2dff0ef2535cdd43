import type { ReactElement } from 'react';
import { Card, EmptyState } from '../../components/Layout.tsx';
import { Icon } from '../../components/Icons.tsx';
import { JobStateBadge } from '../../components/JobState.tsx';
import { Amount } from '../../components/Wallet.tsx';
import { useNetworkStore } from '../../stores/network.ts';
import { useRouter } from '../../stores/router.ts';
import { formatElapsed, jobDuration, shortTaskNames, taskNames } from '../jobs/describe.ts';
import { usePriceAsset } from '../network/asset.ts';

const SHOWN = 8;

/** The newest few jobs, live; the Jobs page has them all. */
export function RecentJobsCard(): ReactElement {
  const recent = useNetworkStore((state) => state.recent);
  const credited = useNetworkStore((state) => state.status?.payee === null);
  const connected = useNetworkStore((state) => state.status?.state === 'connected');
  const navigate = useRouter((state) => state.navigate);
  const asset = usePriceAsset();

  return (
    <Card className="recent-jobs">
      <div className="card-head">
        <h2 className="card-title">Recent jobs</h2>
        <button type="button" className="link-button small" onClick={() => navigate('/jobs')}>
          All jobs
        </button>
      </div>
      {recent === undefined ? (
        <p className="muted">Reading jobs…</p>
      ) : recent.length === 0 ? (
        <EmptyState icon={<Icon.jobs size={22} />} title="No jobs yet">
          Every job the node runs — OCR, embeddings, tensor tasks — is listed here with its price and duration
          {connected ? ', as soon as the network sends one.' : ', once it is connected to a network.'}
        </EmptyState>
      ) : (
        <table className="table table-compact" data-testid="recent-jobs">
          <thead>
            <tr>
              <th>Task</th>
              <th className="num col-price">Price</th>
              <th className="col-state">State</th>
            </tr>
          </thead>
          <tbody>
            {recent.slice(0, SHOWN).map((job) => {
              const duration = jobDuration(job);
              return (
                <tr key={job.id} data-testid="recent-job">
                  <td>
                    <div className="job-task-cell">
                      <span className="job-task" title={taskNames[job.task]}>
                        {shortTaskNames[job.task]}
                      </span>
                      <span className="job-model mono" title={job.modelId}>
                        {job.modelId}
                      </span>
                    </div>
                  </td>
                  <td className="num">
                    <Amount value={job.price} decimals={asset.decimals} symbol={asset.symbol} />
                    {duration !== null && <span className="job-took muted small">took {formatElapsed(duration)}</span>}
                  </td>
                  <td>
                    <JobStateBadge job={job} credited={credited} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
