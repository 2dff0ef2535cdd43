import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/index.ts';
import { tempDir } from '../../helpers/temp.ts';

const SHA = 'a'.repeat(64);
const ADDRESS = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`;

function openStore(): Store {
  return Store.open(join(tempDir(), 'hearth.db'));
}

function job(id: string, price: bigint) {
  return { id, coordinator: 'ws://local', task: 'ocr' as const, modelId: 'm', modelSha256: SHA, price, acceptedAt: 1, deadlineAt: 2 };
}

describe('money in SQLite', () => {
  it('sums prices exactly past 2^63 (where SQLite integers overflow)', () => {
    const store = openStore();
    const max64 = 2n ** 63n - 1n;
    for (let i = 0; i < 4; i++) {
      store.jobs.insertAccepted(job(`j${i}`, max64));
      store.jobs.markSucceeded(`j${i}`, 3, 'h', 'cpu');
    }
    store.jobs.insertAccepted(job('huge', 2n ** 200n));
    store.jobs.markSucceeded('huge', 3, 'h', 'cpu');
    store.jobs.insertAccepted(job('unfinished', 10n ** 30n)); // accepted, not earned
    expect(store.jobs.earned()).toBe(4n * max64 + 2n ** 200n);
    expect(store.jobs.get('huge')?.price).toBe(2n ** 200n);
    store.close();
  });

  it('stores uint256 amounts and finds the numerically highest voucher', () => {
    const store = openStore();
    const channel = { chainId: 31337, escrow: ADDRESS(1), payer: ADDRESS(2), payee: ADDRESS(3), token: ADDRESS(4) };
    const amounts = [9n, 10n, 2n ** 64n, 2n ** 256n - 1n, 99999n];
    amounts.forEach((amount, i) => store.vouchers.insert({ ...channel, cumulativeAmount: amount, signature: `0x${i}`, receivedAt: i }));
    expect(store.vouchers.highest(channel)?.cumulativeAmount).toBe(2n ** 256n - 1n);
    expect(store.vouchers.highest({ ...channel, payer: ADDRESS(9) })).toBeUndefined();
    store.close();
  });

  it('refuses non-canonical amounts at the database level', () => {
    const store = openStore();
    const insert = store.db.prepare(
      "INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at) VALUES (?, 'c', 'ocr', 'm', ?, 'accepted', ?, 1, 2)",
    );
    for (const bad of ['-1', '007', '1.5', '', 'abc', '1'.repeat(79), ' 5']) {
      expect(() => insert.run(`job-${bad}`, SHA, bad), `price ${JSON.stringify(bad)}`).toThrow(/CHECK constraint/);
    }
    expect(() => insert.run('integer-price', SHA, 5)).toThrow(); // STRICT: an INTEGER is not TEXT
    insert.run('ok', SHA, '0');
    store.close();
  });

  it('money_sum() adds as bigint and is "0" on no rows', () => {
    const store = openStore();
    expect(store.db.prepare("SELECT money_sum(price) FROM jobs WHERE state = 'paid'").pluck().get()).toBe('0');
    const sum = store.db.prepare("SELECT money_sum(x) FROM (SELECT '18446744073709551616' AS x UNION ALL SELECT '18446744073709551616')").pluck().get();
    expect(sum).toBe('36893488147419103232');
    store.close();
  });
});
