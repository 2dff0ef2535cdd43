import type { Database, Statement } from 'better-sqlite3';
import type { Job, JobState, TaskKind } from '../../shared/jobs.ts';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';

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
}

export type NewJob = Pick<Job, 'id' | 'coordinator' | 'task' | 'modelId' | 'modelSha256' | 'price' | 'acceptedAt' | 'deadlineAt'>;

/** Jobs from acceptance to payment. Every state change is one statement, so a kill never leaves half a row. */
export class JobsRepository {
  readonly #insert: Statement<Record<string, unknown>>;
  readonly #get: Statement<[string], JobRow>;
  readonly #recent: Statement<{ limit: number; before: number }, JobRow>;
  readonly #start: Statement<{ id: string; at: number }>;
  readonly #succeed: Statement<{ id: string; at: number; resultHash: string; ep: string }>;
  readonly #fail: Statement<{ id: string; at: number; code: string; message: string }>;
  readonly #pay: Statement<{ id: string; voucherId: number }>;
  readonly #earned: Statement<[], { total: string }>;
  readonly #count: Statement<[JobState], { n: number }>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at)
       VALUES (@id, @coordinator, @task, @modelId, @modelSha256, 'accepted', @price, @acceptedAt, @deadlineAt)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.#get = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.#recent = db.prepare('SELECT * FROM jobs WHERE accepted_at < @before ORDER BY accepted_at DESC, id DESC LIMIT @limit');
    this.#start = db.prepare("UPDATE jobs SET state = 'running', started_at = @at WHERE id = @id AND state = 'accepted'");
    this.#succeed = db.prepare(
      "UPDATE jobs SET state = 'succeeded', finished_at = @at, result_hash = @resultHash, execution_provider = @ep WHERE id = @id AND state IN ('accepted', 'running')",
    );
    this.#fail = db.prepare(
      "UPDATE jobs SET state = 'failed', finished_at = @at, error_code = @code, error_message = @message WHERE id = @id AND state IN ('accepted', 'running', 'succeeded')",
    );
    this.#pay = db.prepare("UPDATE jobs SET state = 'paid', voucher_id = @voucherId WHERE id = @id AND state = 'succeeded'");
    this.#earned = db.prepare("SELECT money_sum(price) AS total FROM jobs WHERE state IN ('succeeded', 'paid')");
    this.#count = db.prepare('SELECT count(*) AS n FROM jobs WHERE state = ?');
  }

  /** Records an accepted job; a repeated offer with the same id changes nothing. Returns whether it was new. */
  insertAccepted(job: NewJob): boolean {
    return this.#insert.run({ ...job, price: baseUnitsToString(job.price) }).changes === 1;
  }

  get(id: string): Job | undefined {
    const row = this.#get.get(id);
    return row && toJob(row);
  }

  recent(limit: number, before = Number.MAX_SAFE_INTEGER): Job[] {
    return this.#recent.all({ limit, before }).map(toJob);
  }

  markRunning(id: string, at: number): boolean {
    return this.#start.run({ id, at }).changes === 1;
  }

  markSucceeded(id: string, at: number, resultHash: string, executionProvider: string): boolean {
    return this.#succeed.run({ id, at, resultHash, ep: executionProvider }).changes === 1;
  }

  markFailed(id: string, at: number, code: string, message: string): boolean {
    return this.#fail.run({ id, at, code, message }).changes === 1;
  }

  markPaid(id: string, voucherId: number): boolean {
    return this.#pay.run({ id, voucherId }).changes === 1;
  }

  /** Exact total price of succeeded and paid jobs. */
  earned(): bigint {
    return parseBaseUnits(this.#earned.get()?.total ?? '0');
  }

  count(state: JobState): number {
    return this.#count.get(state)?.n ?? 0;
  }
}

function toJob(row: JobRow): Job {
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
  };
}
