/**
 * Results the coordinator never acknowledged, sent again after the next
 * login — with the reference coordinator over real sockets (light-network.ts):
 * signed again when the login names another payee, only to the network they
 * came from, and a window at a time.
 */
import { randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it, vi } from 'vitest';
import { encodeSpec } from '../../../main/devnet/coordinator/spec.ts';
import type { DemoJob } from '../../../main/devnet/workload/types.ts';
import { RESEND_PAGE, RESEND_WINDOW } from '../../../main/network/jobs.ts';
import type { StoredResult } from '../../../main/store/jobs.ts';
import { hashOutputs, jobResultTypedData, NO_PAYEE, recoverJobResultSigner } from '../../../shared/protocol/eip712.ts';
import { encodeNodeMessage, newMessageId, PROTOCOL_VERSION } from '../../../shared/protocol/messages.ts';
import { tensorJobOutputs } from '../../../shared/protocol/results.ts';
import type { Hex } from '../../../shared/voucher.ts';
import { randomAddress } from '../../helpers/net.ts';
import { until } from '../../helpers/worker.ts';
import { PRICE } from '../devnet/coordinator/harness.ts';
import { lightNode, peakResultsInFlight, startLightNetwork, type LightNetwork, type LightNode } from './light-network.ts';

const PAUSED = { state: 'paused', reason: 'paused by the test' } as const;

/** Runs two jobs on `network` and stores their results while its coordinator is down: stored, signed for the payee of the time, never sent. */
async function resultsWhileDown(node: LightNode, network: LightNetwork): Promise<string[]> {
  node.executor.hold = true;
  const client = node.client(network);
  client.start();
  await until(() => node.executor.held.size === 2, 10_000, 'two jobs running');
  const jobIds = [...node.executor.held.keys()];
  await network.stop();
  await until(() => client.status().state !== 'connected', 10_000, 'the connection lost');
  for (const id of jobIds) node.executor.finish(id);
  await until(() => jobIds.every((id) => node.store.jobs.get(id)?.state === 'succeeded'), 10_000, 'the results stored');
  node.executor.hold = false;
  return jobIds;
}

function storedResults(node: LightNode, network: LightNetwork): Map<string, StoredResult | null> {
  return new Map(node.store.jobs.unreported(network.network).map(({ job, result }) => [job.id, result]));
}

describe('re-sent results, with the real coordinator', () => {
  it.each([
    { change: 'no wallet → wallet', before: null },
    { change: 'wallet → another wallet', before: randomAddress() },
  ])('a result stored for one payee and not acknowledged is signed again for the next login’s payee, and paid to it ($change)', async ({ before }) => {
    const network = await startLightNetwork();
    const node = lightNode({ payee: before });
    const jobIds = await resultsWhileDown(node, network);
    const stored = storedResults(node, network);
    expect(jobIds.map((id) => stored.get(id)?.payee)).toEqual([before ?? NO_PAYEE, before ?? NO_PAYEE]);

    // Meanwhile a wallet is created, or another one imported: the next login names it.
    const wallet = randomAddress();
    node.payee.current = wallet;
    node.availability.current = PAUSED;
    await network.start();
    await until(() => jobIds.every((id) => ['paid', 'failed'].includes(node.store.jobs.get(id)?.state ?? '')), 20_000, 'the results settled');
    expect(jobIds.map((id) => node.store.jobs.get(id)?.state)).toEqual(['paid', 'paid']);

    // Sent once, signed for the new payee, with the hash, price and completedAt stored before the first send.
    const sent = network.tap.sent('result').filter((m) => jobIds.includes(m.jobId));
    expect(sent.map((m) => m.jobId).sort()).toEqual([...jobIds].sort());
    for (const message of sent) {
      const job = node.store.jobs.get(message.jobId);
      expect(message).toMatchObject({ id: stored.get(message.jobId)?.messageId, resultHash: job?.resultHash, completedAt: job?.finishedAt });
      const fields = { jobId: message.jobId, payee: wallet, resultHash: message.resultHash, price: job?.price ?? 0n, completedAt: message.completedAt };
      expect(await recoverJobResultSigner(network.network.chainId, fields, message.signature)).toBe(node.nodeKey.address);
    }
    // Credited to it, and paid by its voucher.
    const { ledger } = network.coordinator;
    expect(jobIds.map((id) => ledger.job(id as Hex)?.payee)).toEqual([wallet.toLowerCase(), wallet.toLowerCase()]);
    expect(node.store.vouchers.recent(10).map((v) => v.payee)).toEqual([wallet]);
    expect(node.store.jobs.paidByChannel()).toEqual([expect.objectContaining({ total: 2n * PRICE, jobs: 2 })]);
    expect(network.coordinator.stats().rejections).toEqual({});
    expect(node.counters.outcomes.get('rejected')).toBeUndefined();
    expect(node.store.db.prepare('SELECT count(*) FROM result_frames').pluck().get()).toBe(0);
  }, 60_000);

  it('results of one network are neither re-sent to another network the same payer key pays on, nor paid by its vouchers', async () => {
    const payer = privateKeyToAccount(generatePrivateKey());
    const x = await startLightNetwork({ payer });
    const y = await startLightNetwork({ payer }); // the same chain and payer, another escrow
    const node = lightNode();
    const xJobs = await resultsWhileDown(node, x);

    // The node moves to Y and earns there, X's results still unacknowledged.
    const onY = node.client(y);
    onY.start();
    await until(() => node.store.jobs.countByState().paid >= 3, 20_000, 'jobs paid on Y');
    node.availability.current = PAUSED;
    onY.setAvailability();
    await onY.stop();
    expect(y.tap.sent('result').filter((m) => xJobs.includes(m.jobId))).toEqual([]);
    for (const id of xJobs) expect(node.store.jobs.get(id)).toMatchObject({ state: 'succeeded', reportedAt: null, voucherId: null });
    expect(y.coordinator.stats().rejections).toEqual({});

    // Back on X they are reported, and X pays them.
    await x.start();
    node.client(x).start();
    await until(() => xJobs.every((id) => node.store.jobs.get(id)?.state === 'paid'), 20_000, "X's jobs paid");
    expect(x.coordinator.stats().rejections).toEqual({});
    const channels = node.store.jobs.paidByChannel().map(({ channel, jobs }) => ({ escrow: channel.escrow, jobs }));
    expect(channels).toContainEqual({ escrow: x.network.escrow, jobs: 2 });
  }, 60_000);

  it(`re-sends 5,000 unacknowledged results a page at a time, never more than ${RESEND_WINDOW} awaiting an answer: all reported and paid`, async () => {
    const COUNT = 5_000;
    const network = await startLightNetwork();
    const node = lightNode();
    const payee = node.payee.current ?? NO_PAYEE;
    const { ledger } = network.coordinator;
    const now = Date.now();
    // What an outage leaves: jobs the coordinator offered and the node accepted, ran and stored the results of.
    const rows: { job: DemoJob; jobId: Hex; resultHash: Hex; completedAt: number; messageId: string; frame: string }[] = [];
    for (let i = 0; i < COUNT; i++) {
      const job = network.workload.next();
      const jobId: Hex = `0x${randomBytes(32).toString('hex')}`;
      const outputs = tensorJobOutputs({ y: { type: 'float32', dims: [3], data: job.expected as Float32Array } });
      const resultHash = hashOutputs(outputs);
      const completedAt = now + i;
      const signature = await node.nodeKey.signTypedData(jobResultTypedData(network.network.chainId, { jobId, payee, resultHash, price: job.price, completedAt }));
      const messageId = newMessageId();
      const frame = encodeNodeMessage({ v: PROTOCOL_VERSION, id: messageId, type: 'result', jobId, outputs, resultHash, completedAt, signature, metrics: { durationMs: 1, executionProvider: 'cpu' } });
      rows.push({ job, jobId, resultHash, completedAt, messageId, frame });
    }
    ledger.db.transaction(() => {
      ledger.recordLogin(node.nodeKey.address, payee, now);
      for (const { job, jobId } of rows) {
        ledger.insertOffered({ id: jobId, node: node.nodeKey.address, task: 'tensor', modelSha256: job.model.sha256, price: job.price, offeredAt: now, deadlineAt: now + 600_000, spec: encodeSpec(job) });
        ledger.markAccepted(jobId, now);
      }
    })();
    node.store.db.transaction(() => {
      for (const { job, jobId, resultHash, completedAt, messageId, frame } of rows) {
        const offered = { id: jobId, coordinator: network.coordinator.wsUrl, task: 'tensor', modelId: job.model.id, modelSha256: job.model.sha256, price: job.price } as const;
        node.store.jobs.acceptJob({ ...offered, acceptedAt: now, deadlineAt: now + 600_000, ...network.network, offerId: null });
        node.store.jobs.succeed(jobId, { at: completedAt, resultHash, executionProvider: 'cpu', durationMs: 1, messageId, frame, payee });
      }
    })();

    const pages = vi.spyOn(node.store.jobs, 'unreported');
    node.availability.current = PAUSED;
    node.client(network).start();
    await until(() => node.store.jobs.unreported(network.network, { limit: 1 }).length === 0, 120_000, 'every result acknowledged');
    await until(() => node.store.jobs.countByState().paid === COUNT, 30_000, 'every job paid');

    expect(network.tap.sent('result')).toHaveLength(COUNT); // each once
    expect(peakResultsInFlight(network.tap)).toBeLessThanOrEqual(RESEND_WINDOW);
    // Read from the store a page at a time, never all at once.
    const read = pages.mock.results.map((result) => (result.type === 'return' ? result.value.length : 0));
    expect(Math.max(...read)).toBeLessThanOrEqual(RESEND_PAGE);
    expect(ledger.creditedTotal()).toBe(rows.reduce((sum, row) => sum + row.job.price, 0n));
    expect(network.coordinator.stats().rejections).toEqual({});
    expect(node.counters.totalRejections()).toBe(0);
  }, 240_000);
});
