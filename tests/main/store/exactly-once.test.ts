import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../main/store/database.ts';
import { Store } from '../../../main/store/index.ts';
import { INTERRUPTED_MESSAGE, type JobNetwork, type NewOfferedJob } from '../../../main/store/jobs.ts';
import { LATEST_SCHEMA_VERSION, migrations } from '../../../main/store/migrations.ts';
import type { VoucherChannel } from '../../../main/store/vouchers.ts';
import { tempDir } from '../../helpers/temp.ts';

const SHA = 'c'.repeat(64);
const ADDRESS = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`;
const PAYER = ADDRESS(0xa);
const NETWORK: JobNetwork = { chainId: 31337, escrow: ADDRESS(1), payer: PAYER };
const channel: VoucherChannel = { ...NETWORK, payee: ADDRESS(2), token: ADDRESS(3) };

function openStore(dir = tempDir()): Store {
  return Store.open(join(dir, 'hearth.db'));
}

/** A data dir whose database an older Hearth wrote: migrated up to `version` only, open to be filled in. */
function databaseAt(version: number): { dir: string; db: Database } {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'hearth.db'), { migrations: migrations.filter((m) => m.version <= version) });
  expect(schemaVersion(db)).toBe(version);
  return { dir, db };
}

function offered(id: string, price = 100n, network: Partial<JobNetwork> = {}): NewOfferedJob {
  return { id, coordinator: 'ws://127.0.0.1:1/ws', task: 'tensor', modelId: 'scale', modelSha256: SHA, price, acceptedAt: 10, deadlineAt: 1_000, ...NETWORK, ...network, offerId: `offer-${id}` };
}

function success(n: number) {
  return { at: 20 + n, resultHash: `0x${n.toString(16).padStart(64, '0')}`, executionProvider: 'cpu', durationMs: 1.5, messageId: `result-${n}`, frame: JSON.stringify({ n }), payee: ADDRESS(2) };
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
    expect(store.jobs.unreported(NETWORK)).toEqual([{ job: expect.objectContaining({ id: 'j1' }) as unknown, result: { messageId: 'result-1', frame: '{"n":1}', payee: ADDRESS(2) } }]);
    expect(store.jobs.unreported({ ...NETWORK, payer: ADDRESS(0xb) })).toEqual([]); // another network's payer
    expect(store.jobs.markReported('j1', 30)).toBe(true);
    expect(store.jobs.markReported('j1', 31)).toBe(false); // the first acknowledgement counts
    expect(store.jobs.get('j1')?.reportedAt).toBe(30);
    expect(store.jobs.unreported(NETWORK)).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
    store.close();
  });

  it('fails only unfinished jobs, and reports failures without a stored message', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('j1'));
    expect(store.jobs.fail('j1', { at: 15, code: 'paused', message: 'paused by you' })).toBe(true);
    expect(store.jobs.fail('j1', { at: 16, code: 'internal', message: 'again' })).toBe(false);
    expect(store.jobs.unreported(NETWORK)).toEqual([{ job: expect.objectContaining({ id: 'j1', state: 'failed', errorCode: 'paused' }) as unknown, result: null }]);
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
    expect(store.jobs.unreported(NETWORK)).toEqual([]);
    expect(store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
    store.close();
  });

  it('stores a voucher and pays its jobs in one transaction, once', () => {
    const store = openStore();
    for (const id of ['a', 'b', 'c']) {
      store.jobs.acceptJob(offered(id));
      store.jobs.succeed(id, success(id.charCodeAt(0)));
    }
    store.jobs.acceptJob(offered('other-payer', 5n, { payer: ADDRESS(0xb) }));
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
    const unreported = store.jobs.unreported(NETWORK);
    expect(unreported.map((u) => [u.job.id, u.result?.messageId ?? null])).toEqual([
      ['done', 'result-3'],
      ['accepted', null],
      ['running', null],
    ]);
    store.close();
  });

  it('knows a job by its network — chain, escrow and payer: another network paid by the same key neither gets it re-sent nor pays it', () => {
    const store = openStore();
    const otherEscrow: JobNetwork = { ...NETWORK, escrow: ADDRESS(0xe2) };
    const otherChain: JobNetwork = { ...NETWORK, chainId: 8453 };
    store.jobs.acceptJob(offered('ours'));
    store.jobs.acceptJob(offered('escrow-2', 100n, otherEscrow));
    store.jobs.acceptJob(offered('chain-2', 100n, otherChain));
    for (const [i, id] of ['ours', 'escrow-2', 'chain-2'].entries()) store.jobs.succeed(id, success(i));
    expect(store.jobs.get('escrow-2')).toMatchObject({ payer: PAYER, chainId: 31337, escrow: ADDRESS(0xe2) });

    expect(store.jobs.unreported(NETWORK).map((u) => u.job.id)).toEqual(['ours']);
    expect(store.jobs.unreported(otherEscrow).map((u) => u.job.id)).toEqual(['escrow-2']);
    expect(store.jobs.unreported(otherChain).map((u) => u.job.id)).toEqual(['chain-2']);
    // Addresses match whatever their case.
    expect(store.jobs.unreported({ ...NETWORK, escrow: NETWORK.escrow.toUpperCase().replace('0X', '0x') as `0x${string}` }).map((u) => u.job.id)).toEqual(['ours']);

    // A voucher of the other escrow's channel names every job: it pays only its own.
    const payment = store.jobs.payWithVoucher({ cumulativeAmount: 300n, signature: '0x0e' }, { ...channel, escrow: otherEscrow.escrow }, ['ours', 'escrow-2', 'chain-2'], 40);
    expect(payment).toMatchObject({ paid: ['escrow-2'], notPayable: ['ours', 'chain-2'] });
    expect(store.jobs.get('ours')).toMatchObject({ state: 'succeeded', voucherId: null, reportedAt: null });
    expect(store.jobs.get('chain-2')).toMatchObject({ state: 'succeeded', voucherId: null });
    store.close();
  });

  it('lists what is still to report a page at a time: after a (finishedAt, id) cursor, at most a limit', () => {
    const store = openStore();
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.jobs.acceptJob(offered(id));
    store.jobs.succeed('a', { ...success(1), at: 5 });
    store.jobs.succeed('b', { ...success(2), at: 5 });
    store.jobs.fail('c', { at: 6, code: 'paused', message: 'paused' });
    store.jobs.succeed('d', { ...success(4), at: 7 });
    store.jobs.succeed('e', { ...success(5), at: 9 });
    const ids = (page: Parameters<typeof store.jobs.unreported>[1]) => store.jobs.unreported(NETWORK, page).map((u) => u.job.id);
    expect(ids({})).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids({ limit: 2 })).toEqual(['a', 'b']);
    expect(ids({ limit: 2, after: { finishedAt: 5, id: 'a' } })).toEqual(['b', 'c']);
    expect(ids({ after: { finishedAt: 5, id: 'b' } })).toEqual(['c', 'd', 'e']);
    store.jobs.markReported('c', 10);
    expect(ids({ after: { finishedAt: 5, id: 'b' }, limit: 1 })).toEqual(['d']);
    store.close();
  });

  it('replaces a stored result (signed again for another payee) only while it is still to report', () => {
    const store = openStore();
    store.jobs.acceptJob(offered('j1'));
    store.jobs.succeed('j1', { ...success(1), payee: ADDRESS(0) });
    expect(store.jobs.unreported(NETWORK)[0]?.result).toEqual({ messageId: 'result-1', frame: '{"n":1}', payee: ADDRESS(0) });
    expect(store.jobs.replaceResult('j1', { messageId: 'result-1', frame: '{"n":2}', payee: ADDRESS(2) })).toBe(true);
    expect(store.jobs.unreported(NETWORK)[0]?.result).toEqual({ messageId: 'result-1', frame: '{"n":2}', payee: ADDRESS(2) });
    expect(store.jobs.get('j1')).toMatchObject({ state: 'succeeded', resultHash: success(1).resultHash });
    store.jobs.markReported('j1', 30);
    expect(store.jobs.replaceResult('j1', { messageId: 'result-1', frame: '{"n":3}', payee: ADDRESS(3) })).toBe(false);
    expect(store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
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
    const { dir, db: v4 } = databaseAt(4);
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

describe('migration 6', () => {
  it('gives the jobs of a version-5 database their network: a paid one its voucher’s, the others the one network pinned with their payer', () => {
    const { dir, db: v5 } = databaseAt(5);
    const pin = v5.prepare("INSERT INTO node_state (key, value, updated_at) VALUES (?, ?, 1)");
    const terms = (chainId: number, escrow: string, payer: string) => JSON.stringify({ chainId, escrow, token: ADDRESS(3), payer });
    // Payer A: one network (pinned under two names, the same terms). Payer B: two networks. Payer C: none pinned.
    pin.run('network.pin:local', terms(31337, ADDRESS(0xe1), ADDRESS(0xa)));
    pin.run('network.pin:http://other', terms(31337, ADDRESS(0xe1).toUpperCase().replace('0X', '0x'), ADDRESS(0xa)));
    pin.run('network.pin:http://b1', terms(31337, ADDRESS(0xe2), ADDRESS(0xb)));
    pin.run('network.pin:http://b2', terms(8453, ADDRESS(0xe3), ADDRESS(0xb)));
    v5.prepare(
      `INSERT INTO vouchers (id, chain_id, escrow, payer, payee, token, cumulative_amount, signature, received_at) VALUES (7, 10, ?, ?, ?, ?, '5', '0x07', 1)`,
    ).run(ADDRESS(0xe9), ADDRESS(0xa), ADDRESS(2), ADDRESS(3));
    const insert = v5.prepare(
      `INSERT INTO jobs (id, coordinator, task, model_id, model_sha256, state, price, accepted_at, deadline_at, finished_at, result_hash, payer, voucher_id, reported_at)
       VALUES (?, 'ws://old', 'tensor', 'scale', ?, ?, '5', 1, 2, 3, 'h', ?, ?, ?)`,
    );
    insert.run('paid', SHA, 'paid', ADDRESS(0xa), 7, 3);
    insert.run('a', SHA, 'succeeded', ADDRESS(0xa).toUpperCase().replace('0X', '0x'), null, null);
    insert.run('b', SHA, 'succeeded', ADDRESS(0xb), null, null);
    insert.run('c', SHA, 'succeeded', ADDRESS(0xc), null, null);
    insert.run('old', SHA, 'succeeded', null, null, 3);
    v5.prepare("INSERT INTO result_frames (job_id, message_id, frame, created_at) VALUES ('a', 'm-a', '{}', 3)").run();
    v5.close();

    const store = openStore(dir);
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(store.jobs.get('paid')).toMatchObject({ chainId: 10, escrow: ADDRESS(0xe9) });
    expect(store.jobs.get('a')).toMatchObject({ chainId: 31337 });
    expect(store.jobs.get('a')?.escrow?.toLowerCase()).toBe(ADDRESS(0xe1)); // either pin's spelling: addresses are matched whatever their case
    expect(store.jobs.unreported({ chainId: 31337, escrow: ADDRESS(0xe1), payer: ADDRESS(0xa).toUpperCase().replace('0X', '0x') as `0x${string}` }).map((u) => u.job.id)).toEqual(['a']);
    // Which of two networks offered it cannot be told, nor for a payer no network is pinned with: matched by the payer alone, as before.
    expect(store.jobs.get('b')).toMatchObject({ chainId: null, escrow: null });
    expect(store.jobs.get('c')).toMatchObject({ chainId: null, escrow: null });
    expect(store.jobs.get('old')).toMatchObject({ payer: null, chainId: null, escrow: null });
    expect(store.jobs.unreported({ chainId: 8453, escrow: ADDRESS(0xe3), payer: ADDRESS(0xb) }).map((u) => u.job.id)).toEqual(['b']);
    expect(store.jobs.unreported({ chainId: 31337, escrow: ADDRESS(0xe2), payer: ADDRESS(0xb) }).map((u) => u.job.id)).toEqual(['b']);
    // A result stored before the migration: who it was signed for is not known.
    expect(store.db.prepare("SELECT payee FROM result_frames WHERE job_id = 'a'").pluck().get()).toBeNull();
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
