import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Store } from '../../../main/store/index.ts';
import type { NewOfferedJob } from '../../../main/store/jobs.ts';
import { tempDir } from '../../helpers/temp.ts';

/**
 * Of a job's four commits, the two the exactly-once rules order before a
 * message (accepted, result) wait for their fsync; "running" and "reported"
 * do not (their loss in a power cut repeats work the protocol tolerates), and
 * leave the connection as durable as they found it.
 */

const PAYER: `0x${string}` = `0x${'a'.repeat(40)}`;
const offered = (id: string): NewOfferedJob => ({
  id,
  coordinator: 'ws://127.0.0.1:1/ws',
  task: 'tensor',
  modelId: 'scale',
  modelSha256: 'c'.repeat(64),
  price: 100n,
  acceptedAt: 10,
  deadlineAt: 1_000,
  payer: PAYER,
  chainId: 31337,
  escrow: `0x${'e'.repeat(40)}`,
  offerId: `offer-${id}`,
});
const success = { at: 20, resultHash: `0x${'1'.repeat(64)}`, executionProvider: 'cpu', durationMs: 1, messageId: 'result-1', frame: '{}', payee: PAYER };

/** The synchronous levels set while `write` ran (1 = NORMAL, 2 = FULL), spying on the store's pragmas. */
function levelsSet(store: Store, write: () => unknown): number[] {
  const set: number[] = [];
  const original = store.db.pragma.bind(store.db);
  const spy = vi.spyOn(store.db, 'pragma').mockImplementation((source, options) => {
    const level = /^synchronous = (\w+)$/.exec(source)?.[1];
    if (level !== undefined) set.push(level === 'NORMAL' ? 1 : Number(level));
    return original(source, options);
  });
  try {
    write();
  } finally {
    spy.mockRestore();
  }
  return set;
}

describe('job commits and fsync', () => {
  it('commits running and reported without fsync, accepted and result with it, and stays FULL', () => {
    const store = Store.open(join(tempDir(), 'hearth.db'));
    expect(levelsSet(store, () => store.jobs.acceptJob(offered('j1')))).toEqual([]);
    expect(levelsSet(store, () => store.jobs.markRunning('j1', 11))).toEqual([1, 2]);
    expect(levelsSet(store, () => store.jobs.succeed('j1', success))).toEqual([]);
    expect(levelsSet(store, () => store.jobs.markReported('j1', 30))).toEqual([1, 2]);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.jobs.get('j1')).toMatchObject({ state: 'succeeded', startedAt: 11, reportedAt: 30 });
    store.close();
  });

  it('leaves the level alone inside a caller\'s transaction, where SQLite refuses to change it', () => {
    const store = Store.open(join(tempDir(), 'hearth.db'));
    store.jobs.acceptJob(offered('j1'));
    store.db.transaction(() => {
      expect(store.jobs.markRunning('j1', 11)).toBe(true);
    })();
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.jobs.get('j1')?.state).toBe('running');
    store.close();
  });

  it('restores FULL when the write throws', () => {
    const store = Store.open(join(tempDir(), 'hearth.db'));
    store.jobs.acceptJob(offered('j1'));
    store.jobs.succeed('j1', success);
    store.db.exec("CREATE TRIGGER refuse BEFORE UPDATE OF reported_at ON jobs BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() => store.jobs.markReported('j1', 30)).toThrow('refused');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    store.close();
  });
});
