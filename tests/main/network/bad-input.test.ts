import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../../shared/protocol/messages.ts';
import { until } from '../../helpers/worker.ts';
import { loggedIn, startHarness, type Harness } from './harness.ts';

/** What a rejection may never change. */
function snapshot(h: Harness) {
  return {
    jobs: h.store.db.prepare('SELECT * FROM jobs ORDER BY id').all(),
    vouchers: h.store.db.prepare('SELECT * FROM vouchers ORDER BY id').all(),
    frames: h.store.db.prepare('SELECT job_id FROM result_frames ORDER BY job_id').all(),
    state: h.client.status().state,
  };
}

describe('NetworkClient: bad input from the coordinator', () => {
  it('drops malformed frames with a typed reason, counts them, logs each reason once, changes nothing, and keeps the connection', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const before = snapshot(h);
    const send = (frame: string | Buffer) => h.coordinator.sendRaw(frame);
    send('{"v":1,"type":"offer",');
    send('{"v":1,"type":"offer",');
    send('[1,2,3]');
    send(Buffer.from([0xff, 0xfe, 0x00, 0x81])); // binary, not UTF-8
    send(JSON.stringify({ v: 2, type: 'offer', id: 'x' }));
    send(JSON.stringify({ v: 1, type: 'shout', id: 'x' }));
    send(JSON.stringify({ v: 1, type: 'ack', id: 'x' })); // no ref
    send(JSON.stringify({ v: 1, type: 'voucher', id: 'x', voucher: { cumulativeAmount: '-5' }, jobIds: [] }));
    send(JSON.stringify({ v: 1, type: 'offer', id: 'x', offer: { jobId: 'not-a-job' } })); // no job id to answer
    h.coordinator.send({ type: 'ack', ref: 'nothing-waits-for-this' });
    h.coordinator.send({ type: 'hello', nonce: 'n'.repeat(16), serverTime: Date.now(), heartbeatMs: 60_000, network: { chainId: 1, escrow: h.coordinator.escrow, token: h.coordinator.token, payer: h.coordinator.payer.address } });
    h.coordinator.send({ type: 'error', code: 'internal', message: 'hmm', ref: null, fatal: false });
    h.coordinator.send({ type: 'heartbeat', at: Date.now() });

    // The connection survives: the next good offer is taken on it.
    const { offer } = await h.coordinator.sendOffer();
    await h.coordinator.next('result', (m) => m.jobId === offer.jobId);
    expect(h.coordinator.connections).toBe(1);
    expect(Object.fromEntries(h.counters.rejections)).toEqual({
      malformed_json: 3,
      schema: 4,
      unsupported_version: 1,
      unknown_type: 1,
      unknown_ref: 1,
      out_of_order: 1,
    });
    const rejectionLogs = h.logs.filter((l) => l.message.startsWith('coordinator input rejected'));
    expect(rejectionLogs).toHaveLength(6); // one per reason on this connection
    // Nothing but the good job changed.
    const after = snapshot(h);
    expect(after.vouchers).toEqual(before.vouchers);
    expect((after.jobs as { id: string }[]).map((j) => j.id)).toEqual([offer.jobId]);
    expect(h.coordinator.invalid).toEqual([]);
  });

  it('survives a storm of random and mutated frames without a crash or a change', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const good = await h.coordinator.offer({ deadlineAt: Date.now() - 1 }); // declined if ever read whole
    const template = JSON.stringify({ v: 1, type: 'offer', id: 'm', offer: { ...good, price: good.price.toString() } });
    let sent = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(template);
      const kind = i % 4;
      if (kind === 0) h.coordinator.sendRaw(randomBytes(1 + (i % 64)));
      else if (kind === 1) {
        for (let k = 0; k < 3; k++) bytes[(i * 7919 + k * 104729) % bytes.length] = 32 + ((i + k) % 90);
        h.coordinator.sendRaw(bytes.toString('latin1'));
      } else if (kind === 2) h.coordinator.sendRaw(template.slice(0, (i * 31) % template.length));
      else h.coordinator.sendRaw(JSON.stringify({ v: 1, type: ['offer', 'voucher', 'ack', 'error', 'hello'][i % 5], id: `f${i}`, junk: i }));
      sent++;
    }
    const { offer } = await h.coordinator.sendOffer();
    await h.coordinator.next('result', (m) => m.jobId === offer.jobId);
    expect(sent).toBe(500);
    expect(h.coordinator.connections).toBe(1);
    expect(h.store.vouchers.recent(10)).toEqual([]);
    expect(h.store.jobs.recent(1000).map((j) => j.id)).toEqual([offer.jobId]);
    expect(h.counters.totalRejections()).toBeGreaterThanOrEqual(450);
    // Logged per reason, not per frame.
    expect(h.logs.filter((l) => l.level === 'warn').length).toBeLessThan(20);
    expect(h.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('closes on a frame over the size limit (ws 1009), counts it, and reconnects', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const before = snapshot(h);
    h.coordinator.sendRaw('x'.repeat(MAX_FRAME_BYTES + 1));
    await loggedIn(h, 2);
    expect(h.counters.rejections.get('frame_too_large')).toBe(1);
    expect(h.coordinator.closes[0]?.code).toBe(1009);
    const after = snapshot(h);
    expect({ ...after, state: before.state }).toEqual(before);
  });

  it('drops offers and vouchers before the login is acknowledged', async () => {
    const h = await startHarness({ coordinator: { ackLogin: false } });
    const { message: login } = await h.coordinator.next('login');
    await h.coordinator.sendOffer();
    h.coordinator.send({ type: 'voucher', voucher: await h.coordinator.voucher(h.payee.current ?? h.nodeKey.address, 1n), jobIds: [] });
    h.coordinator.send({ type: 'ack', ref: login.id });
    await h.coordinator.next('availability');
    expect(h.counters.rejections.get('out_of_order')).toBe(2);
    expect(h.coordinator.all('decline')).toEqual([]);
    expect(h.store.jobs.recent(10)).toEqual([]);
  });

  it('refuses a coordinator whose hello describes another network than its manifest', async () => {
    const h = await startHarness({ start: false });
    h.coordinator.summaryOverride = { chainId: 1, escrow: h.coordinator.escrow, token: h.coordinator.token, payer: h.coordinator.payer.address };
    h.client.start();
    await until(() => h.counters.rejections.get('network_mismatch') !== undefined && h.client.status().state === 'disconnected');
    expect(h.client.status().lastError).toMatch(/hello does not match/);
    expect(h.coordinator.all('login')).toEqual([]);
  });

  it('shows a refused login and keeps retrying', async () => {
    const h = await startHarness({ coordinator: { ackLogin: false } });
    const { message: login } = await h.coordinator.next('login');
    h.coordinator.send({ type: 'error', code: 'bad_login', message: 'the clock is off', ref: login.id, fatal: true });
    await until(() => /refused the login \(bad_login\)/.test(h.client.status().lastError ?? ''));
    await h.coordinator.next('login', (_m, c) => c === 2);
  });
});
