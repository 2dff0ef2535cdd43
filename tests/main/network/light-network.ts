/**
 * The reference coordinator (its ledger, a y = 2·x workload, a payer key;
 * vouchers are verified off-chain, so no chain runs) behind a WireTap that
 * keeps the transcript, and the node's real client on a real Store, with the
 * test executor in place of the worker: the real protocol over real sockets,
 * light enough for thousands of results. Networks may share one payer key,
 * and one node (its store and key) may join several networks in turn.
 */
import { join } from 'node:path';
import { getAddress, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { onTestFinished } from 'vitest';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../../../main/devnet/coordinator/server.ts';
import type { Rate } from '../../../main/devnet/coordinator/rate.ts';
import { NetworkClient, type Availability, type NetworkClientOptions } from '../../../main/network/client.ts';
import { CountingCounters } from '../../../main/network/rejections.ts';
import type { OutgoingFrame } from '../../../main/network/session.ts';
import type { JobNetwork } from '../../../main/store/jobs.ts';
import { Store } from '../../../main/store/index.ts';
import type { Address } from '../../../shared/voucher.ts';
import { freePort, randomAddress } from '../../helpers/net.ts';
import { tempDir } from '../../helpers/temp.ts';
import { scaleWorkload, type ScaleWorkload } from '../devnet/coordinator/harness.ts';
import { capabilities, collectingLogger, FakeExecutor, type LogLine } from './harness.ts';
import { WireTap } from './wire-tap.ts';

export interface LightNetwork {
  tap: WireTap;
  /** The coordinator running now (replaced by start()). */
  coordinator: Coordinator;
  options: CoordinatorOptions;
  workload: ScaleWorkload;
  /** What the node stores its jobs under. */
  network: JobNetwork;
  coordinatorLogs: LogLine[];
  /** The coordinator goes down (the tap answers 502 and refuses the WebSocket meanwhile). */
  stop(): Promise<void>;
  /** A new coordinator on the same ledger, payer, network and port. */
  start(): Promise<void>;
}

export async function startLightNetwork(options: { payer?: LocalAccount; chainId?: number; rate?: Rate } = {}): Promise<LightNetwork> {
  const dir = tempDir('hearth-light-network-');
  const tap = await WireTap.start();
  const payer = options.payer ?? privateKeyToAccount(generatePrivateKey());
  const workload = scaleWorkload();
  const coordinatorLogs: LogLine[] = [];
  const coordinatorOptions: CoordinatorOptions = {
    ledgerFile: join(dir, 'coordinator.sqlite'),
    payer,
    network: { chainId: options.chainId ?? 31337, escrow: randomAddress(), token: { address: randomAddress(), symbol: 'tUSD', decimals: 6 } },
    workload,
    publicUrl: tap.url,
    port: await freePort(),
    rate: options.rate ?? 'max',
    voucherIntervalMs: 20,
    logger: (level, message) => coordinatorLogs.push({ level, message }),
  };
  tap.target = `127.0.0.1:${coordinatorOptions.port}`;
  let coordinator: Coordinator | null = await startCoordinator(coordinatorOptions);
  const network: LightNetwork = {
    tap,
    coordinator,
    options: coordinatorOptions,
    workload,
    network: { chainId: coordinatorOptions.network.chainId, escrow: getAddress(coordinatorOptions.network.escrow), payer: payer.address },
    coordinatorLogs,
    async stop() {
      await coordinator?.close();
      coordinator = null;
    },
    async start() {
      coordinator = await startCoordinator(coordinatorOptions);
      network.coordinator = coordinator;
    },
  };
  onTestFinished(async () => {
    await coordinator?.close();
    await tap.close();
  });
  return network;
}

export interface LightNode {
  store: Store;
  nodeKey: LocalAccount;
  executor: FakeExecutor;
  counters: CountingCounters;
  logs: LogLine[];
  payee: { current: Address | null };
  availability: { current: Availability };
  /** Runs at each outgoing frame, before it is written. */
  onSend: { current: (frame: OutgoingFrame) => void };
  /** A client of this node (its store, key and executor) for `network`; stopped when the test ends. */
  client(network: LightNetwork, overrides?: Partial<NetworkClientOptions>): NetworkClient;
}

export function lightNode(options: { payee?: Address | null } = {}): LightNode {
  const store = Store.open(join(tempDir('hearth-light-node-'), 'hearth.db'));
  const executor = new FakeExecutor();
  const counters = new CountingCounters();
  const logs: LogLine[] = [];
  const payee = { current: options.payee === undefined ? randomAddress() : options.payee };
  const availability = { current: { state: 'running', reason: null } as Availability };
  const onSend = { current: (_frame: OutgoingFrame): void => {} };
  const clients: NetworkClient[] = [];
  onTestFinished(async () => {
    for (const client of clients) await client.stop();
    store.close();
  });
  const node: LightNode = {
    store,
    nodeKey: privateKeyToAccount(generatePrivateKey()),
    executor,
    counters,
    logs,
    payee,
    availability,
    onSend,
    client(network, overrides = {}) {
      const client = new NetworkClient({
        networkUrl: network.tap.url,
        store,
        nodeKey: node.nodeKey,
        payee: () => payee.current,
        executor,
        capacity: 2,
        available: () => availability.current,
        capabilities: () => ({ ...capabilities, tasks: ['tensor'] }),
        logger: collectingLogger(logs),
        counters,
        backoff: { initialMs: 20, maxMs: 100 },
        beforeSend: (frame) => onSend.current(frame),
        ...overrides,
      });
      clients.push(client);
      return client;
    },
  };
  return node;
}

/** The most results the node had sent on one connection without an answer yet, read from the transcript. */
export function peakResultsInFlight(tap: WireTap): number {
  const open = new Set<string>();
  let peak = 0;
  for (const frame of tap.frames) {
    const message = frame.message;
    if (!message) continue;
    const key = (id: string) => `${frame.connection}:${id}`;
    if (frame.from === 'node' && message.type === 'result') open.add(key(message.id));
    else if (frame.from === 'coordinator' && (message.type === 'ack' || message.type === 'error') && message.ref !== null) open.delete(key(message.ref));
    peak = Math.max(peak, open.size);
  }
  return peak;
}
