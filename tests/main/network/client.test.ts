import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { hashOutputs, NO_PAYEE, recoverJobResultSigner, recoverLoginSigner } from '../../../shared/protocol/eip712.ts';
import { decodeTensors } from '../../../shared/protocol/payloads.ts';
import { until } from '../../helpers/worker.ts';
import { loggedIn, startHarness } from './harness.ts';

describe('NetworkClient: session', () => {
  it('logs in with the node key for the hello nonce, names the payee, then announces capabilities and availability', async () => {
    const h = await startHarness();
    const { message: login } = await h.coordinator.next('login');
    expect(login.address).toBe(h.nodeKey.address);
    expect(login.payee).toBe(h.payee.current);
    expect(login.nonce).toBe(h.coordinator.nonces[0]);
    expect(login.coordinator).toBe(h.coordinator.coordinatorUrl);
    const signer = await recoverLoginSigner(
      h.coordinator.chainId,
      { node: login.address, payee: login.payee ?? NO_PAYEE, nonce: login.nonce, issuedAt: login.issuedAt, coordinator: login.coordinator },
      login.signature,
    );
    expect(signer).toBe(h.nodeKey.address);
    const { message: caps } = await h.coordinator.next('capabilities');
    expect(caps).toMatchObject({ tasks: ['tensor', 'ocr'], executionProviders: ['cpu'], maxConcurrentJobs: 2 });
    const { message: availability } = await h.coordinator.next('availability');
    expect(availability).toMatchObject({ state: 'running', reason: null });
    // Capabilities and availability come after the login's ack, in that order.
    expect(h.sent.map((f) => f.type).slice(0, 3)).toEqual(['login', 'capabilities', 'availability']);
    await until(() => h.client.status().state === 'connected');
    expect(h.client.status()).toMatchObject({
      state: 'connected',
      networkUrl: h.coordinator.networkUrl,
      coordinatorUrl: h.coordinator.coordinatorUrl,
      nodeAddress: h.nodeKey.address,
      payee: h.payee.current,
      pinned: { chainId: h.coordinator.chainId, payer: h.coordinator.payer.address },
      lastError: null,
    });
    expect(h.coordinator.invalid).toEqual([]);
  });

  it('logs in without a payee while there is no wallet, and again with one when it appears', async () => {
    const h = await startHarness({ start: false });
    h.payee.current = null;
    h.client.start();
    const { message: first } = await h.coordinator.next('login');
    expect(first.payee).toBeNull();
    await h.coordinator.next('availability');
    const wallet = '0x00000000000000000000000000000000000000aa' as const;
    h.payee.current = wallet;
    h.client.payeeChanged();
    const { message: again, connection } = await h.coordinator.next('login');
    expect(connection).toBe(2);
    expect(again.payee?.toLowerCase()).toBe(wallet);
    expect(h.coordinator.closes[0]?.code).toBe(1000);
    expect(h.client.status().payee?.toLowerCase()).toBe(wallet);
  });

  it('sends heartbeats at the coordinator’s interval and drops a coordinator that goes silent (4000), then dials again', async () => {
    const h = await startHarness({ coordinator: { heartbeatMs: 1000 } });
    await loggedIn(h);
    await h.coordinator.next('heartbeat');
    // The scripted coordinator never sends a heartbeat: after 3 intervals the node gives up on it.
    await h.coordinator.waitForConnection(2, 15_000);
    expect(h.coordinator.closes[0]?.code).toBe(4000);
    await loggedIn(h, 2);
  }, 30_000);

  it('reconnects with backoff after the connection drops, and reports the gap in its status', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.coordinator.drop();
    await loggedIn(h, 2);
    const disconnected = h.statuses.find((s) => s.state === 'disconnected');
    expect(disconnected?.nextRetryAt).not.toBeNull();
    expect(disconnected?.lastError).toMatch(/closed|failed/);
    await until(() => h.client.status().state === 'connected');
    expect(h.client.status().lastError).toBeNull();
  });

  it('keeps retrying while the network is unreachable, and connects once it is back', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.coordinator.manifestBody = 'not json';
    h.coordinator.drop();
    await until(() => h.client.status().state === 'disconnected' && /not JSON/.test(h.client.status().lastError ?? ''));
    const requests = h.coordinator.manifestRequests;
    await until(() => h.coordinator.manifestRequests >= requests + 2); // it tries again, with backoff
    h.coordinator.manifestBody = null;
    await loggedIn(h, 2);
  });

  it('says incompatible for a network of another protocol version, without dialling it, and connects once it matches', async () => {
    const h = await startHarness({ start: false });
    h.coordinator.manifest = { ...h.coordinator.manifest, protocolVersion: 2 };
    h.client.start();
    await until(() => h.client.status().state === 'incompatible');
    expect(h.client.status().lastError).toMatch(/protocol version 2/);
    expect(h.coordinator.connections).toBe(0);
    h.coordinator.manifest = { ...h.coordinator.manifest, protocolVersion: 1 };
    await loggedIn(h);
    await until(() => h.client.status().state === 'connected');
  });

  it('stops cleanly: says paused, then closes with 1000', async () => {
    const h = await startHarness();
    await loggedIn(h);
    await h.client.stop();
    const { message } = await h.coordinator.next('availability', (m) => m.state === 'paused');
    expect(message.reason).toMatch(/shutting down/);
    await until(() => h.coordinator.closes.length === 1);
    expect(h.coordinator.closes[0]?.code).toBe(1000);
    expect(h.client.status().state).toBe('stopped');
  });

  it('sends availability when it changes', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.availability.current = { state: 'paused', reason: 'A game is running' };
    h.client.setAvailability();
    expect((await h.coordinator.next('availability')).message).toMatchObject({ state: 'paused', reason: 'A game is running' });
    h.availability.current = { state: 'running', reason: null };
    h.client.setAvailability();
    expect((await h.coordinator.next('availability')).message).toMatchObject({ state: 'running', reason: null });
  });
});

describe('NetworkClient: jobs', () => {
  it('stores a job as accepted before accepting it, and its result hash and message before sending the result', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const seen: Record<string, unknown> = {};
    h.onSend.current = (frame) => {
      if (!frame.jobId) return;
      const job = h.store.jobs.get(frame.jobId);
      const stored = h.store.db.prepare('SELECT message_id FROM result_frames WHERE job_id = ?').pluck().get(frame.jobId);
      seen[frame.type] = { state: job?.state, resultHash: job?.resultHash, storedMessageId: stored ?? null, id: frame.id };
    };
    const { offer, id: offerId } = await h.coordinator.sendOffer();
    await h.coordinator.next('accept', (m) => m.jobId === offer.jobId);
    expect(seen['accept']).toMatchObject({ state: 'accepted' });
    const { message: result } = await h.coordinator.next('result', (m) => m.jobId === offer.jobId);
    expect(seen['result']).toMatchObject({ state: 'succeeded', resultHash: result.resultHash, storedMessageId: result.id });
    expect(result.resultHash).toBe(hashOutputs(result.outputs));
    expect(result.outputs.task === 'tensor' && Array.from(decodeTensors(result.outputs.tensors)['y']?.data as Float32Array)).toEqual([2, 4, 6]);
    const signer = await recoverJobResultSigner(
      h.coordinator.chainId,
      { jobId: result.jobId, payee: h.payee.current ?? NO_PAYEE, resultHash: result.resultHash, price: offer.price, completedAt: result.completedAt },
      result.signature,
    );
    expect(signer).toBe(h.nodeKey.address);
    expect(h.store.jobs.get(offer.jobId)).toMatchObject({ state: 'succeeded', payer: h.coordinator.payer.address, offerId, reportedAt: null, price: 1000n });

    // The ack settles it: reported, the stored message dropped.
    h.coordinator.send({ type: 'ack', ref: result.id });
    await until(() => h.store.jobs.get(offer.jobId)?.reportedAt !== null);
    expect(h.store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
    expect(h.counters.outcomes.get('succeeded')).toBe(1);
    expect(h.coordinator.invalid).toEqual([]);
  });

  it('answers a repeated offer as before and runs the job once', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.executor.hold = true;
    const offer = await h.coordinator.offer();
    h.coordinator.send({ type: 'offer', offer });
    await h.coordinator.next('accept');
    h.coordinator.send({ type: 'offer', offer });
    await h.coordinator.next('accept');
    await until(() => h.executor.held.size === 1);
    h.executor.finish(offer.jobId);
    await h.coordinator.next('result');
    h.coordinator.send({ type: 'offer', offer }); // even after it finished
    await h.coordinator.next('accept');
    expect(h.executor.runs).toHaveLength(1);
    expect(h.coordinator.all('result')).toHaveLength(1);
  });

  it('ends a running job on pause: reported failed (paused), no longer counted in flight', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.executor.hold = true;
    const { offer } = await h.coordinator.sendOffer();
    await h.coordinator.next('accept');
    await until(() => h.executor.held.size === 1 && h.store.jobs.get(offer.jobId)?.state === 'running');
    expect(h.client.status().inFlight).toBe(1);
    h.availability.current = { state: 'paused', reason: 'Paused by you' };
    h.client.setAvailability();
    await h.coordinator.next('availability', (m) => m.state === 'paused');
    const { message: failed } = await h.coordinator.next('failed');
    expect(failed).toMatchObject({ jobId: offer.jobId, code: 'paused' });
    expect(h.store.jobs.get(offer.jobId)).toMatchObject({ state: 'failed', errorCode: 'paused', reportedAt: null });
    h.coordinator.send({ type: 'ack', ref: failed.id });
    await until(() => h.store.jobs.get(offer.jobId)?.reportedAt !== null);
    expect(h.client.status().inFlight).toBe(0);
    expect(h.counters.outcomes.get('failed')).toBe(1);
  });

  it('marks a result the coordinator refuses as failed with its code: not earned, reported', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const { offer } = await h.coordinator.sendOffer({ price: 77n });
    const { message: result } = await h.coordinator.next('result');
    expect(h.store.jobs.earned()).toBe(77n);
    h.coordinator.send({ type: 'error', code: 'bad_result', message: 'the outputs are wrong', ref: result.id, fatal: false });
    await until(() => h.store.jobs.get(offer.jobId)?.state === 'failed');
    expect(h.store.jobs.get(offer.jobId)).toMatchObject({ errorCode: 'bad_result', reportedAt: expect.any(Number) as unknown });
    expect(h.store.jobs.earned()).toBe(0n);
    expect(h.counters.outcomes.get('rejected')).toBe(1);
    // The connection survives a non-fatal error.
    await h.coordinator.sendOffer();
    await h.coordinator.next('result', (m) => m.jobId !== offer.jobId);
    expect(h.coordinator.connections).toBe(1);
  });

  it('reports what a crash left behind after the next login: interrupted jobs failed, unacknowledged results sent again byte for byte', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const { offer: done } = await h.coordinator.sendOffer();
    const { message: result } = await h.coordinator.next('result');
    await h.client.stop(); // the coordinator never acknowledged the result
    // A job that was running when the process died (the row a kill leaves).
    const running = await h.coordinator.offer();
    h.store.jobs.acceptJob({
      id: running.jobId,
      coordinator: h.coordinator.coordinatorUrl,
      task: 'tensor',
      modelId: 'scale',
      modelSha256: running.model.sha256,
      price: running.price,
      acceptedAt: Date.now(),
      deadlineAt: running.deadlineAt,
      payer: h.coordinator.payer.address,
      chainId: h.coordinator.chainId,
      escrow: getAddress(h.coordinator.escrow),
      offerId: null,
    });
    h.store.jobs.markRunning(running.jobId, Date.now());

    const next = h.restart();
    next.start();
    await loggedIn(h, 2);
    expect(h.store.jobs.get(running.jobId)).toMatchObject({ state: 'failed', errorCode: 'interrupted' });
    const { message: again } = await h.coordinator.next('result', (_m, c) => c === 2);
    expect(again).toEqual(result); // the same frame: same id, same signature
    const { message: failed } = await h.coordinator.next('failed', (_m, c) => c === 2);
    expect(failed).toMatchObject({ jobId: running.jobId, code: 'interrupted' });
    h.coordinator.send({ type: 'ack', ref: again.id });
    h.coordinator.send({ type: 'ack', ref: failed.id });
    await until(() => h.store.jobs.get(done.jobId)?.reportedAt !== null && h.store.jobs.get(running.jobId)?.reportedAt !== null);
    expect(h.store.jobs.unreported({ chainId: h.coordinator.chainId, escrow: getAddress(h.coordinator.escrow), payer: h.coordinator.payer.address })).toEqual([]);
  });
});

describe('NetworkClient: declines', () => {
  it('declines each offer it must not take, with the reason, and runs none of them', async () => {
    const h = await startHarness({ client: { capacity: 1 } });
    await loggedIn(h);
    const { privateKeyToAccount, generatePrivateKey } = await import('viem/accounts');
    const stranger = privateKeyToAccount(generatePrivateKey());
    const decline = async (fields: Parameters<typeof h.coordinator.offer>[0]) => {
      const { offer } = await h.coordinator.sendOffer(fields);
      return (await h.coordinator.next('decline', (m) => m.jobId === offer.jobId)).message.reason;
    };
    expect(await decline({ deadlineAt: Date.now() - 1000 })).toBe('deadline_passed');
    expect(await decline({ signer: stranger })).toBe('bad_signature');
    expect(await decline({ payer: stranger.address, signer: stranger })).toBe('payer_mismatch');
    expect(await decline({ task: 'embedding', inputs: { task: 'embedding', texts: ['hello'] } })).toBe('unknown_task');

    h.policy.current = (offer) => (offer.price < 500n ? { reason: 'price_too_low', message: 'below your minimum' } : offer.price === 666n ? { reason: 'over_budget', message: 'daily cap' } : null);
    expect(await decline({ price: 10n })).toBe('price_too_low');
    expect(await decline({ price: 666n })).toBe('over_budget');

    h.availability.current = { state: 'paused', reason: 'On battery' };
    expect(await decline({})).toBe('paused');
    h.availability.current = { state: 'running', reason: null };

    h.executor.hold = true;
    const { offer: busyOne } = await h.coordinator.sendOffer();
    await h.coordinator.next('accept', (m) => m.jobId === busyOne.jobId);
    expect(await decline({})).toBe('busy');
    // The same job id with other terms is not a repeat.
    expect(await decline({ jobId: busyOne.jobId, price: busyOne.price + 1n })).toBe('duplicate');

    expect(h.executor.runs.map((o) => o.jobId)).toEqual([busyOne.jobId]);
    expect(h.store.jobs.recent(100).map((j) => j.id)).toEqual([busyOne.jobId]);
    expect(Object.fromEntries(h.counters.declines)).toMatchObject({ deadline_passed: 1, bad_signature: 1, payer_mismatch: 1, unknown_task: 1, price_too_low: 1, over_budget: 1, paused: 1, busy: 1, duplicate: 1 });
    // The bad ones are rejections too; the node's own reasons are not.
    expect(Object.fromEntries(h.counters.rejections)).toEqual({ offer_deadline_passed: 1, offer_bad_signature: 1, offer_payer_mismatch: 1, offer_unknown_task: 1 });
  });

  it('declines offers that break the schema but name their job: unknown task, invalid inputs, unusable model', async () => {
    const h = await startHarness();
    await loggedIn(h);
    const raw = async (edit: (offer: Record<string, unknown>) => void) => {
      const offer = await h.coordinator.offer();
      const wire = JSON.parse(JSON.stringify({ ...offer, price: offer.price.toString() })) as Record<string, unknown>;
      edit(wire);
      h.coordinator.sendRaw(JSON.stringify({ v: 1, type: 'offer', id: `raw-${offer.jobId.slice(2, 10)}`, offer: wire }));
      return (await h.coordinator.next('decline', (m) => m.jobId === offer.jobId)).message.reason;
    };
    expect(await raw((o) => (o['task'] = 'video'))).toBe('unknown_task');
    expect(await raw((o) => (o['inputs'] = { task: 'tensor', tensors: [{ name: 'x', type: 'float32', dims: [5], data: 'AAAA' }] }))).toBe('inputs_invalid');
    expect(await raw((o) => (o['model'] = { id: 'm', sha256: 'not-a-hash', url: 'http://x/m', sizeBytes: 1 }))).toBe('model_unavailable');
    expect(await raw((o) => (o['signature'] = '0x1234'))).toBe('bad_signature');
    expect(h.executor.runs).toEqual([]);
    expect(h.store.jobs.recent(10)).toEqual([]);
  });

  it('declines offers while stopping (shutting_down) and reports the job it was running', async () => {
    const h = await startHarness();
    await loggedIn(h);
    h.executor.hold = true;
    h.executor.ignoreAbort = true; // a worker that takes its time to stop
    const { offer: running } = await h.coordinator.sendOffer();
    await until(() => h.executor.held.size === 1);
    const stopping = h.client.stop();
    await h.coordinator.next('availability', (m) => m.state === 'paused');
    const { offer: late } = await h.coordinator.sendOffer();
    expect((await h.coordinator.next('decline', (m) => m.jobId === late.jobId)).message.reason).toBe('shutting_down');
    h.executor.finish(running.jobId);
    await stopping;
    expect(h.store.jobs.get(late.jobId)).toBeUndefined();
  });
});
