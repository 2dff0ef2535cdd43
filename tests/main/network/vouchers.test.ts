import { getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../shared/voucher.ts';
import { until } from '../../helpers/worker.ts';
import { loggedIn, startHarness, type Harness } from './harness.ts';

/** Runs `n` jobs to acknowledged results; returns their ids. */
async function earn(h: Harness, n: number): Promise<`0x${string}`[]> {
  const ids: `0x${string}`[] = [];
  for (let i = 0; i < n; i++) {
    const { offer } = await h.coordinator.sendOffer({ price: 100n });
    const { message } = await h.coordinator.next('result', (m) => m.jobId === offer.jobId);
    h.coordinator.send({ type: 'ack', ref: message.id });
    ids.push(offer.jobId);
  }
  await until(() => ids.every((id) => h.store.jobs.get(id)?.reportedAt !== null));
  return ids;
}

function channel(h: Harness) {
  return {
    chainId: h.coordinator.chainId,
    escrow: getAddress(h.coordinator.escrow),
    payer: getAddress(h.coordinator.payer.address),
    payee: getAddress(h.payee.current as Address),
    token: getAddress(h.coordinator.token),
  };
}

describe('NetworkClient: vouchers', () => {
  it('stores a voucher and marks its jobs paid in one transaction, before the ack; a repeat is acknowledged again and stores nothing', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const jobs = await earn(h, 2);
    const atAck: unknown[] = [];
    h.onSend.current = (frame) => {
      if (frame.type === 'ack') atAck.push({ highest: h.store.vouchers.highest(channel(h))?.cumulativeAmount, states: jobs.map((id) => h.store.jobs.get(id)?.state) });
    };
    const voucher = await h.coordinator.voucher(h.payee.current as Address, 200n);
    const first = h.coordinator.send({ type: 'voucher', voucher, jobIds: jobs });
    await h.coordinator.next('ack', (m) => m.ref === first);
    expect(atAck[0]).toEqual({ highest: 200n, states: ['paid', 'paid'] });
    const stored = h.store.vouchers.highest(channel(h));
    expect(stored).toMatchObject({ cumulativeAmount: 200n, signature: voucher.signature.toLowerCase() });
    expect(h.store.jobs.get(jobs[0] ?? '')?.voucherId).toBe(stored?.id);

    // The coordinator re-sends it (our ack was lost): acknowledged again, nothing new stored.
    const again = h.coordinator.send({ type: 'voucher', voucher, jobIds: jobs });
    await h.coordinator.next('ack', (m) => m.ref === again);
    expect(h.store.vouchers.count(channel(h))).toBe(1);
    expect(h.store.jobs.paidByChannel()).toEqual([{ channel: channel(h), total: 200n, jobs: 2 }]);
  });

  it('refuses vouchers that do not verify or go backwards: no ack, nothing stored, counted once each', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const jobs = await earn(h, 2);
    const payee = h.payee.current as Address;
    const good = await h.coordinator.voucher(payee, 200n);
    const goodId = h.coordinator.send({ type: 'voucher', voucher: good, jobIds: [jobs[0] ?? ''] as `0x${string}`[] });
    await h.coordinator.next('ack', (m) => m.ref === goodId);

    const stranger = privateKeyToAccount(generatePrivateKey());
    const refused = [
      h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 300n, stranger), jobIds: [] }), // bad signature
      h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(stranger.address, 300n), jobIds: [] }), // to someone else
      h.coordinator.send({ type: 'voucher', voucher: { ...(await h.coordinator.voucher(payee, 300n)), chainId: 1 }, jobIds: [] }), // another chain
      h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 150n), jobIds: [jobs[1] ?? ''] as `0x${string}`[] }), // backwards
    ];
    // Frames are handled in order: once this one is acknowledged, the ones before it were answered or dropped.
    const marker = h.coordinator.send({ type: 'voucher', voucher: good, jobIds: [] });
    await h.coordinator.next('ack', (m) => m.ref === marker);
    expect(h.coordinator.all('ack').filter((a) => refused.includes(a.ref))).toEqual([]);
    expect(h.store.vouchers.recent(10).map((v) => v.cumulativeAmount)).toEqual([200n]);
    expect(h.store.jobs.get(jobs[1] ?? '')?.state).toBe('succeeded');
    expect(Object.fromEntries(h.counters.rejections)).toEqual({
      voucher_bad_signature: 1,
      voucher_wrong_provider: 1,
      voucher_wrong_domain: 1,
      voucher_not_increasing: 1,
    });
  });

  it('stores a voucher that names jobs it does not hold, and says so once', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const [job] = await earn(h, 1);
    const unknown = `0x${'ab'.repeat(32)}` as const;
    const id = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(h.payee.current as Address, 100n), jobIds: [job ?? unknown, unknown] });
    await h.coordinator.next('ack', (m) => m.ref === id);
    expect(h.store.jobs.get(job ?? '')?.state).toBe('paid');
    expect(h.counters.rejections.get('voucher_unknown_jobs')).toBe(1);
    expect(h.logs.filter((l) => l.message.includes('voucher_unknown_jobs'))).toHaveLength(1);
  });

  it('pays the jobs a voucher names in its order while its amount covers them; the rest stay awaiting, said once', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const jobs = await earn(h, 3);
    const payee = h.payee.current as Address;
    // 250 covers two of its three jobs of 100: those two are paid, not none of them.
    const short = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 250n), jobIds: jobs });
    await h.coordinator.next('ack', (m) => m.ref === short);
    expect(jobs.map((id) => h.store.jobs.get(id)?.state)).toEqual(['paid', 'paid', 'succeeded']);
    expect(h.store.vouchers.highest(channel(h))?.cumulativeAmount).toBe(250n);
    expect(h.store.jobs.paidByChannel()).toEqual([{ channel: channel(h), total: 200n, jobs: 2 }]);
    expect(h.counters.rejections.get('voucher_overpays')).toBe(1);
    // A voucher that covers the third pays it.
    const more = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 300n), jobIds: [jobs[2] ?? ''] as `0x${string}`[] });
    await h.coordinator.next('ack', (m) => m.ref === more);
    expect(h.store.jobs.get(jobs[2] ?? '')?.state).toBe('paid');
    expect(h.store.jobs.paidByChannel()).toEqual([{ channel: channel(h), total: 300n, jobs: 3 }]);
    expect(h.logs.filter((l) => l.message.includes('voucher_overpays'))).toHaveLength(1);
  });

  it('stores a voucher that raises the amount but pays none of its jobs (unknown or already paid), pays no other job with it, and says so once', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const [paid, waiting] = await earn(h, 2);
    const payee = h.payee.current as Address;
    const first = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 100n), jobIds: [paid ?? '0x'] });
    await h.coordinator.next('ack', (m) => m.ref === first);
    const unknown = `0x${'cd'.repeat(32)}` as const;
    const risen = [
      h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 300n), jobIds: [paid ?? '0x', unknown] }),
      h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 400n), jobIds: [] }),
    ];
    for (const id of risen) await h.coordinator.next('ack', (m) => m.ref === id);
    // The money is real: stored, the highest is what can be claimed.
    expect(h.store.vouchers.highest(channel(h))?.cumulativeAmount).toBe(400n);
    // No job is paid by a rise that does not name it: the one still awaiting keeps waiting for its own voucher.
    expect(h.store.jobs.get(waiting ?? '')).toMatchObject({ state: 'succeeded', voucherId: null });
    expect(h.store.jobs.paidByChannel()).toEqual([{ channel: channel(h), total: 100n, jobs: 1 }]);
    expect(h.counters.rejections.get('voucher_unattributed')).toBe(2);
    expect(h.counters.rejections.get('voucher_unknown_jobs')).toBe(1);
    expect(h.logs.filter((l) => l.message.includes('voucher_unattributed'))).toHaveLength(1);
    // The same voucher again raises nothing: not counted again.
    const again = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(payee, 400n), jobIds: [] });
    await h.coordinator.next('ack', (m) => m.ref === again);
    expect(h.counters.rejections.get('voucher_unattributed')).toBe(2);
  });

  it('pays no job of another network the same payer key pays on, even when a voucher names it', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const [ours] = await earn(h, 1);
    // A job of another escrow (another network of the same payer), completed and stored here.
    const theirs = `0x${'ef'.repeat(32)}` as const;
    const offer = await h.coordinator.offer();
    h.store.jobs.acceptJob({
      id: theirs,
      coordinator: 'ws://elsewhere.example/ws',
      task: 'tensor',
      modelId: 'scale',
      modelSha256: offer.model.sha256,
      price: 100n,
      acceptedAt: Date.now(),
      deadlineAt: offer.deadlineAt,
      chainId: h.coordinator.chainId,
      escrow: getAddress(`0x${'e'.repeat(40)}`),
      payer: h.coordinator.payer.address,
      offerId: null,
    });
    h.store.jobs.succeed(theirs, { at: Date.now(), resultHash: `0x${'1'.repeat(64)}`, executionProvider: 'cpu', durationMs: 1, messageId: 'm', frame: '{}', payee: h.payee.current as Address });
    const id = h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(h.payee.current as Address, 200n), jobIds: [ours ?? '0x', theirs] });
    await h.coordinator.next('ack', (m) => m.ref === id);
    expect(h.store.jobs.get(ours ?? '')?.state).toBe('paid');
    expect(h.store.jobs.get(theirs)).toMatchObject({ state: 'succeeded', voucherId: null });
    expect(h.counters.rejections.get('voucher_unknown_jobs')).toBe(1);
  });

  it('refuses a voucher while logged in without a payee', async () => {
    const h = await startHarness({ start: false });
    const wallet = h.payee.current as Address;
    h.payee.current = null;
    h.client.start();
    await loggedIn(h);
    h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(wallet, 100n), jobIds: [] });
    await until(() => h.counters.rejections.get('voucher_no_payee') === 1);
    expect(h.store.vouchers.recent(10)).toEqual([]);
  });
});
