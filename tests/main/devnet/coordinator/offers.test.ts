import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { recoverOfferSigner } from '../../../../shared/protocol/eip712.ts';
import { MAX_QUEUED } from '../../../../main/devnet/coordinator/dispatch.ts';
import { CHAIN_ID, PRICE, scaleOutputs, startTestCoordinator } from './harness.ts';

/** Long enough for an offer that would be wrong to have arrived (a slow machine only sends fewer). */
const SETTLE_MS = 300;

describe('offers', () => {
  it('are signed by the payer, stored before they are sent, and name a model the registry serves', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    expect(await recoverOfferSigner(CHAIN_ID, offer)).toBe(coordinator.payer.address);
    expect(offer).toMatchObject({ task: 'tensor', price: PRICE, payer: coordinator.payer.address });
    expect(offer.deadlineAt).toBeGreaterThan(Date.now());
    expect(coordinator.ledger.job(offer.jobId)).toMatchObject({ state: 'offered', node: node.address, price: PRICE, modelSha256: offer.model.sha256 });
    const model = await fetch(offer.model.url);
    expect(model.status).toBe(200);
    expect((await model.arrayBuffer()).byteLength).toBe(offer.model.sizeBytes);
  });

  it('go only to a running node, and stop while it is paused', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    await node.login();
    node.announce({ tasks: ['tensor'], maxConcurrentJobs: 1, state: 'paused' });
    await sleep(SETTLE_MS);
    expect(node.drain('offer')).toEqual([]);
    expect(coordinator.stats().inFlight).toBe(0);
    node.availability('running');
    await node.next('offer');
  });

  it('keep at most maxConcurrentJobs offered or running, and offer again when one ends', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode({ maxConcurrentJobs: 2 });
    const first = await node.next('offer');
    const second = await node.next('offer');
    await sleep(SETTLE_MS);
    expect(node.drain('offer')).toEqual([]);
    expect(coordinator.stats().inFlight).toBe(2);
    node.accept(first.offer.jobId);
    node.accept(second.offer.jobId);
    const id = await node.result(first.offer, scaleOutputs(first.offer));
    expect((await node.answer(id)).type).toBe('ack');
    const third = await node.next('offer');
    expect(new Set([first.offer.jobId, second.offer.jobId, third.offer.jobId]).size).toBe(3);
    expect(coordinator.stats().inFlight).toBe(2);
  });

  it('offer only tasks the node runs; unusable work is dropped, not piled up', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    await node.login();
    node.announce({ tasks: ['ocr'], maxConcurrentJobs: 4 });
    await sleep(SETTLE_MS);
    expect(node.drain('offer')).toEqual([]);
    const stats = coordinator.stats();
    expect(stats.queued).toBeLessThanOrEqual(MAX_QUEUED);
    expect(stats.jobs.offered).toBe(0);
  });

  it('are withdrawn when unanswered in time, and the work is offered again under a new jobId', async () => {
    const coordinator = await startTestCoordinator({ offerTimeoutMs: 200 });
    const node = await coordinator.readyNode();
    const first = await node.next('offer');
    const again = await node.next('offer');
    expect(again.offer.jobId).not.toBe(first.offer.jobId);
    expect(again.offer.inputs).toEqual(first.offer.inputs);
    expect(coordinator.ledger.job(first.offer.jobId)?.state).toBe('withdrawn');
    expect(coordinator.stats().jobs.withdrawn).toBeGreaterThanOrEqual(1);
  });

  it('are withdrawn when the connection goes', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const { offer } = await node.next('offer');
    await node.close();
    await expect.poll(() => coordinator.ledger.job(offer.jobId)?.state).toBe('withdrawn');
    expect(coordinator.stats().inFlight).toBe(0);
  });

  it('declined go back to the queue: the same work comes again under a new jobId', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const first = await node.next('offer');
    node.decline(first.offer.jobId, 'busy');
    const again = await node.next('offer');
    expect(again.offer.jobId).not.toBe(first.offer.jobId);
    expect(again.offer.inputs).toEqual(first.offer.inputs);
    expect(coordinator.ledger.job(first.offer.jobId)).toMatchObject({ state: 'declined', detail: 'busy' });
  }, 15_000); // the node rests 2 s after a busy decline (rests.ts): 5 s was too close on a loaded machine

  it('come no faster than the rate', async () => {
    const coordinator = await startTestCoordinator({ rate: 1 });
    const node = await coordinator.readyNode({ maxConcurrentJobs: 8 });
    await node.next('offer');
    await sleep(SETTLE_MS);
    // One token to start with, then one a second: nothing more within 300 ms.
    expect(node.drain('offer')).toEqual([]);
  });

  it('an accept or decline of a job never offered to this node is unknown_job', async () => {
    const coordinator = await startTestCoordinator();
    const a = await coordinator.readyNode();
    const b = await coordinator.readyNode();
    const { offer } = await a.next('offer');
    b.accept(offer.jobId);
    expect(await b.next('error')).toMatchObject({ code: 'unknown_job', fatal: false });
    b.decline(`0x${'ab'.repeat(32)}`);
    expect(await b.next('error')).toMatchObject({ code: 'unknown_job', fatal: false });
    expect(coordinator.ledger.job(offer.jobId)?.state).toBe('offered');
  });
});
