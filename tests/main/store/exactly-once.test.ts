import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../main/store/database.ts';
import { Store } from '../../../main/store/index.ts';
import { INTERRUPTED_MESSAGE, type NewOfferedJob } from '../../../main/store/jobs.ts';
import { LATEST_SCHEMA_VERSION, migrations } from '../../../main/store/migrations.ts';
import type { VoucherChannel } from '../../../main/store/vouchers.ts';
import { tempDir } from '../../helpers/temp.ts';

const SHA = 'c'.repeat(64);
const ADDRESS = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`;
const PAYER = ADDRESS(0xa);
const channel: VoucherChannel = { chainId: 31337, escrow: ADDRESS(1), payer: PAYER, payee: ADDRESS(2), token: ADDRESS(3) };

function openStore(dir = tempDir()): Store {
  return Store.open(join(dir, 'hearth.db'));
}

function offered(id: string, price = 100n, payer = PAYER): NewOfferedJob {
  return { id, coordinator: 'ws://127.0.0.1:1/ws', task: 'tensor', modelId: 'scale', modelSha256: SHA, price, acceptedAt: 10, deadlineAt: 1_000, payer, offerId: `offer-${id}` };
}

function success(n: number) {
  return { at: 20 + n, resultHash: `0x${n.toString(16).padStart(64, '0')}`, executionProvider: 'cpu', durationMs: 1.5, messageId: `result-${n}`, frame: JSON.stringify({ n }) };
}

describe('exactly-once job accounting', () => {
  it('accepts a job once and answers a repeat with the job as it stands', () => {
    const store = openStore();
    const first = store.jobs.acceptJob(offered('j1'));
    expect(first.created).toBe(true);
    expect(first.job).toMatchObject({ id: 'j1', state: 'accepted', payer: PAYER, offerId: 'offer-j1', reportedAt: null });
    store.jobs.markRunning('j1', 11);
    const again = store.jobs.acceptJob({ ...offered('j1', 999n), offerId: 'other' });
    expect(again.created).toBe(false);
    expect(again.job).toMatchObject({ state: 'running', price: 100n, offerId: 'offer-j1' });
    store.close();
  });

  it('stores the result hash and the result message together, and drops the message once acknowledged', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('j1'));
    expect(store.jobs.succeed('j1', success(1))).toBe(true);
    expect(store.jobs.succeed('j1', success(2))).toBe(false); // a job succeeds once
    expect(store.jobs.get('j1')).toMatchObject({ state: 'succeeded', resultHash: success(1).resultHash, durationMs: 1.5, reportedAt: null });
    expect(store.jobs.unreported(PAYER)).toEqual([{ job: expect.objectContaining({ id: 'j1' }) as unknown, result: { messageId: 'result-1', frame: '{"n":1}' } }]);
    expect(store.jobs.unreported(ADDRESS(0xb))).toEqual([]); // another network's payer
    expect(store.jobs.markReported('j1', 30)).toBe(true);
    expect(store.jobs.markReported('j1', 31)).toBe(false); // the first acknowledgement counts
    expect(store.jobs.get('j1')?.reportedAt).toBe(30);
    expect(store.jobs.unreported(PAYER)).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
    store.close();
  });

  it('fails only unfinished jobs, and reports failures without a stored message', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('j1'));
    expect(store.jobs.fail('j1', { at: 15, code: 'paused', message: 'paused by you' })).toBe(true);
    expect(store.jobs.fail('j1', { at: 16, code: 'internal', message: 'again' })).toBe(false);
    expect(store.jobs.unreported(PAYER)).toEqual([{ job: expect.objectContaining({ id: 'j1', state: 'failed', errorCode: 'paused' }) as unknown, result: null }]);
    store.jobs.acceptJob(offered('j2'));
    store.jobs.succeed('j2', success(2));
    expect(store.jobs.fail('j2', { at: 17, code: 'internal', message: 'late' })).toBe(false); // a result is never turned into a failure here
    store.close();
  });

  it('marks a refused result failed with the coordinator’s code: not earned, nothing left to report', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('j1', 70n));
    store.jobs.succeed('j1', success(1));
    expect(store.jobs.earned()).toBe(70n);
    expect(store.jobs.rejectResult('j1', { at: 40, code: 'bad_result', message: 'the hash does not match' })).toBe(true);
    expect(store.jobs.get('j1')).toMatchObject({ state: 'failed', errorCode: 'bad_result', reportedAt: 40 });
    expect(store.jobs.earned()).toBe(0n);
    expect(store.jobs.unreported(PAYER)).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
    store.close();
  });

  it('stores a voucher and pays its jobs in one transaction, once', () => {
    const store = openStore();
    for (const id of ['a', 'b', 'c']) {
      store.jobs.acceptJob(offered(id));
      store.jobs.succeed(id, success(id.charCodeAt(0)));
    }
    store.jobs.acceptJob(offered('other-payer', 5n, ADDRESS(0xb)));
    store.jobs.succeed('other-payer', success(9));
    const first = store.jobs.payWithVoucher({ cumulativeAmount: 200n, signature: '0x01' }, channel, ['a', 'b', 'unknown', 'other-payer'], 50);
    expect(first).toMatchObject({ stored: true, paid: ['a', 'b'], alreadyPaid: [], notPayable: ['unknown', 'other-payer'] });
    expect(store.jobs.get('a')).toMatchObject({ state: 'paid', voucherId: first.voucher.id, reportedAt: 50 });
    // The same voucher again (re-sent after a lost ack): nothing new.
    const repeat = store.jobs.payWithVoucher({ cumulativeAmount: 200n, signature: '0x01' }, channel, ['a', 'b'], 60);
    expect(repeat).toMatchObject({ stored: false, paid: [], alreadyPaid: ['a', 'b'], notPayable: [] });
    expect(repeat.voucher.id).toBe(first.voucher.id);
    const second = store.jobs.payWithVoucher({ cumulativeAmount: 300n, signature: '0x02' }, channel, ['a', 'c'], 70);
    expect(second).toMatchObject({ stored: true, paid: ['c'], alreadyPaid: ['a'] });
    expect(store.vouchers.recent(10)).toHaveLength(2);
    expect(store.vouchers.highest(channel)?.cumulativeAmount).toBe(300n);
    expect(store.jobs.paidByChannel()).toEqual([{ channel, total: 300n, jobs: 3 }]);
    expect(store.vouchers.highestPerChannel().map((v) => v.cumulativeAmount)).toEqual([300n]);
    store.close();
  });

  it('leaves neither the voucher nor any payment behind when the transaction fails', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('a'));
    store.jobs.succeed('a', success(1));
    // A channel the vouchers table refuses (escrow not 42 characters) makes the insert throw inside the transaction.
    expect(() => store.jobs.payWithVoucher({ cumulativeAmount: 1n, signature: '0x03' }, { ...channel, escrow: '0x12' }, ['a'], 5)).toThrow();
    expect(store.jobs.get('a')?.state).toBe('succeeded');
    expect(store.vouchers.recent(10)).toEqual([]);
    store.close();
  });

  it('fails interrupted jobs at start-up and lists them to report', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('accepted'));
    store.jobs.acceptJob(offered('running'));
    store.jobs.markRunning('running', 12);
    store.jobs.acceptJob(offered('done'));
    store.jobs.succeed('done', success(3));
    expect(store.jobs.interruptUnfinished(99)).toEqual(['accepted', 'running']);
    expect(store.jobs.interruptUnfinished(100)).toEqual([]);
    expect(store.jobs.get('running')).toMatchObject({ state: 'failed', errorCode: 'interrupted', errorMessage: INTERRUPTED_MESSAGE, finishedAt: 99 });
    const unreported = store.jobs.unreported(PAYER);
    expect(unreported.map((u) => [u.job.id, u.result?.messageId ?? null])).toEqual([
      ['done', 'result-3'],
      ['accepted', null],
      ['running', null],
    ]);
    store.close();
  });

  it('counts jobs by state and failures by code for metrics', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('a'));
    store.jobs.acceptJob(offered('b'));
    store.jobs.fail('b', { at: 1, code: 'deadline', message: 'too slow' });
    store.jobs.acceptJob(offered('c'));
    store.jobs.succeed('c', success(1));
    expect(store.jobs.countByState()).toEqual({ accepted: 1, running: 0, succeeded: 1, failed: 1, paid: 0 });
    expect(store.jobs.failuresByCode()).toEqual({ deadline: 1 });
    store.close();
  });
});

describe('migration 5', () => {
  it('opens a version-4 database with jobs in it and migrates it', () => {
    const dir = tempDir();
    const file = join(dir, 'hearth.db');
    const v4 = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 4) });
    expect(schemaVersion(v4)).toBe(4);
    const insert = v4.prepare(
      `INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at, finished_at, result_hash)
       VALUES (?, 'ws://old', 'tensor', 'scale', ?, ?, '5', 1, 2, ?, ?)`,
    );
    insert.run('old-done', SHA, 'succeeded', 3, 'h');
    insert.run('old-running', SHA, 'running', null, null);
    v4.close();

    const store = openStore(dir);
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
    // A job that ended before the network client had nobody to report to.
    expect(store.jobs.get('old-done')).toMatchObject({ state: 'succeeded', payer: null, reportedAt: 3, durationMs: null });
    expect(store.jobs.interruptUnfinished(10)).toEqual(['old-running']);
    expect(store.jobs.get('old-running')).toMatchObject({ state: 'failed', errorCode: 'interrupted', reportedAt: null });
    expect(store.jobs.earned()).toBe(5n);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
