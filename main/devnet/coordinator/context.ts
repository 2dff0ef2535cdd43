/**
 * What the coordinator's parts share: its configuration, its ledger, its
 * clocks and its log. One object built by server.ts, so each part takes what it
 * needs from one place and tests can build parts alone.
 */
import type { LocalAccount } from 'viem';
import type { TaskKind } from '../../../shared/jobs.ts';
import type { CoordinatorMessage } from '../../../shared/protocol/messages.ts';
import type { Address } from '../../../shared/voucher.ts';
import type { CoordinatorLedger } from '../../store/ledger.ts';
import type { Workload } from '../workload/types.ts';
import type { Metrics } from './metrics.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface NetworkConfig {
  chainId: number;
  escrow: Address;
  token: { address: Address; symbol: string; decimals: number };
}

export interface CoordinatorContext {
  ledger: CoordinatorLedger;
  payer: LocalAccount;
  network: NetworkConfig;
  workload: Workload;
  /** http(s)://host:port, without a trailing slash: what the manifest and model URLs are built from. */
  httpUrl: string;
  /** The WebSocket URL nodes dial and sign into their login. */
  wsUrl: string;
  /** Wall-clock ms since the epoch: protocol times (issuedAt, deadlines, ledger rows). */
  now: () => number;
  /** Monotonic ms: timers and liveness, which must not jump with the wall clock. */
  monotonic: () => number;
  log: Logger;
  metrics: Metrics;
  /** How long after a job's deadline its result still counts (the protocol's 60 s). */
  graceMs: number;
  offerTimeoutMs: number;
}

/**
 * A logged-in node as the dispatcher and the voucher issuer see it: one live
 * session (session.ts implements it).
 */
export interface NodeLink {
  /** The node key, lowercase. */
  readonly node: Address;
  /** Where its vouchers go (lowercase), or null while it has no wallet. */
  readonly payee: Address | null;
  readonly tasks: ReadonlySet<TaskKind>;
  readonly maxConcurrentJobs: number;
  /** Capabilities and availability known, availability `running`, socket open. */
  readonly takesOffers: boolean;
  /** Capabilities and availability known and the socket open: vouchers may be sent. */
  readonly ready: boolean;
  /** Encodes and sends; false when the socket is gone or the message cannot be encoded. */
  send(message: CoordinatorMessage): boolean;
}
