import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { PRICE, scaleOutputs, startTestCoordinator, wire } from './harness.ts';

describe('a coordinator restarted on the same ledger', () => {
  it('keeps its totals, re-sends the unacked voucher, and continues cumulatively', async () => {
    const before = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const payee = privateKeyToAccount(generatePrivateKey()).address;
    const node = await before.readyNode({ account, payee });
    const credited = [];
    for (let i = 0; i < 3; i++) {
      const { offer } = await node.next('offer');
      node.accept(offer.jobId);
      expect((await node.answer(await node.result(offer, scaleOutputs(offer)))).type).toBe('ack');
      credited.push(offer.jobId);
    }
    await expect.poll(() => before.ledger.signedTotal(before.payer.address, payee)).toBe(3n * PRICE);

    const after = await before.restart();
    expect(after.ledger.signedTotal(after.payer.address, payee)).toBe(3n * PRICE);
    expect(after.ledger.creditedTotal()).toBe(3n * PRICE);
    expect(after.ledger.countsByState().succeeded).toBe(3);

    const again = await after.readyNode({ account, payee });
    const resent = await again.next('voucher');
    const verifier = after.verifier(payee);
    expect(verifier.verify(wire(resent.voucher), undefined).cumulativeAmount).toBe(3n * PRICE);
    expect([...resent.jobIds].sort()).toEqual([...credited].sort());
    again.ack(resent.id);

    const { offer } = await again.next('offer');
    again.accept(offer.jobId);
    expect((await again.answer(await again.result(offer, scaleOutputs(offer)))).type).toBe('ack');
    const next = await again.next('voucher', (message) => message.jobIds.includes(offer.jobId));
    expect(verifier.verify(wire(next.voucher), 3n * PRICE).cumulativeAmount).toBe(4n * PRICE);
    expect(next.jobIds).toEqual([offer.jobId]);
    expect(after.ledger.invariantProblems()).toEqual([]);
  });

  it('still takes results for jobs offered before the restart, checked against what it stored', async () => {
    const before = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const node = await before.readyNode({ account, maxConcurrentJobs: 3 });
    const offers = [(await node.next('offer')).offer, (await node.next('offer')).offer, (await node.next('offer')).offer];
    const [accepted, unanswered, wrong] = offers;
    if (!accepted || !unanswered || !wrong) throw new Error('no offers');
    node.accept(accepted.jobId);
    node.accept(wrong.jobId);
    await expect.poll(() => before.ledger.job(wrong.jobId)?.state).toBe('accepted');
    await node.close();

    const after = await before.restart();
    const again = await after.node(account);
    expect((await again.login()).type).toBe('ack');
    // Accepted jobs from before hold the node's capacity until they are reported.
    again.announce({ tasks: ['tensor'], maxConcurrentJobs: 3 });
    await again.next('offer');
    await expect.poll(() => after.stats().inFlight).toBe(3);
    expect((await again.answer(await again.result(accepted, scaleOutputs(accepted)))).type).toBe('ack');
    expect((await again.answer(await again.result(unanswered, scaleOutputs(unanswered)))).type).toBe('ack');
    expect(await again.answer(await again.result(wrong, scaleOutputs(wrong, true)))).toMatchObject({ type: 'error', code: 'bad_result' });
    expect(after.ledger.creditedTotal()).toBe(2n * PRICE);
    expect(after.ledger.job(wrong.jobId)?.state).toBe('rejected');
  });

  it('expires at start what passed its grace while it was down', async () => {
    const before = await startTestCoordinator();
    const node = await before.readyNode();
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    await expect.poll(() => before.ledger.job(offer.jobId)?.state).toBe('accepted');
    await node.close();
    const skew = offer.deadlineAt - Date.now() + 61_000;
    const after = await before.restart({ now: () => Date.now() + skew });
    expect(after.ledger.job(offer.jobId)?.state).toBe('expired');
  });
});
