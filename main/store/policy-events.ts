import type { Database, Statement } from 'better-sqlite3';

export type Decision = 'run' | 'pause';

export interface PolicyEvent {
  id: number;
  at: number;
  decision: Decision;
  /** Who decided: `manual`, `startup`, later `schedule`, `idle`, `gaming`, … */
  source: string;
  reason: string;
  budget: unknown;
}

interface PolicyEventRow {
  id: number;
  at: number;
  decision: Decision;
  source: string;
  reason: string;
  budget: string | null;
}

/** Every run/pause decision with its reason: the user's answer to "why did it stop?". */
export class PolicyEventsRepository {
  readonly #insert: Statement<{ at: number; decision: Decision; source: string; reason: string; budget: string | null }>;
  readonly #recent: Statement<[number], PolicyEventRow>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      'INSERT INTO policy_events (at, decision, source, reason, budget) VALUES (@at, @decision, @source, @reason, @budget)',
    );
    this.#recent = db.prepare('SELECT * FROM policy_events ORDER BY id DESC LIMIT ?');
  }

  record(event: Omit<PolicyEvent, 'id'>): number {
    const budget = event.budget === undefined || event.budget === null ? null : JSON.stringify(event.budget);
    return Number(this.#insert.run({ ...event, budget }).lastInsertRowid);
  }

  recent(limit: number): PolicyEvent[] {
    return this.#recent.all(limit).map((row) => ({ ...row, budget: row.budget === null ? null : (JSON.parse(row.budget) as unknown) }));
  }
}
