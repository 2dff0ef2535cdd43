/**
 * What the network client is built from: the node's services as the small
 * slices the client needs (the lead wires them in ProviderNode), its
 * callbacks, and tuning knobs for tests.
 */
import type { LocalAccount } from 'viem';
import type { NetworkStatus } from '../../shared/network.ts';
import type { NodeMessageOf, Offer } from '../../shared/protocol/messages.ts';
import type { Address } from '../../shared/voucher.ts';
import type { JobsRepository } from '../store/jobs.ts';
import type { StoredVoucher } from '../store/vouchers.ts';
import type { BackoffOptions } from './backoff.ts';
import type { JobExecutor } from './executor.ts';
import type { Availability } from './jobs.ts';
import type { PinStore } from './manifest.ts';
import type { Decline } from './offer-check.ts';
import type { NetworkCounters } from './rejections.ts';
import type { OutgoingFrame } from './session.ts';
import type { VoucherStore } from './vouchers.ts';

export type { Availability } from './jobs.ts';
export type { Decline } from './offer-check.ts';

/** What the node announces in `capabilities` (the client adds maxConcurrentJobs from `capacity`). */
export type NodeCapabilities = Omit<NodeMessageOf<'capabilities'>, 'v' | 'id' | 'type' | 'maxConcurrentJobs'>;

/** The store's slices the client needs (`Store` fits). */
export interface NetworkStore extends VoucherStore {
  jobs: Pick<JobsRepository, 'acceptJob' | 'get' | 'markRunning' | 'succeed' | 'replaceResult' | 'fail' | 'rejectResult' | 'markReported' | 'unreported' | 'payWithVoucher' | 'paidByChannel' | 'interruptUnfinished'>;
  nodeState: PinStore;
}

export interface NetworkLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface NetworkClientOptions {
  /** The network's http(s) URL: its manifest is at /.well-known/hearth-network.json under it. */
  networkUrl: string;
  /** Names the payer pin in node_state; default the network URL. The embedded network, whose port changes, passes a fixed name. */
  pinScope?: string;
  /** Shown in the status: true for the embedded local network. */
  local?: boolean;
  store: NetworkStore;
  /** Signs Login and JobResult (node-key.ts). */
  nodeKey: LocalAccount;
  /** The wallet's address, or null while there is no wallet: read at each login. */
  payee: () => Address | null;
  executor: JobExecutor;
  /** Jobs run at once; offers beyond it are declined `busy`. */
  capacity: number | (() => number);
  available: () => Availability;
  /** The node's own reasons to decline (price floor, budget): null to accept. */
  offerPolicy?: (offer: Offer) => Decline | null;
  capabilities: () => NodeCapabilities | Promise<NodeCapabilities>;
  logger?: NetworkLogger;
  /** Clock for what is stored and signed. */
  now?: () => number;
  counters?: NetworkCounters;
  onStatus?: (status: NetworkStatus) => void;
  onJobChanged?: (jobId: string) => void;
  onVoucherStored?: (voucher: StoredVoucher) => void;
  backoff?: Partial<BackoffOptions>;
  fetch?: typeof fetch;
  manifestTimeoutMs?: number;
  /** How long dialling the coordinator may take. */
  openTimeoutMs?: number;
  /** How long the coordinator may take to say `hello`. */
  helloTimeoutMs?: number;
  /** Called just before each frame is written: a test seam (the store is checked at that instant). */
  beforeSend?: (frame: OutgoingFrame) => void;
}

export const silentLogger: NetworkLogger = { debug() {}, info() {}, warn() {}, error() {} };
