/**
 * The protocol end to end: the reference coordinator and the node's client
 * in one process over real sockets, with the real worker, the real stores
 * and the demo workload; the transcript comes from the tap between them.
 */
import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { StoredJob } from '../../../main/store/jobs.ts';
import type { TaskKind } from '../../../shared/jobs.ts';
import { until } from '../../helpers/worker.ts';
import { settled, startRealNetwork, type RealNetwork } from './protocol-harness.ts';

const paid = (network: RealNetwork): StoredJob[] => network.jobs().filter((job) => job.state === 'paid');

/** What the node holds and what the coordinator signed agree to the base unit. */
function expectBooksBalance(network: RealNetwork): void {
  const { ledger } = network.coordinator;
  const payee = network.payee.current;
  if (!payee) throw new Error('the books balance only for a node with a payee');
  const signed = ledger.signedTotal(network.payer.address, payee);
  expect(signed).toBeGreaterThan(0n);
  expect(network.highest()).toBe(signed);
  expect(network.paidTotal()).toBe(signed);
  expect(ledger.creditedTotal()).toBe(signed);
  expect(ledger.invariantProblems()).toEqual([]);
  expect(ledger.jobsPaidMoreThanOnce()).toBe(0);
  // The node's paid jobs are exactly the ones the coordinator's vouchers pay.
  const vouchered = ledger.db.prepare('SELECT id FROM jobs WHERE voucher_id IS NOT NULL ORDER BY id').pluck().all();
  expect(paid(network).map((job) => job.id).sort()).toEqual(vouchered);
  expect(network.jobs().filter((job) => job.state === 'succeeded')).toEqual([]);
  expect(network.store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
  // Neither side sent anything the other's schema refuses, or refused anything.
  expect(network.tap.invalid()).toEqual([]);
  expect(Object.fromEntries(network.counters.rejections)).toEqual({});
  expect(network.coordinator.stats().rejections).toEqual({});
  // Nothing went wrong on either side (but the lost acks a test made).
  expect(network.logs.filter((line) => line.level === 'error' && !line.message.includes('test seam'))).toEqual([]);
  expect(network.coordinatorLogs.filter((line) => line.level === 'error')).toEqual([]);
}

/** Each paid job went offer → accept → result → ack → voucher → ack, in that order on the wire. */
function expectJobConversations(network: RealNetwork, jobs: readonly StoredJob[]): void {
  const { tap } = network;
  for (const job of jobs) {
    const offer = tap.received('offer').find((m) => m.offer.jobId === job.id);
    const accept = tap.sent('accept').find((m) => m.jobId === job.id);
    const result = tap.sent('result').find((m) => m.jobId === job.id);
    const resultAck = result && tap.received('ack').find((m) => m.ref === result.id);
    const voucher = tap.received('voucher').find((m) => m.jobIds.includes(job.id as `0x${string}`));
    const voucherAck = voucher && tap.sent('ack').find((m) => m.ref === voucher.id);
    const order = [offer, accept, result, resultAck, voucher, voucherAck].map((m) => m?.seq ?? -1);
    expect(order.every((seq, i) => seq > 0 && (i === 0 || seq > (order[i - 1] ?? 0))), `${job.id}: ${order.join(' → ')}`).toBe(true);
    expect(offer?.offer.price).toBe(job.price);
  }
}

describe('protocol: the real coordinator and the real node', () => {
  it('logs in with a payee, then offers → accept → result → ack → voucher, stored with its jobs paid', async () => {
    const network = await startRealNetwork();
    const { tap, nodeKey } = network;
    await until(() => paid(network).length >= 6, 30_000, 'six paid jobs');
    network.pause('Paused by you');
    await settled(network);

    // The session's opening, in order.
    const opening = tap.frames.filter((f) => f.connection === 1).slice(0, 5).map((f) => `${f.from}:${f.message?.type}`);
    expect(opening).toEqual(['coordinator:hello', 'node:login', 'coordinator:ack', 'node:capabilities', 'node:availability']);
    const [login] = tap.sent('login');
    expect(login).toMatchObject({ address: nodeKey.address, payee: network.payee.current, coordinator: network.coordinator.wsUrl });
    expect(network.coordinator.ledger.node(nodeKey.address)?.lastPayee).toBe(network.payee.current?.toLowerCase());

    expectJobConversations(network, paid(network));
    expectBooksBalance(network);
    // Every voucher the node stored it acknowledged, and the coordinator knows.
    expect(tap.sent('ack').length).toBeGreaterThanOrEqual(network.vouchers().length);
    expect(network.coordinator.ledger.unackedVouchers(nodeKey.address)).toEqual([]);
    expect(network.client.status()).toMatchObject({ state: 'connected', lastError: null });
  }, 60_000);

  it('logs in without a payee: results are credited, no voucher; naming a payee brings one voucher for all of it', async () => {
    const network = await startRealNetwork({ payee: null });
    const { tap, nodeKey, coordinator } = network;
    await until(() => network.jobs().filter((job) => job.state === 'succeeded' && job.reportedAt !== null).length >= 3, 30_000, 'three credited jobs');
    network.pause('Paused by you');
    await settled(network);

    expect(tap.sent('login')[0]?.payee).toBeNull();
    expect(coordinator.ledger.node(nodeKey.address)?.lastPayee).toBeNull();
    expect(tap.received('voucher')).toEqual([]);
    expect(network.vouchers()).toEqual([]);
    const earned = network.jobs().filter((job) => job.state === 'succeeded');
    const credit = earned.reduce((sum, job) => sum + job.price, 0n);
    expect(coordinator.ledger.creditedTotal()).toBe(credit);

    const wallet = privateKeyToAccount(generatePrivateKey()).address;
    network.payee.current = wallet;
    network.client.payeeChanged();
    await until(() => network.vouchers().length === 1, 20_000, 'the voucher');
    await settled(network);

    // One voucher for all the credit, on the new session, naming every job.
    expect(tap.sent('login', 2)[0]?.payee).toBe(wallet);
    expect(tap.closes.find((c) => c.connection === 1)).toMatchObject({ by: 'node', code: 1000 });
    const vouchers = tap.received('voucher');
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({ connection: 2, voucher: { provider: wallet, cumulativeAmount: credit } });
    expect([...(vouchers[0]?.jobIds ?? [])].sort()).toEqual(earned.map((job) => job.id).sort());
    expect(network.vouchers()[0]?.cumulativeAmount).toBe(credit);
    expect(paid(network).map((job) => job.id).sort()).toEqual(earned.map((job) => job.id).sort());
    expectBooksBalance(network);
  }, 60_000);

  it('reconnects with backoff after the coordinator restarts on the same ledger and port; the latest voucher is re-sent and nothing is paid twice', async () => {
    const network = await startRealNetwork();
    const { tap, nodeKey, client } = network;
    await until(() => paid(network).length >= 3, 30_000, 'three paid jobs');
    // From here the node's voucher acks are lost: it stores what it is paid, the coordinator never hears so.
    network.loseVoucherAcks.current = true;
    await until(() => network.loseVoucherAcks.lost >= 2, 30_000, 'two lost voucher acks');
    network.pause('Paused by you');
    await until(
      () => client.status().inFlight === 0 && network.coordinator.stats().inFlight === 0 && network.jobs().every((job) => job.reportedAt !== null),
      20_000,
      'the jobs to end, reported',
    );
    await until(() => network.highest() === network.coordinator.ledger.creditedTotal(), 20_000, 'every credit vouchered and stored');
    const unacked = network.coordinator.ledger.unackedVouchers(nodeKey.address);
    expect(unacked.length).toBeGreaterThanOrEqual(1);
    const before = { jobs: network.jobs(), vouchers: network.vouchers(), highest: network.highest() };

    await network.stopCoordinator();
    // Down: the node keeps trying, with growing delays, and says so.
    const failuresAtStop = tap.upstreamFailures;
    await until(() => tap.upstreamFailures >= failuresAtStop + 2, 10_000, 'two failed attempts');
    const down = network.statuses.filter((status) => status.state === 'disconnected');
    expect(down.length).toBeGreaterThanOrEqual(2);
    expect(down.every((status) => status.nextRetryAt !== null && status.lastError !== null)).toBe(true);
    expect(tap.closes.find((c) => c.connection === 1)).toMatchObject({ by: 'coordinator', code: 1001 });

    network.loseVoucherAcks.current = false;
    await network.startCoordinatorAgain();
    await until(() => client.status().state === 'connected', 20_000, 'the reconnect');
    await until(() => network.coordinator.ledger.unackedVouchers(nodeKey.address).length === 0, 20_000, 'the re-sent voucher acknowledged');

    // The latest voucher came again with the jobs of every unacknowledged one: the node stored nothing new and paid nothing twice.
    const connection = tap.connections;
    const [resent] = tap.received('voucher', connection);
    expect(resent?.voucher.cumulativeAmount).toBe(before.highest);
    expect([...(resent?.jobIds ?? [])].sort()).toEqual(unacked.flatMap((voucher) => voucher.jobIds).sort());
    expect(tap.sent('ack', connection).map((m) => m.ref)).toContain(resent?.id);
    expect(network.vouchers()).toEqual(before.vouchers);
    expect(network.jobs()).toEqual(before.jobs);

    // And work goes on, cumulatively, on the restarted coordinator.
    network.resume();
    await until(() => paid(network).length >= before.jobs.filter((job) => job.state === 'paid').length + 3, 30_000, 'three more paid jobs');
    network.pause('Paused by you');
    await settled(network);
    expect(network.highest()).toBeGreaterThan(before.highest);
    expectBooksBalance(network);
  }, 90_000);

  it('pauses mid-job: the running job is reported failed (paused), no offers while paused, offers again after resume', async () => {
    const network = await startRealNetwork({ workload: { mix: { tensor: 0, embedding: 0, ocr: 1 } } });
    const { tap, coordinator } = network;
    await until(() => network.jobs().some((job) => job.state === 'running'), 30_000, 'a running job');
    const running = network.jobs().filter((job) => job.state === 'running');
    network.pause('A game is running');
    await until(() => running.every((job) => network.store.jobs.get(job.id)?.reportedAt !== null), 20_000, 'the failures reported');

    const [pausedAt] = tap.sent('availability').filter((m) => m.state === 'paused');
    expect(pausedAt?.reason).toBe('A game is running');
    for (const job of running) {
      const failed = tap.sent('failed').find((m) => m.jobId === job.id);
      expect(failed).toMatchObject({ code: 'paused' });
      expect(failed?.seq).toBeGreaterThan(pausedAt?.seq ?? Infinity);
      expect(network.store.jobs.get(job.id)).toMatchObject({ state: 'failed', errorCode: 'paused' });
      expect(coordinator.ledger.job(job.id as `0x${string}`)).toMatchObject({ state: 'failed', detail: 'paused' });
    }
    // Paused: an offer already on its way is declined; once the coordinator holds nothing for the node, none come at all.
    await until(() => coordinator.stats().inFlight === 0, 10_000, 'the offers on their way to be declined');
    const offersWhilePaused = tap.received('offer').length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(tap.received('offer')).toHaveLength(offersWhilePaused);
    expect(tap.sent('accept').filter((m) => m.seq > (pausedAt?.seq ?? 0))).toEqual([]);
    expect(tap.sent('decline').every((m) => m.reason === 'paused')).toBe(true);

    network.resume();
    await until(() => paid(network).length >= 1, 60_000, 'an OCR job paid after the resume');
    expect(tap.received('offer').length).toBeGreaterThan(offersWhilePaused);
    network.pause('Paused by you');
    await settled(network);
    expectBooksBalance(network);
  }, 120_000);

  it('stop() mid-job says paused, reports the job, and closes with 1000', async () => {
    const network = await startRealNetwork({ workload: { mix: { tensor: 0, embedding: 0, ocr: 1 } } });
    const { tap, coordinator, client } = network;
    await until(() => network.jobs().some((job) => job.state === 'running'), 30_000, 'a running job');
    const running = network.jobs().filter((job) => job.state === 'running');
    await client.stop();

    expect(client.status().state).toBe('stopped');
    const paused = tap.sent('availability').find((m) => m.state === 'paused');
    expect(paused?.reason).toMatch(/shutting down/);
    const close = tap.closes.find((c) => c.connection === 1);
    expect(close).toMatchObject({ by: 'node', code: 1000 });
    const lastFromNode = tap.from('node', 1).at(-1)?.seq ?? Infinity;
    for (const job of running) {
      const failed = tap.sent('failed').find((m) => m.jobId === job.id);
      expect(failed).toMatchObject({ code: 'interrupted' });
      expect(failed?.seq).toBeGreaterThan(paused?.seq ?? Infinity);
      expect(failed?.seq).toBeLessThanOrEqual(lastFromNode);
      await until(() => coordinator.ledger.job(job.id as `0x${string}`)?.state === 'failed', 10_000, 'the coordinator to record the failure');
      expect(coordinator.ledger.job(job.id as `0x${string}`)?.detail).toBe('interrupted');
    }
    await until(() => coordinator.stats().connections === 0, 10_000, 'the coordinator to see the close');
    expect(coordinator.stats().nodes).toBe(0);
  }, 60_000);

  it('runs every task of the demo workload — tensor, embedding, OCR — through the worker to a voucher', async () => {
    const network = await startRealNetwork({ workload: { mix: { tensor: 1, embedding: 1, ocr: 1 } } });
    const tasks: readonly TaskKind[] = ['tensor', 'embedding', 'ocr'];
    await until(() => tasks.every((task) => paid(network).some((job) => job.task === task)), 90_000, 'a paid job of every task');
    network.pause('Paused by you');
    await settled(network);
    for (const task of tasks) expect(network.tap.sent('result').some((m) => m.outputs.task === task)).toBe(true);
    expectJobConversations(network, paid(network));
    expectBooksBalance(network);
  }, 120_000);
});
