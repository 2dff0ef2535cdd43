import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Address, Hex } from '../../../../shared/voucher.ts';
import { CoordinatorLedger, LedgerConflictError } from '../../../../main/store/ledger.ts';
import { tempDir } from '../../../helpers/temp.ts';

const address = (): Address => privateKeyToAccount(generatePrivateKey()).address;
const NETWORK = { chainId: 31337, escrow: address(), payer: address() };
const SIGNATURE = (n: number): Hex => `0x${n.toString(16).padStart(130, '0')}`;
let nextJob = 0;
const jobId = (): Hex => `0x${(++nextJob).toString(16).padStart(64, '0')}`;

function open(dir = tempDir()): CoordinatorLedger {
  return CoordinatorLedger.open(join(dir, 'coordinator.sqlite'), NETWORK);
}

function offered(ledger: CoordinatorLedger, node: Address, price: bigint, deadlineAt = Date.now() + 60_000): Hex {
  const id = jobId();
  ledger.insertOffered({ id, node, task: 'tensor', modelSha256: 'a'.repeat(64), price, offeredAt: Date.now(), deadlineAt, spec: Uint8Array.of(1, 2, 3) });
  return id;
}

function credited(ledger: CoordinatorLedger, node: Address, price: bigint, payee: Address | null): Hex {
  const id = offered(ledger, node, price);
  ledger.markAccepted(id, Date.now());
  expect(ledger.markSucceeded(id, { at: Date.now(), resultHash: `0x${'e'.repeat(64)}`, payee })).toBe(true);
  return id;
}

describe('the coordinator ledger', () => {
  it('moves jobs only along allowed transitions, one statement each', () => {
    const ledger = open();
    const node = address();
    ledger.recordLogin(node, null, 1);
    const id = offered(ledger, node, 5n);
    expect([...(ledger.jobSpec(id) ?? [])]).toEqual([1, 2, 3]);
    expect(ledger.markAccepted(id, 2)).toBe(true);
    expect(ledger.markAccepted(id, 3)).toBe(false);
    expect(ledger.markDeclined(id, 3, 'busy')).toBe(false);
    expect(ledger.markSucceeded(id, { at: 4, resultHash: `0x${'1'.repeat(64)}`, payee: null })).toBe(true);
    expect(ledger.markFailed(id, 5, 'internal')).toBe(false);
    expect(ledger.markRejected(id, { at: 5, resultHash: null, reason: 'x' })).toBe(false);
    expect(ledger.job(id)).toMatchObject({ state: 'succeeded', credited: true, node: node.toLowerCase(), price: 5n });
    expect(ledger.jobSpec(id)).toBeUndefined();
    expect(ledger.countsByState()).toMatchObject({ succeeded: 1, offered: 0 });
    ledger.close();
  });

  it('expires open jobs past the cutoff and forgets withdrawn ones’ specs', () => {
    const ledger = open();
    const node = address();
    ledger.recordLogin(node, null, 1);
    const late = offered(ledger, node, 1n, 1_000);
    const accepted = offered(ledger, node, 1n, 1_000);
    ledger.markAccepted(accepted, 2);
    const withdrawn = offered(ledger, node, 1n, 1_000);
    ledger.markWithdrawn(withdrawn, 2);
    const future = offered(ledger, node, 1n, 10_000);
    const expired = ledger.expireOpen(5_000, 6_000).map((job) => job.id);
    expect(expired.sort()).toEqual([late, accepted].sort());
    expect(ledger.job(withdrawn)?.state).toBe('withdrawn');
    expect(ledger.jobSpec(withdrawn)).toBeUndefined();
    expect(ledger.job(future)?.state).toBe('offered');
    expect(ledger.acceptedJobIds(node, 0)).toEqual([]);
    ledger.close();
  });

  it('keeps amounts past 2^64 exact', () => {
    const ledger = open();
    const node = address();
    const payee = address();
    ledger.recordLogin(node, payee, 1);
    const big = 2n ** 200n + 7n;
    credited(ledger, node, big, payee);
    credited(ledger, node, big, payee);
    const draft = ledger.draftVoucher(node, payee, 10);
    expect(draft?.cumulative).toBe(2n * big);
    if (!draft) throw new Error('no draft');
    ledger.recordVoucher(draft, SIGNATURE(1), 1);
    expect(ledger.signedTotal(NETWORK.payer, payee)).toBe(2n * big);
    expect(ledger.creditedTotal()).toBe(2n * big);
    expect(ledger.invariantProblems()).toEqual([]);
    ledger.close();
  });

  it('vouchers are cumulative, pay each job once, and refuse a draft the books moved past', () => {
    const ledger = open();
    const node = address();
    const payee = address();
    ledger.recordLogin(node, payee, 1);
    const early = credited(ledger, node, 3n, null); // earned before the node named a payee
    const other = credited(ledger, node, 100n, address()); // earned for another payee: not this channel's
    credited(ledger, node, 4n, payee);
    const first = ledger.draftVoucher(node, payee, 10);
    if (!first) throw new Error('no draft');
    expect(first).toMatchObject({ amount: 7n, previous: 0n, cumulative: 7n });
    expect(first.jobIds).toContain(early);
    expect(first.jobIds).not.toContain(other);
    const stale = { ...first };
    ledger.recordVoucher(first, SIGNATURE(1), 1);
    expect(() => ledger.recordVoucher(stale, SIGNATURE(2), 2)).toThrow(LedgerConflictError);
    expect(ledger.draftVoucher(node, payee, 10)).toBeUndefined();

    credited(ledger, node, 5n, payee);
    const second = ledger.draftVoucher(node, payee, 10);
    if (!second) throw new Error('no draft');
    expect(second).toMatchObject({ amount: 5n, previous: 7n, cumulative: 12n });
    expect(() => ledger.recordVoucher({ ...second, cumulative: 13n }, SIGNATURE(3), 3)).toThrow(LedgerConflictError);
    const voucher = ledger.recordVoucher(second, SIGNATURE(3), 3);
    expect(ledger.latestVoucher(payee)).toEqual(voucher);
    expect(ledger.signedTotal(NETWORK.payer, payee)).toBe(12n);
    expect(ledger.signedTotal(address(), payee)).toBe(0n);
    expect(ledger.jobsPaidMoreThanOnce()).toBe(0);
    expect(ledger.invariantProblems()).toEqual([]);
    ledger.close();
  });

  it('tracks what each node acked, per payee, and finds a job paid twice', () => {
    const ledger = open();
    const node = address();
    const payee = address();
    ledger.recordLogin(node, payee, 1);
    const a = credited(ledger, node, 1n, payee);
    const first = ledger.recordVoucher(ledger.draftVoucher(node, payee, 10) ?? expect.unreachable(), SIGNATURE(1), 1);
    const b = credited(ledger, node, 1n, payee);
    const second = ledger.recordVoucher(ledger.draftVoucher(node, payee, 10) ?? expect.unreachable(), SIGNATURE(2), 2);
    expect(ledger.unackedVouchers(node, payee)).toEqual([
      { id: first.id, jobIds: [a] },
      { id: second.id, jobIds: [b] },
    ]);
    expect(ledger.ackVouchers(node, address(), first.id, second.id, 3)).toBe(0); // another payee's range acks nothing
    expect(ledger.ackVouchers(node, payee, first.id, first.id, 3)).toBe(1);
    expect(ledger.unackedJobIds(node)).toEqual([b]);

    // Tampering shows: a second link for a paid job.
    ledger.db.prepare('INSERT INTO voucher_jobs (voucher_id, job_id) VALUES (?, ?)').run(second.id, a);
    expect(ledger.jobsPaidMoreThanOnce()).toBe(1);
    expect(ledger.invariantProblems().join('\n')).toMatch(/more than one voucher/);
    ledger.close();
  });

  it('survives a reopen with everything in it', () => {
    const dir = tempDir();
    const ledger = open(dir);
    const node = address();
    const payee = address();
    ledger.recordLogin(node, payee, 1);
    credited(ledger, node, 9n, payee);
    ledger.recordVoucher(ledger.draftVoucher(node, payee, 10) ?? expect.unreachable(), SIGNATURE(1), 1);
    ledger.close();
    const again = open(dir);
    expect(again.signedTotal(NETWORK.payer, payee)).toBe(9n);
    expect(again.node(node)).toMatchObject({ lastPayee: payee.toLowerCase() });
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });

  it('refuses a file that is not SQLite, leaving it untouched', () => {
    const dir = tempDir();
    const file = join(dir, 'coordinator.sqlite');
    writeFileSync(file, 'not a database at all, but long enough to have a header............................................');
    expect(() => CoordinatorLedger.open(file, NETWORK)).toThrow(/not an SQLite database/);
  });
});
