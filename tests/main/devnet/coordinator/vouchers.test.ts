import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { CoordinatorMessageOf } from '../../../../shared/protocol/messages.ts';
import type { Address, Hex } from '../../../../shared/voucher.ts';
import { PRICE, scaleOutputs, startTestCoordinator, wire, type ScriptedNode } from './harness.ts';

const newPayee = (): Address => privateKeyToAccount(generatePrivateKey()).address;

/** Takes `count` offers one after another and answers each (right unless `wrong(i)`); returns the credited jobIds. */
async function work(node: ScriptedNode, count: number, wrong: (i: number) => boolean = () => false): Promise<Hex[]> {
  const credited: Hex[] = [];
  for (let i = 0; i < count; i++) {
    const { offer } = await node.next('offer');
    node.accept(offer.jobId);
    const answer = await node.answer(await node.result(offer, scaleOutputs(offer, wrong(i))));
    if (answer.type === 'ack') credited.push(offer.jobId);
  }
  return credited;
}

/** Voucher messages until one reaches `total` (each is sent right after it is stored, so it may still be on its way). */
async function vouchersUpTo(node: ScriptedNode, total: bigint): Promise<CoordinatorMessageOf<'voucher'>[]> {
  const messages: CoordinatorMessageOf<'voucher'>[] = [];
  while (messages.at(-1)?.voucher.cumulativeAmount !== total) messages.push(await node.next('voucher'));
  return messages;
}

describe('vouchers', () => {
  it('are cumulative per payee, verify against the escrow domain, and pay every credited job once', async () => {
    const coordinator = await startTestCoordinator();
    const payee = newPayee();
    const node = await coordinator.readyNode({ payee });
    const credited = await work(node, 5);
    await expect.poll(() => coordinator.ledger.signedTotal(coordinator.payer.address, payee)).toBe(5n * PRICE);

    const verifier = coordinator.verifier(payee);
    let highest: bigint | undefined;
    const paid: Hex[] = [];
    for (const message of await vouchersUpTo(node, 5n * PRICE)) {
      const voucher = verifier.verify(wire(message.voucher), highest);
      highest = voucher.cumulativeAmount;
      paid.push(...message.jobIds);
      node.ack(message.id);
    }
    expect(highest).toBe(5n * PRICE);
    expect(paid.sort()).toEqual([...credited].sort());
    expect(coordinator.ledger.latestVoucher(payee)?.cumulative).toBe(5n * PRICE);
    await expect.poll(() => coordinator.ledger.unackedJobIds(node.address)).toEqual([]);
  });

  it('credit earned without a payee becomes one voucher when the node logs in with one', async () => {
    const coordinator = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const first = await coordinator.readyNode({ account, payee: null });
    const credited = await work(first, 3);
    expect(first.drain('voucher')).toEqual([]);
    expect(coordinator.ledger.creditedTotal()).toBe(3n * PRICE);
    await first.close();

    const payee = newPayee();
    const second = await coordinator.readyNode({ account, payee });
    const message = await second.next('voucher');
    expect(coordinator.verifier(payee).verify(wire(message.voucher), undefined).cumulativeAmount).toBe(3n * PRICE);
    expect([...message.jobIds].sort()).toEqual([...credited].sort());
    expect(coordinator.stats().vouchersIssued).toBe(1);
  });

  it('a result signed before the node named a payee, sent after it logged in with one, is credited and vouchered', async () => {
    // The kill test found it: a node that gets a wallet while a job runs signs that job's result without a payee
    // and may only send it on the next session, which names the wallet. The work was done and is right: it is paid.
    const coordinator = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const first = await coordinator.readyNode({ account, payee: null });
    const { offer } = await first.next('offer');
    first.accept(offer.jobId);
    await first.close();

    const payee = newPayee();
    const second = await coordinator.readyNode({ account, payee });
    const id = await second.result(offer, scaleOutputs(offer), { payee: null });
    expect(await second.answer(id)).toMatchObject({ type: 'ack', ref: id });
    expect(coordinator.ledger.job(offer.jobId)?.credited).toBe(true);
    const message = await vouchersUpTo(second, PRICE);
    expect(message.at(-1)?.jobIds).toContain(offer.jobId);
    // Signed for a payee it never named, it is still refused.
    const { offer: other } = await second.next('offer');
    const wrong = await second.result(other, scaleOutputs(other), { payee: newPayee() });
    expect(await second.answer(wrong)).toMatchObject({ type: 'error', code: 'bad_result' });
  });

  it('re-sends the latest voucher at login with the jobs of every voucher the node never acked', async () => {
    const coordinator = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const payee = newPayee();
    const first = await coordinator.readyNode({ account, payee });
    const credited = await work(first, 3);
    await expect.poll(() => coordinator.ledger.signedTotal(coordinator.payer.address, payee)).toBe(3n * PRICE);
    await first.close(); // never acked

    const second = await coordinator.readyNode({ account, payee });
    const resent = await second.next('voucher');
    expect(resent.voucher.cumulativeAmount).toBe(3n * PRICE);
    expect([...resent.jobIds].sort()).toEqual([...credited].sort());
    second.ack(resent.id);
    await expect.poll(() => coordinator.ledger.unackedJobIds(second.address)).toEqual([]);
    await second.close();

    // Everything acked: the latest voucher comes again, with no jobs.
    const third = await coordinator.readyNode({ account, payee });
    const again = await third.next('voucher');
    expect(again.voucher).toEqual(resent.voucher);
    expect(again.jobIds).toEqual([]);
  });

  it('vouchers of a payee shared by two nodes stay one cumulative sequence', async () => {
    const coordinator = await startTestCoordinator();
    const payee = newPayee();
    const a = await coordinator.readyNode({ payee });
    const b = await coordinator.readyNode({ payee });
    const [fromA, fromB] = await Promise.all([work(a, 4), work(b, 4)]);
    const total = BigInt(fromA.length + fromB.length) * PRICE;
    await expect.poll(() => coordinator.ledger.signedTotal(coordinator.payer.address, payee)).toBe(total);
    const verifier = coordinator.verifier(payee);
    const last = coordinator.ledger.latestVoucher(payee);
    for (const node of [a, b]) {
      // Each node sees a rising sequence, up to the last voucher made for its own jobs.
      const own = coordinator.ledger.unackedVouchers(node.address, payee).at(-1);
      const target = own && coordinator.ledger.voucher(own.id)?.cumulative;
      let highest: bigint | undefined;
      for (const message of await vouchersUpTo(node, target ?? 0n)) highest = verifier.verify(wire(message.voucher), highest).cumulativeAmount;
    }
    expect(last?.cumulative).toBe(total);
    expect(coordinator.ledger.invariantProblems()).toEqual([]);
  });

  it('the ledger adds up: no job in two vouchers, latest cumulative = sum of vouchered job prices', async () => {
    const coordinator = await startTestCoordinator({ voucherIntervalMs: 5 });
    const payees = [newPayee(), newPayee()];
    const nodes = await Promise.all([
      coordinator.readyNode({ payee: payees[0], maxConcurrentJobs: 1 }),
      coordinator.readyNode({ payee: payees[0], maxConcurrentJobs: 1 }),
      coordinator.readyNode({ payee: payees[1], maxConcurrentJobs: 1 }),
      coordinator.readyNode({ payee: null, maxConcurrentJobs: 1 }),
    ]);
    const credited = await Promise.all(nodes.map((node) => work(node, 6, (i) => i % 3 === 2)));
    for (const [index, payee] of payees.entries()) {
      const earned = BigInt(credited.filter((_, n) => (index === 0 ? n < 2 : n === 2)).flat().length) * PRICE;
      await expect.poll(() => coordinator.ledger.signedTotal(coordinator.payer.address, payee)).toBe(earned);
    }
    const ledger = coordinator.ledger;
    expect(ledger.jobsPaidMoreThanOnce()).toBe(0);
    expect(ledger.invariantProblems()).toEqual([]);
    expect(ledger.countsByState()).toMatchObject({ succeeded: 16, rejected: 8 });
    // What is vouchered plus what waits for a payee is everything credited.
    const vouchered = payees.reduce((sum, payee) => sum + ledger.signedTotal(coordinator.payer.address, payee), 0n);
    expect(vouchered + BigInt((credited[3] ?? []).length) * PRICE).toBe(ledger.creditedTotal());
  });
});
