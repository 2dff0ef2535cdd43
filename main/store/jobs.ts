import type { Database, Statement } from 'better-sqlite3';
import type { Job, JobState, TaskKind } from '../../shared/jobs.ts';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';
import { sameAddress } from '../../shared/voucher.ts';
import { VouchersRepository, type StoredVoucher, type VoucherChannel } from './vouchers.ts';

type Address = `0x${string}`;

interface JobRow {
  id: string;
  coordinator: string;
  task: TaskKind;
  model_id: string;
  model_sha256: string;
  state: JobState;
  price: string;
  accepted_at: number;
  deadline_at: number;
  started_at: number | null;
  finished_at: number | null;
  execution_provider: string | null;
  result_hash: string | null;
  error_code: string | null;
  error_message: string | null;
  voucher_id: number | null;
  payer: Address | null;
  offer_id: string | null;
  reported_at: number | null;
  duration_ms: number | null;
  chain_id: number | null;
  escrow: Address | null;
}

/** A job with what the network client keeps beside the shared `Job`. */
export interface StoredJob extends Job {
  /** Who signed the offer; null for jobs from before the network client. */
  payer: Address | null;
  offerId: string | null;
  /** When the coordinator acknowledged the outcome; null while it is still to be reported. */
  reportedAt: number | null;
  durationMs: number | null;
  /** The network that offered it, beside its payer (one payer key may pay on several); null for jobs from before migration 6 it could not tell. */
  chainId: number | null;
  escrow: Address | null;
}

/** Which network a job belongs to: what its vouchers name, but the payee. */
export interface JobNetwork {
  chainId: number;
  escrow: Address;
  payer: Address;
}

/**
 * Whether `job` came from `network`. A job from before migration 6 whose
 * network it could not tell (no chain, no escrow) goes by its payer alone.
 */
export function ofNetwork(job: Pick<StoredJob, 'payer' | 'chainId' | 'escrow'>, network: JobNetwork): boolean {
  if (job.payer === null || !sameAddress(job.payer, network.payer)) return false;
  return job.chainId === null || (job.chainId === network.chainId && job.escrow !== null && sameAddress(job.escrow, network.escrow));
}

export type NewJob = Pick<Job, 'id' | 'coordinator' | 'task' | 'modelId' | 'modelSha256' | 'price' | 'acceptedAt' | 'deadlineAt'>;
export type NewOfferedJob = NewJob & JobNetwork & { offerId: string | null };

export interface JobSuccess {
  at: number;
  resultHash: string;
  executionProvider: string;
  durationMs: number;
  /** The encoded `result` message and its id: kept until the coordinator acknowledges it. */
  messageId: string;
  frame: string;
  /** The payee its signature names (NO_PAYEE without a wallet). */
  payee: Address;
}

/** A succeeded job's stored result message; `payee` is null for one stored before migration 6 (not known). */
export interface StoredResult {
  messageId: string;
  frame: string;
  payee: Address | null;
}

/** A page of `unreported`: the outcomes after `after` in (finishedAt, id) order, at most `limit`. */
export interface UnreportedPage {
  after: { finishedAt: number; id: string } | null;
  limit: number;
}

export interface JobFailure {
  at: number;
  code: string;
  message: string;
}

/** An outcome the coordinator has not acknowledged yet: a result (sent again as stored) or a failure (rebuilt from the row). */
export interface UnreportedJob {
  job: StoredJob;
  result: StoredResult | null;
}

export interface VoucherPayment {
  voucher: StoredVoucher;
  /** Whether this call stored the voucher (false: the same signature was already stored). */
  stored: boolean;
  /** Jobs this voucher moved from succeeded to paid. */
  paid: string[];
  /** Jobs already paid by an earlier voucher: nothing to do. */
  alreadyPaid: string[];
  /** Jobs the node does not hold as succeeded (unknown, failed, or of another network): not paid here. */
  notPayable: string[];
}

export const INTERRUPTED_MESSAGE = 'the node stopped while the job was running';

/**
 * Jobs from acceptance to payment. Every state change is one statement or one
 * transaction, so a kill never leaves half a change: a job is stored before
 * it is accepted on the wire, its result hash and result message before the
 * result is sent, and a voucher with the jobs it pays before it is acknowledged.
 */
export class JobsRepository {
  readonly #db: Database;
  readonly #vouchers: VouchersRepository;
  readonly #insert: Statement<Record<string, unknown>>;
  readonly #get: Statement<[string], JobRow>;
  readonly #recent: Statement<{ limit: number; before: number }, JobRow>;
  readonly #start: Statement<{ id: string; at: number }>;
  readonly #succeed: Statement<{ id: string; at: number; resultHash: string; ep: string; durationMs: number | null }>;
  readonly #fail: Statement<{ id: string; at: number; code: string; message: string }>;
  readonly #failUnfinished: Statement<{ id: string; at: number; code: string; message: string }>;
  readonly #reject: Statement<{ id: string; at: number; code: string; message: string }>;
  readonly #pay: Statement<{ id: string; voucherId: number }>;
  readonly #payOffered: Statement<{ id: string; voucherId: number; chainId: number; escrow: string; payer: string; at: number }>;
  readonly #report: Statement<{ id: string; at: number }>;
  readonly #insertFrame: Statement<{ id: string; messageId: string; frame: string; payee: string; at: number }>;
  readonly #replaceFrame: Statement<{ id: string; messageId: string; frame: string; payee: string }>;
  readonly #deleteFrame: Statement<[string]>;
  readonly #unfinished: Statement<[], { id: string }>;
  readonly #interrupt: Statement<{ at: number; message: string }>;
  readonly #unreported: Statement<
    { chainId: number; escrow: string; payer: string; afterAt: number; afterId: string; limit: number },
    JobRow & { message_id: string | null; frame: string | null; frame_payee: Address | null }
  >;
  readonly #earned: Statement<[], { total: string }>;
  readonly #count: Statement<[JobState], { n: number }>;
  readonly #byState: Statement<[], { state: JobState; n: number }>;
  readonly #failuresByCode: Statement<[], { code: string; n: number }>;
  readonly #paidByChannel: Statement<[], PaidRow>;

  constructor(db: Database) {
    this.#db = db;
    this.#vouchers = new VouchersRepository(db);
    this.#insert = db.prepare(
      `INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at, payer, chain_id, escrow, offer_id)
       VALUES (@id, @coordinator, @task, @modelId, @modelSha256, 'accepted', @price, @acceptedAt, @deadlineAt, @payer, @chainId, @escrow, @offerId)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.#get = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.#recent = db.prepare('SELECT * FROM jobs WHERE accepted_at < @before ORDER BY accepted_at DESC, id DESC LIMIT @limit');
    this.#start = db.prepare("UPDATE jobs SET state = 'running', started_at = @at WHERE id = @id AND state = 'accepted'");
    this.#succeed = db.prepare(
      `UPDATE jobs SET state = 'succeeded', finished_at = @at, result_hash = @resultHash, execution_provider = @ep, duration_ms = @durationMs
       WHERE id = @id AND state IN ('accepted', 'running')`,
    );
    this.#fail = db.prepare(
      "UPDATE jobs SET state = 'failed', finished_at = @at, error_code = @code, error_message = @message WHERE id = @id AND state IN ('accepted', 'running', 'succeeded')",
    );
    this.#failUnfinished = db.prepare(
      "UPDATE jobs SET state = 'failed', finished_at = @at, error_code = @code, error_message = @message WHERE id = @id AND state IN ('accepted', 'running')",
    );
    // A refused result is final: the coordinator has answered, so there is nothing left to report.
    this.#reject = db.prepare(
      `UPDATE jobs SET state = 'failed', error_code = @code, error_message = @message, reported_at = coalesce(reported_at, @at)
       WHERE id = @id AND state = 'succeeded'`,
    );
    this.#pay = db.prepare("UPDATE jobs SET state = 'paid', voucher_id = @voucherId WHERE id = @id AND state = 'succeeded'");
    // A voucher naming a job is the coordinator's answer to its result, whether or not the ack arrived.
    // Only a voucher of the job's own network pays it (ofNetwork says the same).
    this.#payOffered = db.prepare(
      `UPDATE jobs SET state = 'paid', voucher_id = @voucherId, reported_at = coalesce(reported_at, @at)
       WHERE id = @id AND state = 'succeeded' AND payer = @payer COLLATE NOCASE
         AND (chain_id IS NULL OR (chain_id = @chainId AND escrow = @escrow COLLATE NOCASE))`,
    );
    this.#report = db.prepare(
      "UPDATE jobs SET reported_at = @at WHERE id = @id AND reported_at IS NULL AND state IN ('succeeded', 'failed', 'paid')",
    );
    this.#insertFrame = db.prepare(
      'INSERT INTO result_frames (job_id, message_id, frame, payee, created_at) VALUES (@id, @messageId, @frame, @payee, @at) ON CONFLICT (job_id) DO NOTHING',
    );
    // The frame is there until the result is acknowledged, refused or paid: replacing it is only ever for one still to report.
    this.#replaceFrame = db.prepare('UPDATE result_frames SET message_id = @messageId, frame = @frame, payee = @payee WHERE job_id = @id');
    this.#deleteFrame = db.prepare('DELETE FROM result_frames WHERE job_id = ?');
    this.#unfinished = db.prepare("SELECT id FROM jobs WHERE state IN ('accepted', 'running') ORDER BY accepted_at, id");
    this.#interrupt = db.prepare(
      "UPDATE jobs SET state = 'failed', finished_at = @at, error_code = 'interrupted', error_message = @message WHERE state IN ('accepted', 'running')",
    );
    this.#unreported = db.prepare(
      `SELECT jobs.*, result_frames.message_id AS message_id, result_frames.frame AS frame, result_frames.payee AS frame_payee
       FROM jobs LEFT JOIN result_frames ON result_frames.job_id = jobs.id
       WHERE jobs.reported_at IS NULL AND jobs.state IN ('succeeded', 'failed') AND jobs.payer = @payer
         AND (jobs.chain_id IS NULL OR (jobs.chain_id = @chainId AND jobs.escrow = @escrow COLLATE NOCASE))
         AND (jobs.finished_at, jobs.id) > (@afterAt, @afterId)
       ORDER BY jobs.finished_at, jobs.id
       LIMIT @limit`,
    );
    this.#earned = db.prepare("SELECT money_sum(price) AS total FROM jobs WHERE state IN ('succeeded', 'paid')");
    this.#count = db.prepare('SELECT count(*) AS n FROM jobs WHERE state = ?');
    this.#byState = db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state');
    this.#failuresByCode = db.prepare("SELECT error_code AS code, count(*) AS n FROM jobs WHERE state = 'failed' GROUP BY error_code");
    this.#paidByChannel = db.prepare(
      `SELECT v.chain_id, v.escrow, v.payer, v.payee, v.token, money_sum(j.price) AS total, count(*) AS n
       FROM jobs j JOIN vouchers v ON v.id = j.voucher_id
       WHERE j.state = 'paid'
       GROUP BY v.chain_id, v.escrow, v.payer, v.payee, v.token`,
    );
  }

  /**
   * A write whose loss only repeats what the protocol already tolerates,
   * committed without waiting for its fsync (synchronous=NORMAL for this one
   * commit): two of a job's four commits, which matter where fsync is slow (a
   * busy or consumer disk: milliseconds each, paid in series on the node's
   * one thread for every small job). A killed process loses nothing (the write is in
   * the OS). A power cut may lose it, but never with a later commit kept: the
   * WAL is appended in order and every FULL commit's fsync covers what came
   * before. The writes the exactly-once rules order before a message (accept,
   * result, failure, voucher) stay FULL.
   */
  #withoutFsync<T>(write: () => T): T {
    // Inside a caller's transaction, its commit decides (SQLite refuses the pragma there anyway).
    if (this.#db.inTransaction) return write();
    const level = this.#db.pragma('synchronous', { simple: true }) as number;
    if (level < 2) return write();
    this.#db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.#db.pragma(`synchronous = ${level}`);
    }
  }

  /** Records an accepted job; a repeated offer with the same id changes nothing. Returns whether it was new. */
  insertAccepted(job: NewJob): boolean {
    return this.#insert.run({ payer: null, chainId: null, escrow: null, offerId: null, ...job, price: baseUnitsToString(job.price) }).changes === 1;
  }

  /**
   * Records an offered job as accepted — before the accept is sent, so a
   * crash after sending never forgets a job the coordinator counts on. A
   * repeat of the same id stores nothing and returns the job as it stands.
   */
  acceptJob(job: NewOfferedJob): { created: boolean; job: StoredJob } {
    const created = this.#insert.run({ ...job, price: baseUnitsToString(job.price) }).changes === 1;
    const stored = this.get(job.id);
    if (!stored) throw new Error('job insert did not persist');
    return { created, job: stored };
  }

  get(id: string): StoredJob | undefined {
    const row = this.#get.get(id);
    return row && toJob(row);
  }

  recent(limit: number, before = Number.MAX_SAFE_INTEGER): StoredJob[] {
    return this.#recent.all({ limit, before }).map(toJob);
  }

  /** Not fsync'd (see #withoutFsync): lost in a power cut, the job is still unfinished, and start-up fails it `interrupted` all the same. */
  markRunning(id: string, at: number): boolean {
    return this.#withoutFsync(() => this.#start.run({ id, at }).changes === 1);
  }

  markSucceeded(id: string, at: number, resultHash: string, executionProvider: string): boolean {
    return this.#succeed.run({ id, at, resultHash, ep: executionProvider, durationMs: null }).changes === 1;
  }

  /**
   * The result hash and the result message, in one transaction, before the
   * result is sent. False (nothing written) unless the job was accepted or running.
   */
  succeed(id: string, success: JobSuccess): boolean {
    return this.#db
      .transaction(() => {
        const moved = this.#succeed.run({ id, at: success.at, resultHash: success.resultHash, ep: success.executionProvider, durationMs: success.durationMs }).changes === 1;
        if (moved) this.#insertFrame.run({ id, messageId: success.messageId, frame: success.frame, payee: success.payee, at: success.at });
        return moved;
      })
      .immediate();
  }

  /**
   * A result still to report, signed again for another payee (the node logged
   * in with a new wallet): the new message replaces the stored one in one
   * statement, before it is sent. Its hash, price and completedAt are the
   * stored ones, so the job is the same job, reported once. False when there
   * is nothing to replace (acknowledged, refused or paid meanwhile).
   */
  replaceResult(id: string, result: { messageId: string; frame: string; payee: Address }): boolean {
    // Not fsync'd (see #withoutFsync): lost in a power cut, the old message is signed again at the next re-send.
    return this.#withoutFsync(() => this.#replaceFrame.run({ id, ...result }).changes === 1);
  }

  markFailed(id: string, at: number, code: string, message: string): boolean {
    return this.#fail.run({ id, at, code, message }).changes === 1;
  }

  /** An accepted or running job that produced no result, stored before `failed` is sent. */
  fail(id: string, failure: JobFailure): boolean {
    return this.#failUnfinished.run({ id, ...failure }).changes === 1;
  }

  /** The coordinator refused a result for good (bad_result, job_expired, unknown_job): failed with its code, not earned, nothing left to report. */
  rejectResult(id: string, failure: JobFailure): boolean {
    return this.#db
      .transaction(() => {
        const moved = this.#reject.run({ id, ...failure }).changes === 1;
        if (moved) this.#deleteFrame.run(id);
        return moved;
      })
      .immediate();
  }

  /**
   * The coordinator acknowledged the job's result or failure: its stored result
   * message is no longer needed. Not fsync'd (see #withoutFsync): lost in a
   * power cut, the stored message is sent again after the next login, and the
   * coordinator acknowledges a repeat as it did the first.
   */
  markReported(id: string, at: number): boolean {
    return this.#withoutFsync(() =>
      this.#db
        .transaction(() => {
          const changed = this.#report.run({ id, at }).changes === 1;
          this.#deleteFrame.run(id);
          return changed;
        })
        .immediate(),
    );
  }

  markPaid(id: string, voucherId: number): boolean {
    return this.#pay.run({ id, voucherId }).changes === 1;
  }

  /**
   * Stores a verified voucher and marks the jobs it names paid, in one
   * transaction, before it is acknowledged: after a kill either both happened
   * or neither did. The same voucher again stores nothing and pays nothing twice.
   * Only jobs of the voucher's own network (chain, escrow, payer) are paid.
   */
  payWithVoucher(
    voucher: { cumulativeAmount: bigint; signature: `0x${string}` },
    channel: VoucherChannel,
    jobIds: readonly string[],
    receivedAt: number,
  ): VoucherPayment {
    return this.#db
      .transaction(() => {
        const before = this.#vouchers.bySignature(voucher.signature);
        const stored = before ?? this.#vouchers.insert({ ...channel, ...voucher, receivedAt });
        const result: VoucherPayment = { voucher: stored, stored: before === undefined, paid: [], alreadyPaid: [], notPayable: [] };
        const network = { chainId: channel.chainId, escrow: channel.escrow, payer: channel.payer };
        for (const id of jobIds) {
          if (this.#payOffered.run({ id, voucherId: stored.id, ...network, at: receivedAt }).changes === 1) {
            this.#deleteFrame.run(id);
            result.paid.push(id);
            continue;
          }
          const job = this.#get.get(id);
          if (job?.state === 'paid' && job.voucher_id !== null) result.alreadyPaid.push(id);
          else result.notPayable.push(id);
        }
        return result;
      })
      .immediate();
  }

  /**
   * At start-up: jobs that were accepted or running when the node stopped
   * cannot finish any more; they fail as `interrupted`, to be reported.
   */
  interruptUnfinished(now: number): string[] {
    return this.#db
      .transaction(() => {
        const ids = this.#unfinished.all().map((row) => row.id);
        if (ids.length > 0) this.#interrupt.run({ at: now, message: INTERRUPTED_MESSAGE });
        return ids;
      })
      .immediate();
  }

  /**
   * Results and failures of `network` the coordinator has not acknowledged,
   * oldest first, a page at a time (all of them without `page`). The payer as
   * stored: the client stores EIP-55 spellings (an exact match keeps the
   * partial index in use).
   */
  unreported(network: JobNetwork, page: Partial<UnreportedPage> = {}): UnreportedJob[] {
    const after = page.after ?? { finishedAt: Number.MIN_SAFE_INTEGER, id: '' };
    const rows = this.#unreported.all({
      ...network,
      afterAt: after.finishedAt,
      afterId: after.id,
      limit: page.limit ?? -1,
    });
    return rows.map((row) => ({
      job: toJob(row),
      result: row.state === 'succeeded' && row.message_id !== null && row.frame !== null ? { messageId: row.message_id, frame: row.frame, payee: row.frame_payee } : null,
    }));
  }

  /** Exact total price of succeeded and paid jobs. */
  earned(): bigint {
    return parseBaseUnits(this.#earned.get()?.total ?? '0');
  }

  count(state: JobState): number {
    return this.#count.get(state)?.n ?? 0;
  }

  /** Jobs per state (every state present, zero when none): for metrics. */
  countByState(): Record<JobState, number> {
    const counts: Record<JobState, number> = { accepted: 0, running: 0, succeeded: 0, failed: 0, paid: 0 };
    for (const row of this.#byState.all()) counts[row.state] = row.n;
    return counts;
  }

  /** Failed jobs per error code: for metrics. */
  failuresByCode(): Record<string, number> {
    return Object.fromEntries(this.#failuresByCode.all().map((row) => [row.code, row.n]));
  }

  /** Per voucher channel, the exact sum of the prices of the jobs its vouchers paid. */
  paidByChannel(): { channel: VoucherChannel; total: bigint; jobs: number }[] {
    return this.#paidByChannel.all().map((row) => ({
      channel: { chainId: row.chain_id, escrow: row.escrow, payer: row.payer, payee: row.payee, token: row.token },
      total: parseBaseUnits(row.total),
      jobs: row.n,
    }));
  }
}

interface PaidRow {
  chain_id: number;
  escrow: Address;
  payer: Address;
  payee: Address;
  token: Address;
  total: string;
  n: number;
}

function toJob(row: JobRow): StoredJob {
  return {
    id: row.id,
    coordinator: row.coordinator,
    task: row.task,
    modelId: row.model_id,
    modelSha256: row.model_sha256,
    state: row.state,
    price: parseBaseUnits(row.price),
    acceptedAt: row.accepted_at,
    deadlineAt: row.deadline_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    executionProvider: row.execution_provider,
    resultHash: row.result_hash,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    voucherId: row.voucher_id,
    payer: row.payer,
    offerId: row.offer_id,
    reportedAt: row.reported_at,
    durationMs: row.duration_ms,
    chainId: row.chain_id,
    escrow: row.escrow,
  };
}
