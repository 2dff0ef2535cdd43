/**
 * The fuzz test's subject and material: the real node client (store, model
 * cache, sandboxed worker) logged in to a FuzzCoordinator and earning real
 * jobs, and the signed offers, vouchers and templates the hostile frames are
 * made from — every key and id drawn from the seeded PRNG.
 */
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Random } from '../../../main/devnet/workload/random.ts';
import { ModelCache } from '../../../main/models/cache.ts';
import { NetworkClient } from '../../../main/network/client.ts';
import { workerExecutor } from '../../../main/network/executor.ts';
import { CountingCounters } from '../../../main/network/rejections.ts';
import { Store } from '../../../main/store/index.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import type { NodeMessageOf, Offer } from '../../../shared/protocol/messages.ts';
import { encodeTensor } from '../../../shared/protocol/payloads.ts';
import type { Address, Hex, Voucher } from '../../../shared/voucher.ts';
import { tempDir } from '../../helpers/temp.ts';
import { sha256, startSupervisor, until } from '../../helpers/worker.ts';
import { CHAIN_ID, FuzzCoordinator, randomAccount, randomHex } from './fuzz-coordinator.ts';
import { wire, type FuzzWorld } from './fuzz-frames.ts';
import { offCurveSignature } from './fuzz-mutations.ts';

export interface LogTally {
  lines: number;
  errors: string[];
  /** First-of-their-reason rejection lines (later ones go to the summary). */
  rejectionLines: number;
}

export interface EarnedJob {
  offer: Offer;
  offerId: string;
  result: NodeMessageOf<'result'>;
}

export interface FuzzNode {
  coordinator: FuzzCoordinator;
  store: Store;
  client: NetworkClient;
  counters: CountingCounters;
  log: LogTally;
  payee: Address;
  /** Offer fields for a real `scale` job on the served model. */
  tensorFields: (fields?: Partial<Omit<Offer, 'signature'>>) => Omit<Offer, 'signature'>;
  /** A real job through the real worker, its result acknowledged. */
  earn: (price: bigint) => Promise<EarnedJob>;
  /** Sends a voucher and waits for its ack; returns the message id. */
  pay: (voucher: Voucher, jobIds: Hex[]) => Promise<string>;
}

export async function startFuzzNode(random: Random): Promise<FuzzNode> {
  const coordinator = await FuzzCoordinator.start(random);
  onTestFinished(() => coordinator.close());
  const model = scaleModel();
  coordinator.files.set('/models/scale.onnx', model);
  const dir = tempDir();
  const store = Store.open(join(dir, 'hearth.db'));
  onTestFinished(() => store.close());
  const models = await ModelCache.open({ dir: join(dir, 'models'), quotaBytes: 64 * 1024 * 1024, trustedLocalOrigins: [coordinator.networkUrl] });
  const { supervisor } = startSupervisor();
  const payee = randomAccount(random).address;
  const counters = new CountingCounters();
  const log: LogTally = { lines: 0, errors: [], rejectionLines: 0 };
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    log.lines++;
    if (level === 'error') log.errors.push(fields ? `${message} ${JSON.stringify(fields)}` : message);
    if (message.startsWith('coordinator input rejected')) log.rejectionLines++;
  };
  const client = new NetworkClient({
    networkUrl: coordinator.networkUrl,
    store,
    nodeKey: randomAccount(random),
    payee: () => payee,
    executor: workerExecutor({ supervisor, models }),
    capacity: 2,
    available: () => ({ state: 'running', reason: null }),
    // No embedding: offers for it are for a task the node did not announce.
    capabilities: () => ({ tasks: ['tensor', 'ocr'], models: [], executionProviders: ['cpu'], ramMiB: 4096, vramMiB: null, priceFloorPerHour: null }),
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    counters,
    backoff: { initialMs: 20, maxMs: 100 },
  });
  onTestFinished(() => client.stop());
  client.start();
  await coordinator.until(() => coordinator.ready === 1, 'the login');

  const modelSha = sha256(model);
  const tensorFields = (fields: Partial<Omit<Offer, 'signature'>> = {}): Omit<Offer, 'signature'> => ({
    jobId: randomHex(random, 32),
    task: 'tensor',
    model: { id: 'scale', sha256: modelSha, url: `${coordinator.networkUrl}/models/scale.onnx`, sizeBytes: model.byteLength },
    inputs: { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [3], data: Float32Array.from({ length: 3 }, () => random.int(-100, 100)) })] },
    price: 1000n,
    deadlineAt: Date.now() + 10 * 60_000,
    payer: coordinator.payer.address,
    ...fields,
  });
  return {
    coordinator,
    store,
    client,
    counters,
    log,
    payee,
    tensorFields,
    earn: async (price) => {
      const offer = await coordinator.signOffer(tensorFields({ price }));
      const offerId = coordinator.send({ type: 'offer', offer });
      await coordinator.until(() => coordinator.results.some((r) => r.jobId === offer.jobId), 'a result', 60_000);
      const result = coordinator.results.find((r) => r.jobId === offer.jobId);
      if (!result) throw new Error('no result');
      coordinator.send({ type: 'ack', ref: result.id });
      await until(() => store.jobs.get(offer.jobId)?.reportedAt !== null, 10_000, 'the result acknowledged');
      return { offer, offerId, result };
    },
    pay: async (voucher, jobIds) => {
      const id = coordinator.send({ type: 'voucher', voucher, jobIds });
      await coordinator.until(() => coordinator.acks.includes(id), 'the voucher acknowledged');
      return id;
    },
  };
}

/** Signs everything the hostile frames are made from, around what the node holds: a paid job, an unpaid one, the voucher it has. */
export async function buildWorld(
  random: Random,
  node: FuzzNode,
  held: { paid: EarnedJob; unpaid: EarnedJob; voucher: Voucher; voucherId: string },
): Promise<FuzzWorld> {
  const { coordinator, payee, tensorFields } = node;
  const stranger = randomAccount(random);
  const signMany = (n: number, make: () => Promise<Offer>) => Promise.all(Array.from({ length: n }, make));
  const future = () => Date.now() + random.int(60_000, 3_600_000);
  const voucherTo = (provider: Address, cumulativeAmount: bigint, more: { payer?: Address; chainId?: number; escrow?: Address } = {}, signer = coordinator.payer) =>
    coordinator.signVoucher({ provider, cumulativeAmount, ...more }, signer);
  const otherChain = await voucherTo(payee, 5000n, { chainId: 1 });
  const network = { chainId: CHAIN_ID, escrow: coordinator.escrow, token: coordinator.token, payer: coordinator.payer.address };
  return {
    random,
    coordinator,
    payee,
    stranger,
    templates: [
      wire({ type: 'hello', nonce: randomHex(random, 16).slice(2), serverTime: Date.now(), heartbeatMs: 60_000, network }, random),
      wire({ type: 'offer', offer: await expiredOffer(random, node) }, random),
      wire({ type: 'voucher', voucher: await voucherTo(payee, 9000n, {}, stranger), jobIds: [randomHex(random, 32)] }, random),
      wire({ type: 'heartbeat', at: Date.now() }, random),
      wire({ type: 'error', code: 'internal', message: 'x', ref: 'nothing-asked', fatal: false }, random),
      wire({ type: 'ack', ref: 'nothing-asked' }, random),
    ],
    offers: {
      expired: await signMany(16, () => expiredOffer(random, node)),
      otherPayer: await signMany(8, () => coordinator.signOffer(tensorFields({ payer: stranger.address, deadlineAt: future() }), stranger)),
      unknownTask: await signMany(8, () => coordinator.signOffer(tensorFields({ task: 'embedding', inputs: { task: 'embedding', texts: ['hello'] }, deadlineAt: future() }))),
      signedByStranger: await signMany(8, () => coordinator.signOffer(tensorFields({ deadlineAt: future() }), stranger)),
      fresh: await signMany(16, () => coordinator.signOffer(tensorFields({ deadlineAt: future() }))),
    },
    vouchers: {
      refused: [
        { voucher: await voucherTo(payee, 5000n, {}, stranger), reason: 'bad_signature' },
        { voucher: otherChain, reason: 'wrong_domain' },
        { voucher: { ...otherChain, chainId: CHAIN_ID }, reason: 'bad_signature' },
        { voucher: await voucherTo(payee, 5000n, { escrow: stranger.address }), reason: 'wrong_domain' },
        { voucher: await voucherTo(payee, 5000n, { payer: stranger.address }, stranger), reason: 'wrong_payer' },
        { voucher: await voucherTo(stranger.address, 5000n), reason: 'wrong_provider' },
        { voucher: await voucherTo(payee, held.voucher.cumulativeAmount - 1n), reason: 'not_increasing' },
        { voucher: await voucherTo(payee, 1n), reason: 'not_increasing' },
        { voucher: await voucherTo(payee, 0n), reason: 'not_increasing' },
        { voucher: { ...(await voucherTo(payee, 5000n)), signature: `${randomHex(random, 64)}1b` }, reason: 'bad_signature' },
        { voucher: { ...(await voucherTo(payee, 5000n)), signature: offCurveSignature(random) }, reason: 'bad_signature' },
      ],
      held: held.voucher,
      higher: await voucherTo(payee, 10n ** 12n),
    },
    heldOffer: held.paid.offer,
    paidJobId: held.paid.offer.jobId,
    unpaidJobId: held.unpaid.offer.jobId,
    coordinatorIds: [held.paid.offerId, held.unpaid.offerId, held.voucherId],
  };
}

/** Signed by the payer, complete, and past its deadline: declined `deadline_passed` whenever it arrives. */
export function expiredOffer(random: Random, node: FuzzNode): Promise<Offer> {
  return node.coordinator.signOffer(node.tensorFields({ deadlineAt: Date.now() - random.int(1, 1e9) }));
}
