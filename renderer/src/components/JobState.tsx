import type { ReactElement } from 'react';
import type { Job } from '../../../shared/jobs.ts';
import { failureText, jobStates } from '../pages/jobs/describe.ts';

/** A job's state as a pill; a failure names its code (the message is in the title and on the Jobs page). */
export function JobStateBadge({ job, credited = false }: { job: Job; credited?: boolean }): ReactElement {
  const state = jobStates[job.state];
  const hint =
    job.state === 'failed'
      ? `${state.hint}${job.errorMessage ? ` ${job.errorMessage}` : ''}`
      : job.state === 'succeeded' && credited
        ? 'Result delivered and credited; paid with a voucher once you have a wallet.'
        : state.hint;
  return (
    <span className="job-state" title={hint} data-state={job.state}>
      <span className={`pill job-pill job-${state.tone}`}>{state.label}</span>
      {job.state === 'failed' && job.errorCode && <span className="job-error-code">{failureText(job.errorCode)}</span>}
    </span>
  );
}
