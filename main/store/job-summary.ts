import type { Database, Statement } from 'better-sqlite3';
import type { JobsSummary } from '../../shared/jobs.ts';
import { parseBaseUnits } from '../../shared/money.ts';

const HOUR_MS = 3_600_000;

interface Totals {
  completed: number;
  failed: number;
  active: number;
  earned: string | null;
  vouchered: string | null;
  last: number | null;
}

/**
 * The Overview's numbers in one pass over the jobs table. Money is summed
 * exactly (money_sum over decimal TEXT), never through floats.
 */
export class JobSummaryQueries {
  readonly #totals: Statement<[], Totals>;
  readonly #hour: Statement<{ since: number }, { completed: number; earned: string | null }>;
  readonly #vouchered: Statement<[], { total: string | null }>;

  constructor(db: Database) {
    this.#totals = db.prepare(`
      SELECT
        count(*) FILTER (WHERE state IN ('succeeded', 'paid')) AS completed,
        count(*) FILTER (WHERE state = 'failed') AS failed,
        count(*) FILTER (WHERE state IN ('accepted', 'running')) AS active,
        money_sum(price) FILTER (WHERE state IN ('succeeded', 'paid')) AS earned,
        money_sum(price) FILTER (WHERE state = 'paid') AS vouchered,
        max(finished_at) FILTER (WHERE state IN ('succeeded', 'paid')) AS last
      FROM jobs`);
    // By acceptance time (indexed): a job finishes within its deadline of being accepted, so the hour is exact to that.
    this.#hour = db.prepare(`
      SELECT count(*) AS completed, money_sum(price) AS earned
      FROM jobs WHERE accepted_at >= @since AND state IN ('succeeded', 'paid')`);
    // Vouchers are cumulative: each channel's highest is what it is worth; amounts order by (length, text).
    this.#vouchered = db.prepare(`
      SELECT money_sum(cumulative_amount) AS total FROM (
        SELECT cumulative_amount, row_number() OVER (
          PARTITION BY chain_id, escrow, payer, payee, token ORDER BY length(cumulative_amount) DESC, cumulative_amount DESC) AS rank
        FROM vouchers)
      WHERE rank = 1`);
  }

  /** The sum over payment channels of each one's highest voucher: what all stored vouchers are worth. */
  voucherTotal(): bigint {
    return parseBaseUnits(this.#vouchered.get()?.total ?? '0');
  }

  summary(now: number): JobsSummary {
    const totals = this.#totals.get() ?? { completed: 0, failed: 0, active: 0, earned: null, vouchered: null, last: null };
    const hour = this.#hour.get({ since: now - HOUR_MS }) ?? { completed: 0, earned: null };
    return {
      completed: totals.completed,
      failed: totals.failed,
      active: totals.active,
      earned: parseBaseUnits(totals.earned ?? '0'),
      vouchered: parseBaseUnits(totals.vouchered ?? '0'),
      lastCompletedAt: totals.last,
      lastHour: { completed: hour.completed, earned: parseBaseUnits(hour.earned ?? '0') },
    };
  }
}
