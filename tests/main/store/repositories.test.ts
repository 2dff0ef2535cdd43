import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Store } from '../../../main/store/index.ts';
import { defaultSettings } from '../../../shared/settings.ts';
import { tempDir } from '../../helpers/temp.ts';

const SHA = 'b'.repeat(64);

function openStore(dir = tempDir()): Store {
  return Store.open(join(dir, 'hearth.db'));
}

describe('SettingsRepository', () => {
  it('reads defaults, persists a patch and reads it back after reopening', () => {
    const dir = tempDir();
    const store = openStore(dir);
    expect(store.settings.get()).toEqual(defaultSettings);
    expect(store.settings.update({ nodeName: 'Attic rig', startPaused: true })).toEqual({ ...defaultSettings, nodeName: 'Attic rig', startPaused: true });
    store.close();
    const again = openStore(dir);
    expect(again.settings.get().nodeName).toBe('Attic rig');
    again.close();
  });

  it('reads an invalid stored value as its default, reports it, and keeps the row', () => {
    const store = openStore();
    store.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"sepia\"', 1), ('futureKey', '1', 1)").run();
    const { settings, problems } = store.settings.read();
    expect(settings.theme).toBe('system');
    expect(problems).toEqual([{ key: 'theme', problem: expect.stringMatching(/system|light|dark/) as unknown }]);
    expect(store.db.prepare("SELECT count(*) FROM settings WHERE key IN ('theme', 'futureKey')").pluck().get()).toBe(2);
    store.close();
  });
});

describe('NodeStateRepository', () => {
  it('stores JSON values and reads them through a schema', () => {
    const store = openStore();
    const schema = z.object({ until: z.number() });
    store.nodeState.set('pause', { until: 5 });
    expect(store.nodeState.get('pause', schema)).toEqual({ until: 5 });
    store.nodeState.set('pause', { until: 'later' });
    expect(store.nodeState.get('pause', schema)).toBeUndefined();
    store.nodeState.delete('pause');
    expect(store.nodeState.get('pause', schema)).toBeUndefined();
    store.close();
  });
});

describe('JobsRepository', () => {
  const job = { id: 'job-1', coordinator: 'ws://c', task: 'ocr' as const, modelId: 'ppocr', modelSha256: SHA, price: 1500n, acceptedAt: 10, deadlineAt: 20 };

  it('walks accepted → running → succeeded → paid, and refuses out-of-order moves', () => {
    const store = openStore();
    expect(store.jobs.insertAccepted(job)).toBe(true);
    expect(store.jobs.insertAccepted(job)).toBe(false); // a repeated offer changes nothing
    expect(store.jobs.markPaid('job-1', 1)).toBe(false); // not succeeded yet
    expect(store.jobs.markRunning('job-1', 11)).toBe(true);
    expect(store.jobs.markSucceeded('job-1', 12, 'hash', 'cpu')).toBe(true);
    const voucher = store.vouchers.insert({
      chainId: 1,
      escrow: `0x${'1'.repeat(40)}`,
      payer: `0x${'2'.repeat(40)}`,
      payee: `0x${'3'.repeat(40)}`,
      token: `0x${'4'.repeat(40)}`,
      cumulativeAmount: 1500n,
      signature: '0xabc',
      receivedAt: 13,
    });
    expect(store.jobs.markPaid('job-1', voucher.id)).toBe(true);
    expect(store.jobs.markPaid('job-1', voucher.id)).toBe(false); // never paid twice
    expect(store.jobs.markFailed('job-1', 14, 'late', 'too late')).toBe(false); // paid is final
    expect(store.jobs.get('job-1')).toMatchObject({ state: 'paid', voucherId: voucher.id, resultHash: 'hash', executionProvider: 'cpu', startedAt: 11, finishedAt: 12 });
    store.close();
  });

  it('records failures with their code, and lists recent jobs newest first', () => {
    const store = openStore();
    store.jobs.insertAccepted(job);
    store.jobs.insertAccepted({ ...job, id: 'job-2', acceptedAt: 30 });
    expect(store.jobs.markFailed('job-1', 15, 'interrupted', 'the node restarted')).toBe(true);
    expect(store.jobs.get('job-1')).toMatchObject({ state: 'failed', errorCode: 'interrupted' });
    expect(store.jobs.recent(10).map((j) => j.id)).toEqual(['job-2', 'job-1']);
    expect(store.jobs.recent(10, 30).map((j) => j.id)).toEqual(['job-1']);
    expect(store.jobs.count('failed')).toBe(1);
    store.close();
  });
});

describe('VouchersRepository', () => {
  it('stores each signature once', () => {
    const store = openStore();
    const v = { chainId: 1, escrow: `0x${'1'.repeat(40)}`, payer: `0x${'2'.repeat(40)}`, payee: `0x${'3'.repeat(40)}`, token: `0x${'4'.repeat(40)}`, cumulativeAmount: 5n, signature: '0xsig', receivedAt: 1 } as const;
    const first = store.vouchers.insert(v);
    const second = store.vouchers.insert({ ...v, receivedAt: 2 });
    expect(second.id).toBe(first.id);
    expect(store.vouchers.recent(10)).toHaveLength(1);
    store.close();
  });
});

describe('ChainTxsRepository', () => {
  it('keeps a transaction from signed to confirmed and lists the open ones', () => {
    const store = openStore();
    const hash = `0x${'f'.repeat(64)}` as const;
    store.chainTxs.insertSigned({ chainId: 8453, kind: 'claim', from: `0x${'1'.repeat(40)}`, to: `0x${'2'.repeat(40)}`, amount: 2n ** 70n, nonce: 0, hash, raw: '0x02f8', detail: {}, maxFee: null }, 1);
    expect(store.chainTxs.open().map((t) => t.hash)).toEqual([hash]);
    store.chainTxs.setState(hash, 'confirmed', { blockNumber: 10, blockHash: `0x${'e'.repeat(64)}` }, 2);
    expect(store.chainTxs.open()).toEqual([]);
    expect(store.chainTxs.get(hash)).toMatchObject({ state: 'confirmed', amount: 2n ** 70n, blockNumber: 10, updatedAt: 2 });
    store.close();
  });
});

describe('PolicyEventsRepository', () => {
  it('records decisions with reasons, newest first', () => {
    const store = openStore();
    store.policyEvents.record({ at: 1, decision: 'run', source: 'startup', reason: 'Ready', budget: null });
    store.policyEvents.record({ at: 2, decision: 'pause', source: 'manual', reason: 'Paused by you', budget: { threads: 2 } });
    expect(store.policyEvents.recent(5)).toMatchObject([
      { decision: 'pause', source: 'manual', reason: 'Paused by you', budget: { threads: 2 } },
      { decision: 'run', source: 'startup', budget: null },
    ]);
    store.close();
  });
});
