import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { PRICE, scaleOutputs, startTestCoordinator } from './harness.ts';

describe('results', () => {
  it('a right result is acked and credited', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    const id = await node.result(offer, scaleOutputs(offer));
    expect(await node.answer(id)).toMatchObject({ type: 'ack', ref: id });
    expect(coordinator.ledger.job(offer.jobId)).toMatchObject({ state: 'succeeded', credited: true, payee: null });
    expect(coordinator.ledger.creditedTotal()).toBe(PRICE);
    expect(coordinator.stats().jobs).toMatchObject({ accepted: 1, succeeded: 1 });
  });

  it('a result without an accept counts too (the accept may have been lost)', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    const id = await node.result(offer, scaleOutputs(offer));
    expect((await node.answer(id)).type).toBe('ack');
    expect(coordinator.ledger.job(offer.jobId)?.credited).toBe(true);
  });

  it('a wrong answer gets bad_result and no credit, and the job stays rejected', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    const id = await node.result(offer, scaleOutputs(offer, true));
    expect(await node.answer(id)).toMatchObject({ type: 'error', code: 'bad_result', fatal: false });
    expect(coordinator.ledger.job(offer.jobId)).toMatchObject({ state: 'rejected', credited: false });
    expect(coordinator.ledger.creditedTotal()).toBe(0n);
    // The right answer afterwards does not turn it around.
    const again = await node.result(offer, scaleOutputs(offer));
    expect(await node.answer(again)).toMatchObject({ type: 'error', code: 'bad_result' });
    expect(coordinator.ledger.creditedTotal()).toBe(0n);
  });

  it.each([
    ['signed by another key', { signer: privateKeyToAccount(generatePrivateKey()) }],
    ['signed for another price', { price: PRICE + 1n }],
    ['signed for a payee it did not log in with', { payee: privateKeyToAccount(generatePrivateKey()).address }],
    ['whose resultHash is not its outputs', { resultHash: `0x${'12'.repeat(32)}` as const }],
  ])('a result %s gets bad_result and no credit', async (_what, options) => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    const id = await node.result(offer, scaleOutputs(offer), options);
    expect(await node.answer(id)).toMatchObject({ type: 'error', code: 'bad_result' });
    expect(coordinator.ledger.job(offer.jobId)?.credited).toBe(false);
  });

  it('repeats are idempotent: acked again, credited once', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    node.accept(offer.jobId);
    const outputs = scaleOutputs(offer);
    const first = await node.result(offer, outputs);
    const second = await node.result(offer, outputs);
    expect(await node.answer(first)).toMatchObject({ type: 'ack' });
    expect(await node.answer(second)).toMatchObject({ type: 'ack' });
    const third = await node.result(offer, outputs);
    expect(await node.answer(third)).toMatchObject({ type: 'ack' });
    expect(coordinator.ledger.creditedTotal()).toBe(PRICE);
    expect(coordinator.stats().jobs.succeeded).toBe(1);
    // A failure report after success changes nothing.
    expect(await node.answer(node.failed(offer.jobId))).toMatchObject({ type: 'ack' });
    expect(coordinator.ledger.job(offer.jobId)?.state).toBe('succeeded');
  });

  it('a result for a job offered to another node is unknown_job', async () => {
    const coordinator = await startTestCoordinator();
    const a = await coordinator.readyNode();
    const b = await coordinator.readyNode();
    const { offer } = await a.next('offer');
    const id = await b.result(offer, scaleOutputs(offer));
    expect(await b.answer(id)).toMatchObject({ type: 'error', code: 'unknown_job', fatal: false });
    expect(coordinator.ledger.job(offer.jobId)?.state).toBe('offered');
  });

  it('a result after deadline + grace is job_expired and not paid', async () => {
    let skew = 0;
    const coordinator = await startTestCoordinator({ now: () => Date.now() + skew, graceMs: 60_000 });
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    skew = offer.deadlineAt - Date.now() + 60_001;
    const id = await node.result(offer, scaleOutputs(offer));
    expect(await node.answer(id)).toMatchObject({ type: 'error', code: 'job_expired', fatal: false });
    expect(coordinator.ledger.job(offer.jobId)).toMatchObject({ state: 'expired', credited: false });
  });

  it('a result late but within grace still counts', async () => {
    let skew = 0;
    const coordinator = await startTestCoordinator({ now: () => Date.now() + skew, graceMs: 60_000 });
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    skew = offer.deadlineAt - Date.now() + 30_000;
    const id = await node.result(offer, scaleOutputs(offer));
    expect(await node.answer(id)).toMatchObject({ type: 'ack' });
  });

  it('the sweep expires jobs nobody reported, freeing the node for new offers', async () => {
    let skew = 0;
    const coordinator = await startTestCoordinator({ now: () => Date.now() + skew, graceMs: 100 });
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    skew = offer.deadlineAt - Date.now() + 1_000;
    await expect.poll(() => coordinator.ledger.job(offer.jobId)?.state).toBe('expired');
    const next = await node.next('offer');
    expect(next.offer.jobId).not.toBe(offer.jobId);
  });

  it('a failure is acked, not paid, and its work offered again', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    expect(await node.answer(node.failed(offer.jobId, 'paused'))).toMatchObject({ type: 'ack' });
    expect(coordinator.ledger.job(offer.jobId)).toMatchObject({ state: 'failed', detail: 'paused', credited: false });
    const again = await node.next('offer');
    expect(again.offer.inputs).toEqual(offer.inputs);
    expect(await node.answer(node.failed(offer.jobId, 'paused'))).toMatchObject({ type: 'ack' });
  });
});
