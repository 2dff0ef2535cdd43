/**
 * Fuzz: more than 10,000 generated malformed or hostile coordinator frames
 * sent to a logged-in node client (the real client, store, worker and model
 * cache). The node must never crash, its database must not change, every
 * frame must be answered as the protocol says (a decline for an offer that
 * names its job, an ack for a repeated voucher) or dropped and counted, its
 * log must stay small, and afterwards the connection must still earn.
 *
 * Seeded: the seed is printed; FUZZ_SEED=<seed> replays the same frames.
 * FUZZ_DEBUG=1 prints timings.
 */
import { createHash, randomInt } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mulberry32 } from '../../../main/devnet/workload/random.ts';
import { rejectionReasons, voucherRejection, type RejectionReason } from '../../../main/network/rejections.ts';
import type { Store } from '../../../main/store/index.ts';
import { nearLimitFrame, nextFrame, socketFrame, wire, type Expectation, type Frame, type FuzzWorld } from './fuzz-frames.ts';
import { offCurveSignature } from './fuzz-mutations.ts';
import { buildWorld, expiredOffer, startFuzzNode, type FuzzNode } from './fuzz-node.ts';

const BATCHES = 21;
const PER_BATCH = 500;
/** Frames the socket refuses, at the end of these batches: the client must dial again each time. */
const SOCKET_FRAMES = new Map<number, Parameters<typeof socketFrame>[1]>([
  [2, 'oversized'],
  [5, 'invalid_utf8'],
  [8, 'fatal_error'],
  [11, 'oversized'],
  [14, 'invalid_utf8'],
  [16, 'fatal_error'],
]);
const NEAR_LIMIT_AFTER = new Set([4, 12]);

const debug = process.env['FUZZ_DEBUG'] ? (message: string) => console.log(message) : () => {};

/** Every uncaught exception and unhandled rejection while the test runs. */
function trapCrashes(): unknown[] {
  const seen: unknown[] = [];
  const trap = (error: unknown) => seen.push(error);
  process.on('uncaughtException', trap);
  process.on('unhandledRejection', trap);
  onTestFinished(() => {
    process.off('uncaughtException', trap);
    process.off('unhandledRejection', trap);
  });
  return seen;
}

/** What a hostile frame may never change: the node's jobs, vouchers, stored result frames and state. */
function digest(store: Store): string {
  const hash = createHash('sha256');
  for (const table of ['jobs', 'vouchers', 'result_frames', 'node_state']) hash.update(JSON.stringify(store.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()));
  return hash.digest('hex');
}

const sum = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

type Declined = Extract<Expectation, { kind: 'declined' }>;

/** What the frames sent call for, added up. */
function tally(sent: readonly Frame[]) {
  const out = { counted: 0, declines: new Map<string, Declined[]>(), declineCount: 0, acks: [] as string[], accepted: 0, hostile: 0 };
  for (const { expect: e } of sent) {
    if (e.kind === 'declined') {
      out.declines.set(e.jobId, [...(out.declines.get(e.jobId) ?? []), e]);
      out.declineCount++;
    }
    if (e.kind === 'acked') out.acks.push(e.ref);
    if (e.kind === 'accepted') out.accepted++;
    if (e.kind === 'dropped' || ((e.kind === 'declined' || e.kind === 'acked' || e.kind === 'closes') && e.counted)) out.counted++;
    // Hostile: what the node must refuse; the rest are socket-level, repeats it answers as before, or valid.
    if (e.kind === 'dropped' || e.kind === 'declined' || (e.kind === 'acked' && e.counted)) out.hostile++;
  }
  return out;
}

/** Sends the storm in batches, each closed by a frame whose answer says the node has handled all before it. */
async function storm(node: FuzzNode, world: FuzzWorld, seed: number): Promise<{ sent: Frame[]; lastConnection: number }> {
  const { coordinator } = node;
  const sent: Frame[] = [];
  const send = (frame: Frame) => {
    sent.push(frame);
    coordinator.sendRaw(frame.data, frame.binary);
  };
  let lastConnection = coordinator.ready;
  const started = performance.now();
  for (let batch = 0; batch < BATCHES; batch++) {
    for (let i = 0; i < PER_BATCH; i++) send(nextFrame(world));
    if (NEAR_LIMIT_AFTER.has(batch)) send(nearLimitFrame(world));
    const sentinel = await expiredOffer(world.random, node);
    send({
      category: 'offer: deadline passed (batch end)',
      data: JSON.stringify(wire({ type: 'offer', offer: sentinel }, world.random)),
      binary: false,
      expect: { kind: 'declined', jobId: sentinel.jobId, reason: 'deadline_passed', counted: true },
    });
    await coordinator.until(() => coordinator.declines.has(sentinel.jobId), `the end of batch ${batch} (seed ${seed})`, 30_000);
    const kind = SOCKET_FRAMES.get(batch);
    if (kind) {
      const connection = coordinator.ready;
      send(socketFrame(world, kind));
      await coordinator.until(() => coordinator.ready > connection, `the client to dial again after a ${kind} frame (seed ${seed})`, 20_000);
      lastConnection = coordinator.ready;
    }
    debug(`batch ${batch} done at ${Math.round(performance.now() - started)} ms`);
  }
  return { sent, lastConnection };
}

describe('NetworkClient: fuzzed coordinator input', () => {
  it('takes 10,000+ hostile frames without a crash or a change, answers or counts each, logs little, and still earns', async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? randomInt(2 ** 31));
    console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} replays this run)`);
    const crashes = trapCrashes();
    const random = mulberry32(seed);

    // A node that has earned: one job paid by the voucher it holds, one completed and not paid yet.
    const node = await startFuzzNode(random);
    const { coordinator, store, client, counters, log, payee } = node;
    const paid = await node.earn(1000n);
    const voucher = await coordinator.signVoucher({ provider: payee, cumulativeAmount: 1000n });
    const voucherId = await node.pay(voucher, [paid.offer.jobId]);
    const unpaid = await node.earn(2000n);
    expect(store.jobs.get(paid.offer.jobId)?.state).toBe('paid');
    expect(store.jobs.get(unpaid.offer.jobId)?.state).toBe('succeeded');
    const world = await buildWorld(random, node, { paid, unpaid, voucher, voucherId });

    const before = {
      digest: digest(store),
      rejections: counters.totalRejections(),
      declines: sum(counters.declines),
      lines: log.lines,
      acks: coordinator.acks.length,
      results: coordinator.results.length,
      accepts: coordinator.accepts.get(paid.offer.jobId) ?? 0,
    };
    const { sent, lastConnection } = await storm(node, world, seed);
    const expected = tally(sent);
    const context = `seed ${seed}`;

    // ---- nothing crashed, nothing changed ----
    expect(crashes.map(String)).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(digest(store), context).toBe(before.digest);
    expect(coordinator.invalid).toEqual([]);
    expect(client.status()).toMatchObject({ state: 'connected', lastError: null });

    // ---- every frame answered as specified, or dropped and counted ----
    expect(expected.hostile, context).toBeGreaterThanOrEqual(10_000);
    for (const [jobId, wanted] of expected.declines) {
      const got = coordinator.declines.get(jobId) ?? [];
      expect(got.length, `declines of ${jobId} (${context})`).toBe(wanted.length);
      for (const reason of new Set(wanted.map((w) => w.reason))) if (reason) expect(got, context).toContain(reason);
    }
    expect([...coordinator.declines.keys()].filter((jobId) => !expected.declines.has(jobId))).toEqual([]);
    expect(coordinator.acks.slice(before.acks).sort()).toEqual([...expected.acks].sort());
    expect((coordinator.accepts.get(paid.offer.jobId) ?? 0) - before.accepts).toBe(expected.accepted);
    expect(coordinator.results.length).toBe(before.results); // nothing ran
    const declines = sum(counters.declines) - before.declines;
    const rejections = counters.totalRejections() - before.rejections;
    expect(declines, context).toBe(expected.declineCount);
    expect(rejections, `${context}: ${JSON.stringify(Object.fromEntries(counters.rejections))}`).toBe(expected.counted);
    expect(rejections + declines).toBeGreaterThanOrEqual(expected.hostile);
    // Each kind of bad input was refused under its own typed reason.
    const reasons: RejectionReason[] = [
      ...(['malformed_json', 'unsupported_version', 'unknown_type', 'schema', 'out_of_order', 'unknown_ref', 'frame_too_large'] as const),
      ...(['offer_bad_signature', 'offer_payer_mismatch', 'offer_deadline_passed', 'offer_unknown_task', 'offer_inputs_invalid', 'offer_model_unavailable'] as const),
      ...world.vouchers.refused.map(({ reason }) => voucherRejection(reason)),
      ...(['voucher_malleable_signature', 'voucher_unknown_jobs', 'voucher_overpays'] as const),
    ];
    for (const reason of reasons) expect(counters.rejections.get(reason) ?? 0, `${reason} (${context})`).toBeGreaterThan(0);

    // ---- the log stayed small: each reason once per connection, then a summary ----
    debug(`${expected.hostile} hostile frames, ${log.lines - before.lines} log lines (${log.rejectionLines} first rejections) over ${coordinator.connections} connections`);
    expect(log.rejectionLines).toBeLessThanOrEqual(rejectionReasons.length * coordinator.connections);
    expect(log.lines - before.lines, context).toBeLessThan(expected.hostile / 30);

    // ---- and the connection still earns: a real job, a real voucher ----
    expect(coordinator.connections).toBe(lastConnection);
    const third = await node.earn(3000n);
    await node.pay(await coordinator.signVoucher({ provider: payee, cumulativeAmount: 6000n }), [unpaid.offer.jobId, third.offer.jobId]);
    expect(coordinator.connections).toBe(lastConnection);
    expect(store.vouchers.highestPerChannel().map((v) => v.cumulativeAmount)).toEqual([6000n]);
    expect(store.jobs.paidByChannel().map((c) => c.total)).toEqual([6000n]);
    expect(crashes).toEqual([]);
  }, 120_000);
});

describe('NetworkClient: what the fuzz found', () => {
  it('stores a voucher that names jobs its amount does not cover, but marks none of them paid', async () => {
    const node = await startFuzzNode(mulberry32(1));
    const { coordinator, store, counters, payee } = node;
    const paid = await node.earn(1000n);
    const held = await coordinator.signVoucher({ provider: payee, cumulativeAmount: 1000n });
    await node.pay(held, [paid.offer.jobId]);
    const unpaid = await node.earn(2000n);

    // The held voucher again, naming the unpaid job: acknowledged (it is held), nothing paid.
    await node.pay(held, [unpaid.offer.jobId]);
    // A higher voucher that still does not cover it: stored (it is money), nothing paid.
    await node.pay(await coordinator.signVoucher({ provider: payee, cumulativeAmount: 1001n }), [unpaid.offer.jobId]);
    expect(counters.rejections.get('voucher_overpays')).toBe(2);
    expect(store.jobs.get(unpaid.offer.jobId)?.state).toBe('succeeded');
    expect(store.vouchers.highestPerChannel().map((v) => v.cumulativeAmount)).toEqual([1001n]);
    expect(store.jobs.paidByChannel().map((c) => c.total)).toEqual([1000n]);

    // The one that covers it pays it.
    await node.pay(await coordinator.signVoucher({ provider: payee, cumulativeAmount: 3000n }), [unpaid.offer.jobId]);
    expect(store.jobs.get(unpaid.offer.jobId)?.state).toBe('paid');
    expect(store.jobs.paidByChannel().map((c) => c.total)).toEqual([3000n]);
  });

  it('refuses a voucher whose signature has no recoverable key as a bad signature: counted, not logged as an error', async () => {
    const random = mulberry32(4);
    const node = await startFuzzNode(random);
    const { coordinator, counters, log, payee } = node;
    const voucher = await coordinator.signVoucher({ provider: payee, cumulativeAmount: 1000n });
    coordinator.send({ type: 'voucher', voucher: { ...voucher, signature: offCurveSignature(random) }, jobIds: [] });
    await node.earn(1000n); // frames are handled in order: the voucher was
    expect(Object.fromEntries(counters.rejections)).toEqual({ voucher_bad_signature: 1 });
    expect(log.errors).toEqual([]);
    expect(coordinator.acks).toEqual([]);
  });

  it('counts an error that answers nothing of this connection, logs one that answers its own message, and is not made incompatible by a non-fatal one', async () => {
    const node = await startFuzzNode(mulberry32(2));
    const { coordinator, counters, client } = node;
    const own = coordinator.nodeIds.get(1)?.at(-1) ?? '';
    coordinator.send({ type: 'error', code: 'unsupported_version', message: 'no', ref: 'never-sent', fatal: false });
    coordinator.send({ type: 'error', code: 'unsupported_version', message: 'no', ref: own, fatal: false });
    await node.earn(1000n); // frames are handled in order: both errors were
    expect(counters.rejections.get('unknown_ref')).toBe(1);
    expect(counters.totalRejections()).toBe(1);
    expect(client.status()).toMatchObject({ state: 'connected' });
    expect(coordinator.connections).toBe(1);
  });

  it('counts a text frame that is not UTF-8 (the socket closes it) and dials again', async () => {
    const node = await startFuzzNode(mulberry32(3));
    const { coordinator, counters } = node;
    coordinator.sendRaw(Buffer.from([0x7b, 0xff, 0x7d]), false);
    await coordinator.until(() => coordinator.ready === 2, 'the client to dial again');
    expect(coordinator.closes[0]?.code).toBe(1007);
    expect(Object.fromEntries(counters.rejections)).toEqual({ malformed_json: 1 });
    await node.earn(1000n);
  });
});
