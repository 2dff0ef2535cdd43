/**
 * Bad input from the coordinator, and what the client counts. Every rejected
 * frame, offer or voucher has a typed reason; each is counted (the lead
 * exports the counters to Prometheus) and logged once per reason per
 * connection, then summed up at most once a minute — a hostile or broken
 * coordinator can fill no disk with log lines.
 */
import type { CoordinatorErrorCode, DeclineReason, FailureCode, ParseFailureReason } from '../../shared/protocol/messages.ts';
import type { VoucherRejection } from '../wallet/vouchers.ts';

export const rejectionReasons = [
  // The frame itself (shared/protocol/messages.ts parse failures).
  'frame_too_large',
  'malformed_json',
  'unsupported_version',
  'unknown_type',
  'schema',
  // A valid message at the wrong moment (an offer before login, a second hello).
  'out_of_order',
  // `hello` describes another network than the manifest.
  'network_mismatch',
  // An `ack` or `error` that answers nothing we sent on this connection.
  'unknown_ref',
  // Offers declined because of what they are, not because of the node's state.
  'offer_bad_signature',
  'offer_payer_mismatch',
  'offer_deadline_passed',
  'offer_unknown_task',
  'offer_inputs_invalid',
  'offer_model_unavailable',
  // Vouchers (main/wallet/vouchers.ts reasons, plus the client's own).
  'voucher_malformed',
  'voucher_wrong_domain',
  'voucher_wrong_payer',
  'voucher_wrong_provider',
  'voucher_bad_signature',
  'voucher_malleable_signature',
  'voucher_not_increasing',
  'voucher_no_payee',
  'voucher_unknown_jobs',
  // A voucher naming jobs its cumulative amount does not cover (an old voucher sent again with newer jobs): stored, those jobs not paid.
  'voucher_overpays',
  // A voucher raising what can be claimed without paying any of this node's jobs: stored, the rise attributed to none (vouchers.ts).
  'voucher_unattributed',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];
// Every frame-level parse failure is a rejection reason of its own.
const _parseFailuresAreReasons: readonly RejectionReason[] = [] as ParseFailureReason[];

export function voucherRejection(reason: VoucherRejection): RejectionReason {
  return `voucher_${reason}`;
}

/** Declines that say the offer was bad (counted as rejections too); the others are the node's state. */
export function offerRejection(reason: DeclineReason): RejectionReason | null {
  switch (reason) {
    case 'bad_signature':
    case 'payer_mismatch':
    case 'deadline_passed':
    case 'unknown_task':
    case 'inputs_invalid':
    case 'model_unavailable':
      return `offer_${reason}`;
    default:
      return null;
  }
}

/**
 * How a job ended, as counted: `succeeded` (a result stored and sent),
 * `failed` (with a failure code), `rejected` (the coordinator refused the result).
 */
export type JobOutcome = 'succeeded' | 'failed' | 'rejected';

/** What the client counts; the lead backs it with prom-client counters and a histogram. */
export interface NetworkCounters {
  rejected(reason: RejectionReason): void;
  declined(reason: DeclineReason): void;
  /** `code`: the failure code (failed), the coordinator's error code (rejected), null (succeeded). */
  jobFinished(outcome: JobOutcome, detail: { code: FailureCode | CoordinatorErrorCode | null; durationMs: number | null }): void;
}

/** Plain counters in memory: for tests, and a default when nothing exports them. */
export class CountingCounters implements NetworkCounters {
  readonly rejections = new Map<RejectionReason, number>();
  readonly declines = new Map<DeclineReason, number>();
  readonly outcomes = new Map<JobOutcome, number>();
  durationsCount = 0;
  durationsSumMs = 0;

  rejected(reason: RejectionReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  declined(reason: DeclineReason): void {
    this.declines.set(reason, (this.declines.get(reason) ?? 0) + 1);
  }

  jobFinished(outcome: JobOutcome, detail: { durationMs: number | null }): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (detail.durationMs !== null) {
      this.durationsCount++;
      this.durationsSumMs += detail.durationMs;
    }
  }

  totalRejections(): number {
    let total = 0;
    for (const n of this.rejections.values()) total += n;
    return total;
  }
}

export interface WarnLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const SUMMARY_INTERVAL_MS = 60_000;

/** Counts a rejection and logs it: the first of each reason on a connection in full, later ones in a summary at most once a minute. */
export class RejectionLog {
  readonly #logger: WarnLogger;
  readonly #counters: NetworkCounters;
  readonly #clock: () => number;
  #seen = new Set<RejectionReason>();
  #suppressed = new Map<RejectionReason, number>();
  #lastSummaryAt: number;

  constructor(logger: WarnLogger, counters: NetworkCounters, clock: () => number = () => performance.now()) {
    this.#logger = logger;
    this.#counters = counters;
    this.#clock = clock;
    this.#lastSummaryAt = clock();
  }

  reject(reason: RejectionReason, message: string, fields: Record<string, unknown> = {}): void {
    this.#counters.rejected(reason);
    if (!this.#seen.has(reason)) {
      this.#seen.add(reason);
      this.#logger.warn(`coordinator input rejected (${reason}): ${message}`, { reason, ...fields });
    } else {
      this.#suppressed.set(reason, (this.#suppressed.get(reason) ?? 0) + 1);
    }
    if (this.#clock() - this.#lastSummaryAt >= SUMMARY_INTERVAL_MS) this.flush();
  }

  /** Logs what was held back (if anything) and starts a new minute. */
  flush(): void {
    this.#lastSummaryAt = this.#clock();
    if (this.#suppressed.size === 0) return;
    const counts = Object.fromEntries(this.#suppressed);
    this.#suppressed = new Map();
    this.#logger.warn('more coordinator input rejected since the last report', { counts });
  }

  /** A new connection: every reason is logged in full once more. */
  newConnection(): void {
    this.flush();
    this.#seen = new Set();
  }
}
