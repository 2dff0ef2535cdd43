/**
 * The reference coordinator: a real server a small network could run. HTTP
 * for the manifest and the model registry, a WebSocket at /ws speaking the
 * node↔coordinator protocol (shared/protocol/messages.ts), the payer's key to
 * sign offers and vouchers, and a ledger (main/store/ledger.ts) that is its
 * only state: a restart on the same ledger and key continues where it stopped.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { LocalAccount } from 'viem';
import { WebSocketServer } from 'ws';
import { MANIFEST_PATH } from '../../../shared/protocol/manifest.ts';
import { MAX_FRAME_BYTES } from '../../../shared/protocol/messages.ts';
import type { Address } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';
import { CoordinatorLedger } from '../../store/ledger.ts';
import type { Workload } from '../workload/types.ts';
import type { CoordinatorContext, Logger, NetworkConfig } from './context.ts';
import { Dispatcher } from './dispatch.ts';
import { buildManifest, handleHttp, WS_PATH, type ServedManifest } from './http.ts';
import { Metrics, prometheusText, type JobOutcome } from './metrics.ts';
import type { Rate } from './rate.ts';
import { ModelRegistry } from './registry.ts';
import { Results } from './results.ts';
import { CLOSE_CODES, Session } from './session.ts';
import { WorkTracker } from './tracker.ts';
import { VoucherIssuer } from './vouchers.ts';

export interface CoordinatorOptions {
  /** Where to listen (default 127.0.0.1). */
  host?: string;
  /** 0 = any free port (default 0). */
  port?: number;
  /** The base URL nodes reach this server at (default http://<host>:<port>); the manifest and offers name it. */
  publicUrl?: string;
  /** The ledger's SQLite file (its folder is created). */
  ledgerFile: string;
  /** Signs offers and vouchers. */
  payer: LocalAccount;
  network: NetworkConfig;
  /** A hint in the manifest: where nodes reach the chain to claim. */
  rpcUrl?: string;
  workload: Workload;
  /** Jobs per second offered across all nodes; 'max' = as fast as nodes take them. */
  rate: Rate;
  /** At most one voucher per node this often (default 1000). */
  voucherIntervalMs?: number;
  /** Heartbeat period both ways (default 15000; the protocol allows 1000–600000). */
  heartbeatMs?: number;
  /** An unanswered offer is withdrawn after this (default 10000). */
  offerTimeoutMs?: number;
  /** A result still counts this long after its job's deadline (default 60000). */
  graceMs?: number;
  /** Most connections at once (default 10000); more are refused with 503. */
  maxConnections?: number;
  logger?: Logger;
  /** Wall clock (default Date.now): protocol times and deadlines. */
  now?: () => number;
}

export interface CoordinatorStats {
  connections: number;
  /** Logged-in nodes. */
  nodes: number;
  /** Jobs waiting to be offered again. */
  queued: number;
  /** Jobs offered or running on nodes. */
  inFlight: number;
  /** Since this process started (the ledger has the lasting counts: `ledger.countsByState()`). */
  jobs: Record<JobOutcome, number>;
  rejections: Record<string, number>;
  vouchersIssued: number;
  vouchersResent: number;
  creditedBaseUnits: bigint;
  voucheredBaseUnits: bigint;
}

export interface Coordinator {
  httpUrl: string;
  wsUrl: string;
  manifestUrl: string;
  manifest: ServedManifest;
  ledger: CoordinatorLedger;
  stats(): CoordinatorStats;
  close(): Promise<void>;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_OFFER_TIMEOUT_MS = 10_000;
export const DEFAULT_GRACE_MS = 60_000;
export const DEFAULT_VOUCHER_INTERVAL_MS = 1_000;
/** How long shutdown waits for nodes to answer the close before dropping them. */
const CLOSE_WAIT_MS = 1_000;

const defaultLogger: Logger = (level, message) => {
  if (level === 'warn' || level === 'error') console.error(`coordinator: ${message}`);
};

function checkOptions(options: CoordinatorOptions): void {
  const whole = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
  };
  whole('port', options.port, 0, 65535);
  whole('heartbeatMs', options.heartbeatMs, 1000, 600_000);
  whole('voucherIntervalMs', options.voucherIntervalMs, 0, 86_400_000);
  whole('offerTimeoutMs', options.offerTimeoutMs, 1, 600_000);
  whole('graceMs', options.graceMs, 0, 86_400_000);
  whole('maxConnections', options.maxConnections, 1, 1_000_000);
  if (options.rate !== 'max' && !(Number.isFinite(options.rate) && options.rate > 0)) throw new RangeError(`rate must be a positive number of jobs per second or 'max', not ${options.rate}`);
}

function urlHost(host: string): string {
  // An any-address listener is reached on loopback from this machine; other machines need publicUrl.
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startCoordinator(options: CoordinatorOptions): Promise<Coordinator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  mkdirSync(dirname(options.ledgerFile), { recursive: true, mode: 0o700 });
  const ledger = CoordinatorLedger.open(options.ledgerFile, { chainId: options.network.chainId, escrow: options.network.escrow, payer: options.payer.address });
  const server = createServer();
  try {
    await listen(server, options.port ?? 0, host);
    const port = (server.address() as AddressInfo).port;
    const httpUrl = (options.publicUrl ?? `http://${urlHost(host)}:${port}`).replace(/\/+$/, '');
    if (!URL.canParse(httpUrl) || !['http:', 'https:'].includes(new URL(httpUrl).protocol)) throw new Error(`publicUrl must be an http(s) URL, not ${httpUrl}`);
    const wsUrl = `${httpUrl.replace(/^http/, 'ws')}${WS_PATH}`;
    const ctx: CoordinatorContext = {
      ledger,
      payer: options.payer,
      network: options.network,
      workload: options.workload,
      httpUrl,
      wsUrl,
      now: options.now ?? Date.now,
      monotonic: () => performance.now(),
      log: options.logger ?? defaultLogger,
      metrics: new Metrics(),
      graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
      offerTimeoutMs: options.offerTimeoutMs ?? DEFAULT_OFFER_TIMEOUT_MS,
    };
    const manifest = buildManifest(ctx, options.rpcUrl);
    const registry = new ModelRegistry(options.workload.models);
    return serve(server, ctx, { ...options, heartbeatMs, manifest, registry });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    ledger.close();
    throw error;
  }
}

function serve(
  server: ReturnType<typeof createServer>,
  ctx: CoordinatorContext,
  options: CoordinatorOptions & { heartbeatMs: number; manifest: ServedManifest; registry: ModelRegistry },
): Coordinator {
  const tracker = new WorkTracker();
  const track = (work: Promise<unknown>): void => tracker.track(work);
  const sessions = new Set<Session>();
  const byNode = new Map<Address, Session>();
  const live = (node: Address): Session | undefined => byNode.get(node);
  const dispatcher = new Dispatcher(ctx, options.rate, track);
  const vouchers = new VoucherIssuer(ctx, live, options.voucherIntervalMs ?? DEFAULT_VOUCHER_INTERVAL_MS, track);
  const results = new Results(ctx, dispatcher, (link) => vouchers.credited(link));
  const maxConnections = options.maxConnections ?? 10_000;
  let closing: Promise<void> | undefined;

  const stats = (): CoordinatorStats => ({
    connections: sessions.size,
    nodes: byNode.size,
    queued: dispatcher.queued,
    inFlight: dispatcher.inFlight,
    jobs: { ...ctx.metrics.jobs },
    rejections: Object.fromEntries(ctx.metrics.rejections),
    vouchersIssued: ctx.metrics.vouchersIssued,
    vouchersResent: ctx.metrics.vouchersResent,
    creditedBaseUnits: ctx.metrics.creditedBaseUnits,
    voucheredBaseUnits: ctx.metrics.voucheredBaseUnits,
  });

  const routes = {
    manifest: options.manifest,
    registry: options.registry,
    metrics: () => prometheusText(ctx.metrics, stats()),
  };
  server.on('request', (request, response) => {
    try {
      handleHttp(routes, request, response);
    } catch (error) {
      ctx.log('error', `HTTP ${request.method ?? '?'} failed: ${errorMessage(error)}`);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const deps = {
    ctx,
    heartbeatMs: options.heartbeatMs,
    dispatcher,
    vouchers,
    results,
    track,
    closing: () => closing !== undefined,
    claim(session: Session) {
      const older = byNode.get(session.node);
      byNode.set(session.node, session);
      if (older && older !== session) older.close(CLOSE_CODES.replaced, 'replaced by a newer login of this node');
    },
    release(session: Session) {
      sessions.delete(session);
      if (byNode.get(session.node) === session) byNode.delete(session.node);
    },
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    const path = (request.url ?? '').split('?')[0];
    if (path !== WS_PATH) return refuse('404 Not Found');
    // Nodes are programs, which send no Origin; a browser page always does. No page may drive a node's session.
    if (request.headers.origin !== undefined) return refuse('403 Forbidden');
    if (closing) return refuse('503 Service Unavailable');
    if (sessions.size >= maxConnections) return refuse('503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => {
      ctx.metrics.connectionsOpened += 1;
      sessions.add(new Session(ws, deps, `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`));
    });
  });

  dispatcher.start();

  return {
    httpUrl: ctx.httpUrl,
    wsUrl: ctx.wsUrl,
    manifestUrl: `${ctx.httpUrl}${MANIFEST_PATH}`,
    manifest: options.manifest,
    ledger: ctx.ledger,
    stats,
    close() {
      closing ??= (async () => {
        dispatcher.close();
        vouchers.close();
        const open = [...sessions];
        for (const session of open) session.close(CLOSE_CODES.shutdown, 'the coordinator is shutting down');
        const answered = Promise.all(open.map((session) => session.closed));
        const timer = setTimeout(() => open.forEach((session) => session.terminate()), CLOSE_WAIT_MS);
        await answered;
        clearTimeout(timer);
        await tracker.idle();
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        ctx.ledger.close();
      })();
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use (pass another, or 0 for any free port)`) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
