import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import { defaultLimits, limitsSchema, type Limits } from '../../shared/limits.ts';

/**
 * The contribution limits, stored as one document in its wire form (money as
 * decimal strings) and read back through the same schema. A stored document
 * that no longer passes (a hand-edited database, a future version's) reads as
 * the defaults with the problem named — never as a half-applied limit.
 */
export class LimitsRepository {
  readonly #get: Statement<[], { value: string }>;
  readonly #put: Statement<{ value: string; now: number }>;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT value FROM limits WHERE id = 1');
    this.#put = db.prepare(
      'INSERT INTO limits (id, value, updated_at) VALUES (1, @value, @now) ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  read(): { limits: Limits; problem: string | null } {
    const row = this.#get.get();
    if (!row) return { limits: defaultLimits, problem: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.value);
    } catch {
      return { limits: defaultLimits, problem: 'the stored limits are not valid JSON' };
    }
    const result = z.safeDecode(limitsSchema, parsed as z.input<typeof limitsSchema>);
    if (result.success) return { limits: result.data, problem: null };
    return { limits: defaultLimits, problem: `the stored limits are invalid (${result.error.issues[0]?.message ?? 'unknown problem'})` };
  }

  write(limits: Limits, now = Date.now()): void {
    this.#put.run({ value: JSON.stringify(z.encode(limitsSchema, limits)), now });
  }
}
