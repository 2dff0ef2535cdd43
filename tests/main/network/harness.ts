/**
 * A node's network client wired to a scripted coordinator, the real store in
 * a temp dir and a test-double executor the test steers job by job.
 */
import { join } from 'node:path';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { onTestFinished } from 'vitest';
import { NetworkClient, type Availability, type Decline, type NetworkClientOptions, type NodeCapabilities } from '../../../main/network/client.ts';
import type { JobExecutor, JobRun } from '../../../main/network/executor.ts';
import { CountingCounters } from '../../../main/network/rejections.ts';
import type { OutgoingFrame } from '../../../main/network/session.ts';
import { Store } from '../../../main/store/index.ts';
import type { NetworkStatus } from '../../../shared/network.ts';
import type { Offer } from '../../../shared/protocol/messages.ts';
import { decodeTensors } from '../../../shared/protocol/payloads.ts';
import { tensorJobOutputs } from '../../../shared/protocol/results.ts';
import type { Address } from '../../../shared/voucher.ts';
import { ScriptedCoordinator, type ScriptedCoordinatorOptions } from '../../helpers/scripted-coordinator.ts';
import { tempDir } from '../../helpers/temp.ts';

/** y = 2x, like the `scale` model. */
export function scaleRun(offer: Offer): JobRun {
  if (offer.inputs.task !== 'tensor') throw new Error('the test executor runs tensor jobs only');
  const x = decodeTensors(offer.inputs.tensors)['x'];
  if (x?.type !== 'float32') throw new Error('the test executor takes one float32 tensor x');
  const y = Float32Array.from(x.data as Float32Array, (v) => v * 2);
  return { outputs: tensorJobOutputs({ y: { type: 'float32', dims: [y.length], data: y } }), durationMs: 3, executionProvider: 'cpu' };
}

interface Held {
  offer: Offer;
  signal: AbortSignal;
  resolve(run: JobRun): void;
  reject(error: unknown): void;
}

/** Runs `scale` at once, or holds jobs (`hold = true`) until the test settles them; aborts answer with the abort's reason. */
export class FakeExecutor implements JobExecutor {
  readonly runs: Offer[] = [];
  readonly held = new Map<string, Held>();
  hold = false;
  /** Held jobs ignore aborts (a worker stuck in a run). */
  ignoreAbort = false;

  run({ offer, signal }: { offer: Offer; signal: AbortSignal }): Promise<JobRun> {
    this.runs.push(offer);
    if (!this.hold) return Promise.resolve(scaleRun(offer));
    return new Promise<JobRun>((resolve, reject) => {
      this.held.set(offer.jobId, { offer, signal, resolve, reject });
      if (!this.ignoreAbort) signal.addEventListener('abort', () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')), { once: true });
    });
  }

  finish(jobId: string): void {
    const job = this.held.get(jobId);
    if (!job) throw new Error(`no held job ${jobId}`);
    this.held.delete(jobId);
    job.resolve(scaleRun(job.offer));
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** A client logger that keeps each line in `logs`: its fields as JSON after the message, or (`fields: false`) the message alone. */
export function collectingLogger(logs: LogLine[], options: { fields?: boolean } = {}): NetworkClientOptions['logger'] {
  const log = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message: fields && options.fields !== false ? `${message} ${JSON.stringify(fields)}` : message });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface Harness {
  coordinator: ScriptedCoordinator;
  store: Store;
  dir: string;
  nodeKey: LocalAccount;
  executor: FakeExecutor;
  counters: CountingCounters;
  logs: LogLine[];
  statuses: NetworkStatus[];
  sent: OutgoingFrame[];
  client: NetworkClient;
  payee: { current: Address | null };
  availability: { current: Availability };
  policy: { current: (offer: Offer) => Decline | null };
  /** Runs at each outgoing frame, before it is written. */
  onSend: { current: (frame: OutgoingFrame) => void };
  /** Another client on the same store and key (a restart). */
  restart(overrides?: Partial<NetworkClientOptions>): NetworkClient;
}

export const capabilities: NodeCapabilities = {
  tasks: ['tensor', 'ocr'],
  models: [],
  executionProviders: ['cpu'],
  ramMiB: 4096,
  vramMiB: null,
  priceFloorPerHour: null,
};

export async function startHarness(
  options: { coordinator?: ScriptedCoordinatorOptions; client?: Partial<NetworkClientOptions>; start?: boolean; store?: Store; dir?: string } = {},
): Promise<Harness> {
  const coordinator = await ScriptedCoordinator.start(options.coordinator);
  const dir = options.dir ?? tempDir();
  const store = options.store ?? Store.open(join(dir, 'hearth.db'));
  const nodeKey = privateKeyToAccount(generatePrivateKey());
  const executor = new FakeExecutor();
  const counters = new CountingCounters();
  const logs: LogLine[] = [];
  const statuses: NetworkStatus[] = [];
  const sent: OutgoingFrame[] = [];
  const payee = { current: privateKeyToAccount(generatePrivateKey()).address as Address | null };
  const availability = { current: { state: 'running', reason: null } as Availability };
  const policy = { current: (_offer: Offer): Decline | null => null };
  const onSend = { current: (_frame: OutgoingFrame): void => {} };
  const clients: NetworkClient[] = [];

  const make = (overrides: Partial<NetworkClientOptions> = {}): NetworkClient => {
    const client = new NetworkClient({
      networkUrl: coordinator.networkUrl,
      store,
      nodeKey,
      payee: () => payee.current,
      executor,
      capacity: 2,
      available: () => availability.current,
      offerPolicy: (offer) => policy.current(offer),
      capabilities: () => capabilities,
      logger: collectingLogger(logs, { fields: false }),
      counters,
      onStatus: (status) => statuses.push(status),
      backoff: { initialMs: 20, maxMs: 100 },
      beforeSend: (frame) => {
        sent.push(frame);
        onSend.current(frame);
      },
      ...options.client,
      ...overrides,
    });
    clients.push(client);
    return client;
  };
  const client = make();
  onTestFinished(async () => {
    for (const c of clients) await c.stop();
    await coordinator.close();
    store.close();
  });
  if (options.start !== false) client.start();
  return { coordinator, store, dir, nodeKey, executor, counters, logs, statuses, sent, client, payee, availability, policy, onSend, restart: make };
}

/** Logs in (the harness started the client) and takes the session's opening messages. */
export async function loggedIn(h: Harness, connection = 1): Promise<void> {
  await h.coordinator.next('login', (_m, c) => c === connection);
  await h.coordinator.next('capabilities', (_m, c) => c === connection);
  await h.coordinator.next('availability', (_m, c) => c === connection);
}
