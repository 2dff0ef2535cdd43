/**
 * The coordinator's counters (since this process started; the ledger holds
 * the lasting totals), the once-per-reason rejection log, and the Prometheus
 * text served at /metrics so an operator watches it with the tools they have.
 */
import type { Logger } from './context.ts';

export const jobOutcomes = ['offered', 'accepted', 'declined', 'withdrawn', 'succeeded', 'failed', 'rejected', 'expired', 'dropped'] as const;
export type JobOutcome = (typeof jobOutcomes)[number];

export class Metrics {
  readonly jobs: Record<JobOutcome, number> = Object.fromEntries(jobOutcomes.map((outcome) => [outcome, 0])) as Record<JobOutcome, number>;
  /** Bad input from nodes, by reason (parse failures, bad logins, unknown jobs, wrong results, …). */
  readonly rejections = new Map<string, number>();
  vouchersIssued = 0;
  vouchersResent = 0;
  creditedBaseUnits = 0n;
  voucheredBaseUnits = 0n;
  connectionsOpened = 0;

  job(outcome: JobOutcome): void {
    this.jobs[outcome] += 1;
  }

  rejection(reason: string): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }
}

/** Prometheus text exposition of the counters plus the gauges the caller knows. */
export function prometheusText(metrics: Metrics, gauges: { connections: number; nodes: number; queued: number; inFlight: number }): string {
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string, samples: [string, number | bigint][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value.toString()}`);
  };
  family('hearth_coordinator_jobs_total', 'counter', 'Jobs by outcome since start.', Object.entries(metrics.jobs).map(([outcome, n]) => [`{outcome="${outcome}"}`, n]));
  family(
    'hearth_coordinator_rejections_total',
    'counter',
    'Bad input from nodes, by reason, since start.',
    [...metrics.rejections].map(([reason, n]) => [`{reason="${reason}"}`, n]),
  );
  family('hearth_coordinator_vouchers_issued_total', 'counter', 'Vouchers signed since start.', [['', metrics.vouchersIssued]]);
  family('hearth_coordinator_vouchers_resent_total', 'counter', 'Voucher messages re-sent at login since start.', [['', metrics.vouchersResent]]);
  family('hearth_coordinator_credited_base_units_total', 'counter', 'Price of right results since start, in base units.', [['', metrics.creditedBaseUnits]]);
  family('hearth_coordinator_vouchered_base_units_total', 'counter', 'Amount newly vouchered since start, in base units.', [['', metrics.voucheredBaseUnits]]);
  family('hearth_coordinator_connections_opened_total', 'counter', 'WebSocket connections accepted since start.', [['', metrics.connectionsOpened]]);
  family('hearth_coordinator_connections', 'gauge', 'Open WebSocket connections.', [['', gauges.connections]]);
  family('hearth_coordinator_nodes', 'gauge', 'Logged-in nodes.', [['', gauges.nodes]]);
  family('hearth_coordinator_queued_jobs', 'gauge', 'Jobs waiting to be offered again.', [['', gauges.queued]]);
  family('hearth_coordinator_jobs_in_flight', 'gauge', 'Jobs offered or running on nodes.', [['', gauges.inFlight]]);
  return `${lines.join('\n')}\n`;
}

const SUMMARY_EVERY_MS = 60_000;

/**
 * One connection's rejections: the first of each reason is logged with its
 * detail, later ones only counted, and a one-line summary of what was not
 * logged goes out at most once a minute and when the connection closes. A
 * hostile node cannot flood the log.
 */
export class RejectionLog {
  readonly #log: Logger;
  readonly #who: () => string;
  readonly #monotonic: () => number;
  readonly #seen = new Set<string>();
  readonly #unlogged = new Map<string, number>();
  #lastSummaryAt: number;

  constructor(log: Logger, who: () => string, monotonic: () => number) {
    this.#log = log;
    this.#who = who;
    this.#monotonic = monotonic;
    this.#lastSummaryAt = monotonic();
  }

  note(reason: string, detail: string): void {
    if (!this.#seen.has(reason)) {
      this.#seen.add(reason);
      this.#log('warn', `${this.#who()}: ${reason}: ${detail.slice(0, 300)} (further ${reason} from this connection are counted, not logged)`);
      return;
    }
    this.#unlogged.set(reason, (this.#unlogged.get(reason) ?? 0) + 1);
    if (this.#monotonic() - this.#lastSummaryAt >= SUMMARY_EVERY_MS) this.flush();
  }

  /** Logs the summary of what was counted but not logged, if anything. */
  flush(): void {
    this.#lastSummaryAt = this.#monotonic();
    if (this.#unlogged.size === 0) return;
    const parts = [...this.#unlogged].map(([reason, n]) => `${reason} ×${n}`);
    this.#unlogged.clear();
    this.#log('warn', `${this.#who()}: also rejected ${parts.join(', ')}`);
  }
}
