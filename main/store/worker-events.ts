import type { Database, Statement } from 'better-sqlite3';

export type WorkerEventKind = 'started' | 'crashed' | 'killed' | 'restarting' | 'gave_up' | 'provider_fallback';

export interface StoredWorkerEvent {
  id: number;
  at: number;
  kind: WorkerEventKind;
  pid: number | null;
  detail: Record<string, unknown>;
}

/** Every start, crash, kill and restart of the inference worker: what "why did my job fail?" is answered from. */
export class WorkerEventsRepository {
  readonly #insert: Statement<{ at: number; kind: WorkerEventKind; pid: number | null; detail: string }>;
  readonly #recent: Statement<[number], { id: number; at: number; kind: WorkerEventKind; pid: number | null; detail: string }>;
  readonly #count: Statement<[WorkerEventKind], { n: number }>;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO worker_events (at, kind, pid, detail) VALUES (@at, @kind, @pid, @detail)');
    this.#recent = db.prepare('SELECT * FROM worker_events ORDER BY id DESC LIMIT ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM worker_events WHERE kind = ?');
  }

  record(at: number, kind: WorkerEventKind, pid: number | null, detail: Record<string, unknown>): void {
    this.#insert.run({ at, kind, pid, detail: JSON.stringify(detail) });
  }

  recent(limit: number): StoredWorkerEvent[] {
    return this.#recent.all(limit).map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  }

  count(kind: WorkerEventKind): number {
    return this.#count.get(kind)?.n ?? 0;
  }
}
