/**
 * The reference coordinator's ledger: what it offered, what it owes and what
 * it signed. A file of its own (`<dataDir>/devnet/coordinator.sqlite`), opened
 * like the node's database (read-only inspection first, WAL, synchronous=FULL,
 * numbered migrations). Every state change is one statement or one explicit
 * transaction, so a kill leaves each row before or after a change, never half.
 *
 * One ledger serves one network side: a chain, an escrow and a payer. Rows of
 * another (a ledger file reused with a new escrow) stay as history and are
 * never counted in this one's channels.
 */
import type { Database } from 'better-sqlite3';
import type { TaskKind } from '../../shared/jobs.ts';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';
import type { Address, Hex } from '../../shared/voucher.ts';
import { openDatabase } from './database.ts';
import { ledgerMigrations } from './ledger-migrations.ts';

export const ledgerJobStates = ['offered', 'accepted', 'declined', 'withdrawn', 'succeeded', 'failed', 'rejected', 'expired'] as const;
export type LedgerJobState = (typeof ledgerJobStates)[number];
/** States from which a result or failure can still land. */
const OPEN = "('offered', 'accepted', 'withdrawn')";

export interface LedgerNetwork {
  chainId: number;
  escrow: Address;
  payer: Address;
}

export interface LedgerNode {
  address: Address;
  lastPayee: Address | null;
  firstLoginAt: number;
  lastLoginAt: number;
}

export interface LedgerJob {
  id: Hex;
  node: Address;
  task: TaskKind;
  modelSha256: string;
  price: bigint;
  state: LedgerJobState;
  offeredAt: number;
  deadlineAt: number;
  answeredAt: number | null;
  finishedAt: number | null;
  detail: string | null;
  resultHash: Hex | null;
  payee: Address | null;
  credited: boolean;
  voucherId: number | null;
}

export interface NewOfferedJob {
  id: Hex;
  node: Address;
  task: TaskKind;
  modelSha256: string;
  price: bigint;
  offeredAt: number;
  deadlineAt: number;
  /** What checking a late result needs (opaque here); dropped once the job is settled. */
  spec: Uint8Array;
}

export interface LedgerVoucher {
  id: number;
  chainId: number;
  escrow: Address;
  payer: Address;
  payee: Address;
  node: Address;
  cumulative: bigint;
  amount: bigint;
  signature: Hex;
  issuedAt: number;
  ackedAt: number | null;
}

/** What the next voucher for a node would pay, computed before it is signed. */
export interface VoucherDraft {
  node: Address;
  payee: Address;
  jobIds: Hex[];
  amount: bigint;
  previous: bigint;
  cumulative: bigint;
}

/** A voucher the node never acknowledged, with the jobs it pays. */
export interface UnackedVoucher {
  id: number;
  jobIds: Hex[];
}

/** The ledger refused a change that would break its books (a bug in the caller, never bad input). */
export class LedgerConflictError extends Error {
  override name = 'LedgerConflictError';
}

interface JobRow {
  id: Hex;
  node: Address;
  task: TaskKind;
  model_sha256: string;
  price: string;
  state: LedgerJobState;
  offered_at: number;
  deadline_at: number;
  answered_at: number | null;
  finished_at: number | null;
  detail: string | null;
  result_hash: Hex | null;
  payee: Address | null;
  credited: number;
  voucher_id: number | null;
}

interface VoucherRow {
  id: number;
  chain_id: number;
  escrow: Address;
  payer: Address;
  payee: Address;
  node: Address;
  cumulative: string;
  amount: string;
  signature: Hex;
  issued_at: number;
  acked_at: number | null;
}

interface NodeRow {
  address: Address;
  last_payee: Address | null;
  first_login_at: number;
  last_login_at: number;
}

const lower = <T extends string>(value: T): T => value.toLowerCase() as T;
const lowerOrNull = <T extends string>(value: T | null): T | null => (value === null ? null : lower(value));

export class CoordinatorLedger {
  readonly db: Database;
  readonly file: string;
  readonly network: LedgerNetwork;
  readonly #channel: { chainId: number; escrow: string; payer: string };
  readonly #s: ReturnType<typeof prepare>;

  private constructor(db: Database, file: string, network: LedgerNetwork) {
    this.db = db;
    this.file = file;
    this.network = { chainId: network.chainId, escrow: lower(network.escrow), payer: lower(network.payer) };
    this.#channel = { chainId: network.chainId, escrow: this.network.escrow, payer: this.network.payer };
    this.#s = prepare(db);
  }

  static open(file: string, network: LedgerNetwork): CoordinatorLedger {
    return new CoordinatorLedger(openDatabase(file, { migrations: ledgerMigrations }), file, network);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- nodes ------------------------------------------------------------------

  recordLogin(node: Address, payee: Address | null, at: number): void {
    this.#s.login.run({ address: lower(node), payee: lowerOrNull(payee), at });
  }

  node(address: Address): LedgerNode | undefined {
    const row = this.#s.node.get(lower(address));
    return row && { address: row.address, lastPayee: row.last_payee, firstLoginAt: row.first_login_at, lastLoginAt: row.last_login_at };
  }

  // ---- jobs -------------------------------------------------------------------

  /** Before the offer is sent: a result for it must find it, even after a restart. */
  insertOffered(job: NewOfferedJob): void {
    this.#s.insertJob.run({
      id: job.id,
      node: lower(job.node),
      task: job.task,
      modelSha256: job.modelSha256,
      price: baseUnitsToString(job.price),
      offeredAt: job.offeredAt,
      deadlineAt: job.deadlineAt,
      spec: job.spec,
    });
  }

  markAccepted(id: Hex, at: number): boolean {
    return this.#s.accept.run({ id, at }).changes === 1;
  }

  markDeclined(id: Hex, at: number, reason: string): boolean {
    return this.#s.decline.run({ id, at, reason }).changes === 1;
  }

  /** Unanswered in time or its node went away: the job goes back to the queue under a new id; a late result may still land. */
  markWithdrawn(id: Hex, at: number): boolean {
    return this.#s.withdraw.run({ id, at }).changes === 1;
  }

  markFailed(id: Hex, at: number, code: string): boolean {
    return this.#s.fail.run({ id, at, code }).changes === 1;
  }

  /** A right result: credited to the node (for `payee`, or for whoever it names next when null). */
  markSucceeded(id: Hex, result: { at: number; resultHash: Hex; payee: Address | null }): boolean {
    return this.#s.succeed.run({ id, at: result.at, resultHash: result.resultHash, payee: lowerOrNull(result.payee) }).changes === 1;
  }

  markRejected(id: Hex, result: { at: number; resultHash: Hex | null; reason: string }): boolean {
    return this.#s.reject.run({ id, at: result.at, resultHash: result.resultHash, reason: result.reason }).changes === 1;
  }

  /** One job past its deadline and grace (a late result found it before the sweep did). */
  markExpired(id: Hex, at: number): boolean {
    return this.#s.expireOne.run({ id, at }).changes === 1;
  }

  /**
   * The sweep: open jobs whose deadline is before `cutoff` (now − grace) expire;
   * withdrawn ones keep their state and lose their spec. Returns the expired jobs.
   */
  expireOpen(cutoff: number, at: number): { id: Hex; node: Address }[] {
    return this.db.transaction(() => {
      const expired = this.#s.expireAll.all({ cutoff, at });
      this.#s.forgetWithdrawn.run({ cutoff });
      return expired;
    }).immediate();
  }

  job(id: Hex): LedgerJob | undefined {
    const row = this.#s.job.get(id);
    return row && toJob(row);
  }

  jobSpec(id: Hex): Uint8Array | undefined {
    return this.#s.spec.get(id)?.spec ?? undefined;
  }

  /** Jobs a node accepted and may still report (deadline at or after `cutoff`): they hold its capacity. */
  acceptedJobIds(node: Address, cutoff: number): Hex[] {
    return this.#s.accepted.all({ node: lower(node), cutoff }).map((row) => row.id);
  }

  countsByState(): Record<LedgerJobState, number> {
    const counts = Object.fromEntries(ledgerJobStates.map((state) => [state, 0])) as Record<LedgerJobState, number>;
    for (const row of this.#s.counts.all()) counts[row.state] = row.n;
    return counts;
  }

  /** Exact total price of every credited job, vouchered or not. */
  creditedTotal(): bigint {
    return parseBaseUnits(this.#s.credited.get()?.total ?? '0');
  }

  // ---- vouchers -----------------------------------------------------------------

  latestVoucher(payee: Address): LedgerVoucher | undefined {
    const row = this.#s.latest.get({ ...this.#channel, payee: lower(payee) });
    return row && toVoucher(row);
  }

  /** The latest cumulative amount signed for (payer, payee) on this ledger's chain and escrow; 0 for none. */
  signedTotal(payer: Address, payee: Address): bigint {
    const row = this.#s.latest.get({ ...this.#channel, payer: lower(payer), payee: lower(payee) });
    return row ? parseBaseUnits(row.cumulative) : 0n;
  }

  /**
   * What the node's next voucher to `payee` would pay: its credited jobs not
   * yet vouchered, earned for this payee or while it had none (oldest first,
   * at most `limit`). Undefined when there is nothing to pay.
   */
  draftVoucher(node: Address, payee: Address, limit: number): VoucherDraft | undefined {
    const jobs = this.#s.unvouchered.all({ node: lower(node), payee: lower(payee), limit });
    if (jobs.length === 0) return undefined;
    const amount = jobs.reduce((sum, job) => sum + parseBaseUnits(job.price), 0n);
    const previous = this.signedTotal(this.network.payer, payee);
    return { node: lower(node), payee: lower(payee), jobIds: jobs.map((job) => job.id), amount, previous, cumulative: previous + amount };
  }

  /**
   * Stores a signed voucher with the jobs it pays, in one transaction, before
   * it is sent. Refuses (LedgerConflictError) a draft the books moved past: a
   * newer voucher in the channel, or a job no longer unvouchered credit of that node.
   */
  recordVoucher(draft: VoucherDraft, signature: Hex, issuedAt: number): LedgerVoucher {
    return this.db.transaction(() => {
      const previous = this.signedTotal(this.network.payer, draft.payee);
      if (previous !== draft.previous) throw new LedgerConflictError(`the channel moved from ${draft.previous} to ${previous} while the voucher was signed`);
      let amount = 0n;
      for (const id of draft.jobIds) {
        const job = this.#s.job.get(id);
        if (!job || job.node !== draft.node || job.credited !== 1 || job.voucher_id !== null || (job.payee !== null && job.payee !== draft.payee)) {
          throw new LedgerConflictError(`job ${id} is not unvouchered credit of ${draft.node} for ${draft.payee}`);
        }
        amount += parseBaseUnits(job.price);
      }
      if (amount !== draft.amount || draft.previous + amount !== draft.cumulative) throw new LedgerConflictError('the voucher does not add up');
      const { lastInsertRowid } = this.#s.insertVoucher.run({
        ...this.#channel,
        payee: draft.payee,
        node: draft.node,
        cumulative: baseUnitsToString(draft.cumulative),
        amount: baseUnitsToString(draft.amount),
        signature,
        issuedAt,
      });
      const voucherId = Number(lastInsertRowid);
      for (const id of draft.jobIds) {
        this.#s.payJob.run({ id, voucherId });
        this.#s.linkJob.run({ id, voucherId });
      }
      const row = this.#s.voucher.get(voucherId);
      if (!row) throw new Error('voucher insert did not persist');
      return toVoucher(row);
    }).immediate();
  }

  voucher(id: number): LedgerVoucher | undefined {
    const row = this.#s.voucher.get(id);
    return row && toVoucher(row);
  }

  /**
   * The node stored the vouchers with ids in [from, to] that are its own and
   * made out to `payee`: they need not be sent again. Returns how many were newly acked.
   */
  ackVouchers(node: Address, payee: Address, from: number, to: number, at: number): number {
    return this.#s.ack.run({ ...this.#channel, node: lower(node), payee: lower(payee), from, to, at }).changes;
  }

  /** The node's vouchers on this network (to `payee`, or to any payee) it never acknowledged, oldest first, with their jobs. */
  unackedVouchers(node: Address, payee?: Address): UnackedVoucher[] {
    const byVoucher = new Map<number, Hex[]>();
    for (const row of this.#s.unacked.all({ ...this.#channel, node: lower(node), payee: payee === undefined ? null : lower(payee) })) {
      const jobs = byVoucher.get(row.voucher_id) ?? [];
      if (row.job_id !== null) jobs.push(row.job_id);
      byVoucher.set(row.voucher_id, jobs);
    }
    return [...byVoucher].map(([id, jobIds]) => ({ id, jobIds }));
  }

  /** The jobs of every voucher the node never acknowledged (to `payee`, or to any payee). */
  unackedJobIds(node: Address, payee?: Address): Hex[] {
    return this.unackedVouchers(node, payee).flatMap((voucher) => voucher.jobIds);
  }

  /** Jobs that more than one voucher pays, or whose own record names another voucher than the link: must be 0. */
  jobsPaidMoreThanOnce(): number {
    return this.#s.paidTwice.get()?.n ?? 0;
  }

  /**
   * Every way the books could be wrong, as sentences (empty when right): per
   * channel, each voucher's cumulative is the previous one's plus its amount,
   * its amount is the sum of its jobs' prices, and the latest cumulative is the
   * sum of every vouchered job's price; no job is paid twice; only credited
   * jobs are paid. Reads everything: for tests and audits, not the hot path.
   */
  invariantProblems(): string[] {
    const problems: string[] = [];
    const paidTwice = this.jobsPaidMoreThanOnce();
    if (paidTwice > 0) problems.push(`${paidTwice} job(s) are paid by more than one voucher`);
    const uncredited = this.#s.paidUncredited.get()?.n ?? 0;
    if (uncredited > 0) problems.push(`${uncredited} voucher link(s) name a job that is not credited`);
    const running = new Map<string, bigint>();
    for (const row of this.#s.allVouchers.all()) {
      const key = `${row.chain_id}/${row.escrow}/${row.payer}/${row.payee}`;
      const previous = running.get(key) ?? 0n;
      const cumulative = parseBaseUnits(row.cumulative);
      const amount = parseBaseUnits(row.amount);
      const jobsTotal = parseBaseUnits(this.#s.voucherJobsTotal.get(row.id)?.total ?? '0');
      if (previous + amount !== cumulative) problems.push(`voucher ${row.id}: ${previous} + ${amount} is not its cumulative ${cumulative}`);
      if (jobsTotal !== amount) problems.push(`voucher ${row.id}: its jobs add up to ${jobsTotal}, not its amount ${amount}`);
      running.set(key, cumulative);
    }
    for (const row of this.#s.channelJobTotals.all()) {
      const key = `${row.chain_id}/${row.escrow}/${row.payer}/${row.payee}`;
      const latest = running.get(key) ?? 0n;
      if (parseBaseUnits(row.total) !== latest) problems.push(`channel ${key}: the latest cumulative ${latest} is not the ${row.total} its jobs earned`);
    }
    return problems;
  }
}

function prepare(db: Database) {
  const channel = 'chain_id = @chainId AND escrow = @escrow AND payer = @payer';
  return {
    login: db.prepare<{ address: string; payee: string | null; at: number }>(
      `INSERT INTO nodes (address, last_payee, first_login_at, last_login_at) VALUES (@address, @payee, @at, @at)
       ON CONFLICT (address) DO UPDATE SET last_payee = excluded.last_payee, last_login_at = excluded.last_login_at`,
    ),
    node: db.prepare<[string], NodeRow>('SELECT * FROM nodes WHERE address = ?'),
    insertJob: db.prepare<Record<string, unknown>>(
      `INSERT INTO jobs (id, node, task, model_sha256, price, state, offered_at, deadline_at, spec)
       VALUES (@id, @node, @task, @modelSha256, @price, 'offered', @offeredAt, @deadlineAt, @spec)`,
    ),
    accept: db.prepare<{ id: string; at: number }>("UPDATE jobs SET state = 'accepted', answered_at = @at WHERE id = @id AND state = 'offered'"),
    decline: db.prepare<{ id: string; at: number; reason: string }>(
      "UPDATE jobs SET state = 'declined', answered_at = @at, finished_at = @at, detail = @reason, spec = NULL WHERE id = @id AND state = 'offered'",
    ),
    withdraw: db.prepare<{ id: string; at: number }>("UPDATE jobs SET state = 'withdrawn', finished_at = @at WHERE id = @id AND state = 'offered'"),
    fail: db.prepare<{ id: string; at: number; code: string }>(
      `UPDATE jobs SET state = 'failed', finished_at = @at, detail = @code, spec = NULL WHERE id = @id AND state IN ${OPEN}`,
    ),
    succeed: db.prepare<{ id: string; at: number; resultHash: string; payee: string | null }>(
      `UPDATE jobs SET state = 'succeeded', credited = 1, finished_at = @at, result_hash = @resultHash, payee = @payee, spec = NULL
       WHERE id = @id AND state IN ${OPEN}`,
    ),
    reject: db.prepare<{ id: string; at: number; resultHash: string | null; reason: string }>(
      `UPDATE jobs SET state = 'rejected', finished_at = @at, result_hash = @resultHash, detail = @reason, spec = NULL WHERE id = @id AND state IN ${OPEN}`,
    ),
    expireOne: db.prepare<{ id: string; at: number; }>(`UPDATE jobs SET state = 'expired', finished_at = @at, spec = NULL WHERE id = @id AND state IN ${OPEN}`),
    expireAll: db.prepare<{ cutoff: number; at: number }, { id: Hex; node: Address }>(
      `UPDATE jobs SET state = 'expired', finished_at = @at, spec = NULL WHERE state IN ('offered', 'accepted') AND deadline_at < @cutoff RETURNING id, node`,
    ),
    forgetWithdrawn: db.prepare<{ cutoff: number; }>("UPDATE jobs SET spec = NULL WHERE state = 'withdrawn' AND spec IS NOT NULL AND deadline_at < @cutoff"),
    job: db.prepare<[string], JobRow>('SELECT id, node, task, model_sha256, price, state, offered_at, deadline_at, answered_at, finished_at, detail, result_hash, payee, credited, voucher_id FROM jobs WHERE id = ?'),
    spec: db.prepare<[string], { spec: Buffer | null }>('SELECT spec FROM jobs WHERE id = ?'),
    accepted: db.prepare<{ node: string; cutoff: number }, { id: Hex }>("SELECT id FROM jobs WHERE node = @node AND state = 'accepted' AND deadline_at >= @cutoff"),
    counts: db.prepare<[], { state: LedgerJobState; n: number }>('SELECT state, count(*) AS n FROM jobs GROUP BY state'),
    credited: db.prepare<[], { total: string }>('SELECT money_sum(price) AS total FROM jobs WHERE credited = 1'),
    latest: db.prepare<Record<string, unknown>, VoucherRow>(`SELECT * FROM vouchers WHERE ${channel} AND payee = @payee ORDER BY id DESC LIMIT 1`),
    unvouchered: db.prepare<{ node: string; payee: string; limit: number }, { id: Hex; price: string }>(
      `SELECT id, price FROM jobs WHERE node = @node AND credited = 1 AND voucher_id IS NULL AND (payee IS NULL OR payee = @payee)
       ORDER BY offered_at, id LIMIT @limit`,
    ),
    insertVoucher: db.prepare<Record<string, unknown>>(
      `INSERT INTO vouchers (chain_id, escrow, payer, payee, node, cumulative, amount, signature, issued_at)
       VALUES (@chainId, @escrow, @payer, @payee, @node, @cumulative, @amount, @signature, @issuedAt)`,
    ),
    payJob: db.prepare<{ id: string; voucherId: number }>('UPDATE jobs SET voucher_id = @voucherId WHERE id = @id AND voucher_id IS NULL'),
    linkJob: db.prepare<{ id: string; voucherId: number }>('INSERT INTO voucher_jobs (voucher_id, job_id) VALUES (@voucherId, @id)'),
    voucher: db.prepare<[number], VoucherRow>('SELECT * FROM vouchers WHERE id = ?'),
    ack: db.prepare<Record<string, unknown>>(
      `UPDATE vouchers SET acked_at = @at WHERE node = @node AND payee = @payee AND ${channel} AND id BETWEEN @from AND @to AND acked_at IS NULL`,
    ),
    unacked: db.prepare<Record<string, unknown>, { voucher_id: number; job_id: Hex | null }>(
      `SELECT v.id AS voucher_id, vj.job_id FROM vouchers v LEFT JOIN voucher_jobs vj ON vj.voucher_id = v.id
       WHERE v.node = @node AND v.acked_at IS NULL AND v.chain_id = @chainId AND v.escrow = @escrow AND v.payer = @payer
         AND (@payee IS NULL OR v.payee = @payee)
       ORDER BY v.id, vj.job_id`,
    ),
    paidTwice: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM (
         SELECT job_id FROM voucher_jobs GROUP BY job_id HAVING count(*) > 1
         UNION
         SELECT vj.job_id FROM voucher_jobs vj JOIN jobs j ON j.id = vj.job_id WHERE j.voucher_id IS NOT vj.voucher_id
         UNION
         SELECT j.id FROM jobs j WHERE j.voucher_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM voucher_jobs vj WHERE vj.job_id = j.id))`,
    ),
    paidUncredited: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM voucher_jobs vj JOIN jobs j ON j.id = vj.job_id WHERE j.credited = 0'),
    allVouchers: db.prepare<[], VoucherRow>('SELECT * FROM vouchers ORDER BY id'),
    voucherJobsTotal: db.prepare<[number], { total: string }>('SELECT money_sum(j.price) AS total FROM voucher_jobs vj JOIN jobs j ON j.id = vj.job_id WHERE vj.voucher_id = ?'),
    channelJobTotals: db.prepare<[], { chain_id: number; escrow: string; payer: string; payee: string; total: string }>(
      `SELECT v.chain_id, v.escrow, v.payer, v.payee, money_sum(j.price) AS total
       FROM voucher_jobs vj JOIN vouchers v ON v.id = vj.voucher_id JOIN jobs j ON j.id = vj.job_id
       GROUP BY v.chain_id, v.escrow, v.payer, v.payee`,
    ),
  };
}

function toJob(row: JobRow): LedgerJob {
  return {
    id: row.id,
    node: row.node,
    task: row.task,
    modelSha256: row.model_sha256,
    price: parseBaseUnits(row.price),
    state: row.state,
    offeredAt: row.offered_at,
    deadlineAt: row.deadline_at,
    answeredAt: row.answered_at,
    finishedAt: row.finished_at,
    detail: row.detail,
    resultHash: row.result_hash,
    payee: row.payee,
    credited: row.credited === 1,
    voucherId: row.voucher_id,
  };
}

function toVoucher(row: VoucherRow): LedgerVoucher {
  return {
    id: row.id,
    chainId: row.chain_id,
    escrow: row.escrow,
    payer: row.payer,
    payee: row.payee,
    node: row.node,
    cumulative: parseBaseUnits(row.cumulative),
    amount: parseBaseUnits(row.amount),
    signature: row.signature,
    issuedAt: row.issued_at,
    ackedAt: row.acked_at,
  };
}
