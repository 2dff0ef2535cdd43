import { Counter, Histogram, type Metric } from 'prom-client';
import type { CoordinatorErrorCode, DeclineReason, FailureCode } from '../../shared/protocol/messages.ts';
import type { JobOutcome, NetworkCounters, RejectionReason } from '../network/rejections.ts';

/**
 * The network client's counters as Prometheus metrics, registered in no
 * registry of their own: headless mode's /metrics registers them
 * (main/headless/metrics.ts). Counted since this process started, as
 * Prometheus counters are; the store-backed totals are separate metrics.
 */
export class PromNetworkCounters implements NetworkCounters {
  readonly jobs = new Counter({
    name: 'hearth_jobs_total',
    help: 'Jobs this node finished since it started, by outcome: succeeded, failed (the node could not run it), rejected (the network refused the result), declined (offers turned down).',
    labelNames: ['outcome'],
    registers: [],
  });
  readonly durations = new Histogram({
    name: 'hearth_job_duration_seconds',
    help: 'Time from a job starting on the worker to its result, for jobs that succeeded.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [],
  });
  readonly rejections = new Counter({
    name: 'hearth_protocol_rejections_total',
    help: 'Messages from the coordinator the node refused, by reason (malformed, bad signature, expired, going backwards…).',
    labelNames: ['reason'],
    registers: [],
  });
  readonly declines = new Counter({
    name: 'hearth_offers_declined_total',
    help: 'Offers the node declined, by reason.',
    labelNames: ['reason'],
    registers: [],
  });

  constructor() {
    // Present from the first scrape, at zero.
    for (const outcome of ['succeeded', 'failed', 'rejected', 'declined']) this.jobs.inc({ outcome }, 0);
  }

  metrics(): Metric[] {
    return [this.jobs, this.durations, this.rejections, this.declines];
  }

  rejected(reason: RejectionReason): void {
    this.rejections.inc({ reason });
  }

  declined(reason: DeclineReason): void {
    this.declines.inc({ reason });
    this.jobs.inc({ outcome: 'declined' });
  }

  jobFinished(outcome: JobOutcome, detail: { code: FailureCode | CoordinatorErrorCode | null; durationMs: number | null }): void {
    this.jobs.inc({ outcome });
    if (outcome === 'succeeded' && detail.durationMs !== null) this.durations.observe(detail.durationMs / 1000);
  }
}
