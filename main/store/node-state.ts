import type { Database, Statement } from 'better-sqlite3';
import type { z } from 'zod';

/** Small JSON values the node keeps across restarts, each read through a schema. */
export class NodeStateRepository {
  readonly #get: Statement<[string], { value: string }>;
  readonly #put: Statement<{ key: string; value: string; now: number }>;
  readonly #delete: Statement<[string]>;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT value FROM node_state WHERE key = ?');
    this.#put = db.prepare(
      'INSERT INTO node_state (key, value, updated_at) VALUES (@key, @value, @now) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.#delete = db.prepare('DELETE FROM node_state WHERE key = ?');
  }

  /** The stored value, or undefined when absent or no longer valid. */
  get<T extends z.ZodType>(key: string, schema: T): z.output<T> | undefined {
    const row = this.#get.get(key);
    if (!row) return undefined;
    try {
      const result = schema.safeParse(JSON.parse(row.value));
      return result.success ? result.data : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown, now = Date.now()): void {
    this.#put.run({ key, value: JSON.stringify(value), now });
  }

  delete(key: string): void {
    this.#delete.run(key);
  }
}
