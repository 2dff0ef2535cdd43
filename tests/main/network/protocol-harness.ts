/**
 * The real thing, in one test process: the reference coordinator (its own
 * ledger, the demo workload, a generated payer — vouchers are verified
 * off-chain, so no chain is needed) and the node's real client, composed as
 * main/node/network.ts composes it (the sandboxed worker through
 * workerExecutor, a ModelCache trusting the network's origin, the node's
 * Store), talking over real sockets through a WireTap that keeps the
 * transcript.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { onTestFinished } from 'vitest';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../../../main/devnet/coordinator/server.ts';
import { createDemoWorkload, type DemoWorkloadOptions } from '../../../main/devnet/workload/index.ts';
import { ModelCache } from '../../../main/models/cache.ts';
import { NetworkClient, type Availability, type NodeCapabilities } from '../../../main/network/client.ts';
import { workerExecutor } from '../../../main/network/executor.ts';
import { CountingCounters } from '../../../main/network/rejections.ts';
import { Store } from '../../../main/store/index.ts';
import type { StoredJob } from '../../../main/store/jobs.ts';
import type { StoredVoucher } from '../../../main/store/vouchers.ts';
import type { NetworkStatus } from '../../../shared/network.ts';
import type { Address } from '../../../shared/voucher.ts';
import { freePort, randomAddress } from '../../helpers/net.ts';
import { tempDir } from '../../helpers/temp.ts';
import { startSupervisor, until } from '../../helpers/worker.ts';
import { collectingLogger, type LogLine } from './harness.ts';
import { WireTap } from './wire-tap.ts';

const CHAIN_ID = 31337;
/** What main/node/network.ts runs at once. */
const CAPACITY = 2;

const capabilities: NodeCapabilities = {
  tasks: ['tensor', 'ocr', 'embedding'],
  models: [],
  executionProviders: ['cpu'],
  ramMiB: 4096,
  vramMiB: null,
  priceFloorPerHour: null,
};

export interface RealNetwork {
  tap: WireTap;
  /** The coordinator running now (replaced by startCoordinatorAgain). */
  coordinator: Coordinator;
  payer: LocalAccount;
  store: Store;
  nodeKey: LocalAccount;
  client: NetworkClient;
  counters: CountingCounters;
  logs: LogLine[];
  coordinatorLogs: LogLine[];
  statuses: NetworkStatus[];
  payee: { current: Address | null };
  /** While true, the node's voucher acks are lost on the way out (the voucher is stored; the coordinator never hears). */
  loseVoucherAcks: { current: boolean; lost: number };
  /** Pauses the node as ProviderNode does: availability to the coordinator, running jobs ended, the worker paused. */
  pause(reason: string): void;
  resume(): void;
  stopCoordinator(): Promise<void>;
  /** A new coordinator on the same ledger file, payer, network and port. */
  startCoordinatorAgain(): Promise<void>;
  jobs(): StoredJob[];
  vouchers(): StoredVoucher[];
  /** The node's highest voucher's cumulative amount in its one channel (0 for none). */
  highest(): bigint;
  /** Sum of the prices of the node's paid jobs. */
  paidTotal(): bigint;
}

export async function startRealNetwork(
  options: { workload?: DemoWorkloadOptions; payee?: Address | null } = {},
): Promise<RealNetwork> {
  const dir = tempDir('hearth-protocol-');
  const tap = await WireTap.start();
  // Undone in reverse at the test's end, whatever was started by then.
  const cleanup: (() => unknown)[] = [() => tap.close()];
  onTestFinished(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const payer = privateKeyToAccount(generatePrivateKey());
  const coordinatorLogs: LogLine[] = [];
  const coordinatorOptions: CoordinatorOptions = {
    ledgerFile: join(dir, 'devnet', 'coordinator.sqlite'),
    payer,
    network: { chainId: CHAIN_ID, escrow: randomAddress(), token: { address: randomAddress(), symbol: 'tUSD', decimals: 6 } },
    workload: await createDemoWorkload(options.workload ?? { mix: { tensor: 1, embedding: 0, ocr: 0 } }),
    // Nodes reach it through the tap: the manifest, the login's signed URL and the model URLs all name the tap.
    publicUrl: tap.url,
    rate: 50,
    voucherIntervalMs: 50,
    logger: (level, message) => coordinatorLogs.push({ level, message }),
  };
  // Its URLs name the tap, so the port it listens on is chosen here (and kept for the restart).
  coordinatorOptions.port = await freePort();
  tap.target = `127.0.0.1:${coordinatorOptions.port}`;
  let coordinator = await startCoordinator(coordinatorOptions);
  cleanup.push(() => coordinator.close());

  mkdirSync(join(dir, 'node'));
  const store = Store.open(join(dir, 'node', 'hearth.db'));
  cleanup.push(() => store.close());
  const { supervisor } = startSupervisor();
  const models = await ModelCache.open({ dir: join(dir, 'node', 'models'), quotaBytes: 256 * 1024 * 1024, trustedLocalOrigins: [tap.url] });
  const nodeKey = privateKeyToAccount(generatePrivateKey());
  const payee = { current: options.payee === undefined ? privateKeyToAccount(generatePrivateKey()).address : options.payee };
  const availability: { current: Availability } = { current: { state: 'running', reason: null } };
  const loseVoucherAcks = { current: false, lost: 0 };
  const counters = new CountingCounters();
  const logs: LogLine[] = [];
  const statuses: NetworkStatus[] = [];
  const client = new NetworkClient({
    networkUrl: tap.url,
    store,
    nodeKey,
    payee: () => payee.current,
    executor: workerExecutor({ supervisor, models }),
    capacity: CAPACITY,
    available: () => availability.current,
    capabilities: () => capabilities,
    logger: collectingLogger(logs),
    counters,
    onStatus: (status) => statuses.push(status),
    backoff: { initialMs: 50, maxMs: 400 },
    beforeSend: (frame) => {
      if (frame.type === 'ack' && loseVoucherAcks.current) {
        loseVoucherAcks.lost++;
        throw new Error('test seam: this voucher ack is lost');
      }
    },
  });

  const network: RealNetwork = {
    tap,
    coordinator,
    payer,
    store,
    nodeKey,
    client,
    counters,
    logs,
    coordinatorLogs,
    statuses,
    payee,
    loseVoucherAcks,
    pause(reason) {
      availability.current = { state: 'paused', reason };
      client.setAvailability();
      void supervisor.pause();
    },
    resume() {
      availability.current = { state: 'running', reason: null };
      client.setAvailability();
      void supervisor.resume();
    },
    async stopCoordinator() {
      await coordinator.close();
    },
    async startCoordinatorAgain() {
      coordinator = await startCoordinator(coordinatorOptions);
      network.coordinator = coordinator;
    },
    jobs: () => store.jobs.recent(100_000),
    vouchers: () => store.vouchers.recent(100_000),
    highest() {
      const [channel] = store.vouchers.highestPerChannel();
      return channel?.cumulativeAmount ?? 0n;
    },
    paidTotal() {
      return store.jobs.paidByChannel().reduce((sum, channel) => sum + channel.total, 0n);
    },
  };
  cleanup.push(() => supervisor.stop(), () => client.stop());
  client.start();
  return network;
}

/** Waits until nothing is in flight and everything the coordinator credited is vouchered, stored by the node and acknowledged. */
export async function settled(network: RealNetwork, timeoutMs = 20_000): Promise<void> {
  const { coordinator, client, nodeKey } = network;
  await until(
    () => {
      const payee = network.payee.current;
      const ledger = coordinator.ledger;
      return (
        client.status().inFlight === 0 &&
        coordinator.stats().inFlight === 0 &&
        network.jobs().every((job) => job.reportedAt !== null) &&
        (payee === null ||
          (ledger.signedTotal(network.payer.address, payee) === ledger.creditedTotal() &&
            network.highest() === ledger.creditedTotal() &&
            ledger.unackedVouchers(nodeKey.address).length === 0))
      );
    },
    timeoutMs,
    'the books to settle',
  );
}
