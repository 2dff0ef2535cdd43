import type { Database } from 'better-sqlite3';
import { baseUnitsToString, parseBaseUnits } from '../../shared/money.ts';

/**
 * `money_sum(column)`: exact sum of canonical base-unit strings, as a string.
 * SQLite's own SUM() works on 64-bit integers (or lossy floats), and token
 * totals pass 2^63; this aggregate adds as bigint. Returns '0' for no rows.
 */
export function registerMoneyFunctions(db: Database): void {
  db.aggregate('money_sum', {
    start: () => 0n,
    step: (total: bigint, value: unknown) => {
      if (value === null) return total;
      if (typeof value !== 'string') throw new TypeError('money_sum() takes base units as TEXT');
      return total + parseBaseUnits(value);
    },
    result: (total: bigint) => baseUnitsToString(total),
    deterministic: true,
    safeIntegers: true,
  });
}
