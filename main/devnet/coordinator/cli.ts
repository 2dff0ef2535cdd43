/**
 * `npm run coordinator`: the reference coordinator as a program. It brings up
 * a whole local network in one data dir — the journaled chain with the escrow,
 * test token and funded payer (startLocalPayments), the chain's JSON-RPC on
 * loopback so nodes can claim, the demo workload — and serves nodes until
 * SIGINT/SIGTERM. Everything it must remember is in the data dir: stop it,
 * start it again, and vouchers continue where they were.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/errors.ts';
import { startLocalPayments, type LocalPayments } from '../local-network.ts';
import { serveJsonRpc, type RunningJsonRpcServer } from '../rpc-server.ts';
import { createDemoWorkload, type MixKind } from '../workload/index.ts';
import type { Logger } from './context.ts';
import type { Rate } from './rate.ts';
import { DEFAULT_VOUCHER_INTERVAL_MS, startCoordinator, type Coordinator } from './server.ts';

export const DEFAULT_DATA_DIR = './hearth-network';
export const DEFAULT_PORT = 7070;
export const DEFAULT_RPC_PORT = 7071;
export const DEFAULT_RATE = 5;
const SHUTDOWN_LIMIT_MS = 5_000;
const STATS_EVERY_MS = 60_000;

export interface CliOptions {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  rate: Rate;
  mix: Partial<Record<MixKind, number>>;
  seed: number | undefined;
  voucherIntervalMs: number;
  rpcPort: number;
}

export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export const USAGE = `Usage: npm run coordinator -- [options]

Runs a Hearth network on this machine: the reference coordinator, a local chain
with the escrow and a test token, and a demo workload of real jobs. Point a
node's network setting at the URL it prints.

  --data-dir DIR             where the network keeps its chain, keys and ledger
                             (default: ${DEFAULT_DATA_DIR})
  --host H                   address to listen on (default: 127.0.0.1)
  --port N                   HTTP + WebSocket port, 0 for any (default: ${DEFAULT_PORT})
  --public-url URL           the http(s) URL nodes reach this server at, when it
                             is not http://HOST:PORT (behind a proxy, say)
  --rate N|max               jobs offered per second across all nodes, or max to
                             offer as fast as nodes take them (default: ${DEFAULT_RATE})
  --mix tensor=6,embedding=3,ocr=1
                             relative weights of the job kinds (0 turns one off)
  --seed N                   the demo workload's seed (the same seed, the same jobs)
  --voucher-interval-ms N    at most one voucher per node this often (default: ${DEFAULT_VOUCHER_INTERVAL_MS})
  --rpc-port N               loopback port of the chain's JSON-RPC, which nodes use
                             to claim, 0 for any (default: ${DEFAULT_RPC_PORT})
  --help                     show this help`;

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return Number(text);
}

function parseRate(text: string): Rate {
  if (text === 'max') return 'max';
  const rate = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(rate > 0) || rate > 100_000) throw new CliUsageError(`--rate must be a number of jobs per second above 0 (up to 100000) or "max", not "${text}"`);
  return rate;
}

const KINDS: readonly MixKind[] = ['tensor', 'embedding', 'ocr'];

function parseMix(text: string): Partial<Record<MixKind, number>> {
  const mix: Partial<Record<MixKind, number>> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    const kind = match?.[1] as MixKind | undefined;
    if (!match || !kind || !KINDS.includes(kind)) throw new CliUsageError(`--mix takes kind=weight pairs of ${KINDS.join(', ')} separated by commas (e.g. tensor=6,embedding=3,ocr=1), not "${text}"`);
    if (kind in mix) throw new CliUsageError(`--mix names ${kind} twice`);
    mix[kind] = Number(match[2]);
  }
  if (KINDS.every((kind) => mix[kind] === 0)) throw new CliUsageError('--mix must leave at least one kind of job on');
  return mix;
}

/** The flags; unknown flags and bad values are usage errors. Undefined for --help (already printed). */
export function parseCliArgs(argv: readonly string[], print: (text: string) => void = console.log): CliOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'public-url': { type: 'string' },
        rate: { type: 'string' },
        mix: { type: 'string' },
        seed: { type: 'string' },
        'voucher-interval-ms': { type: 'string' },
        'rpc-port': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliUsageError(errorMessage(error));
  }
  if (values.help) {
    print(USAGE);
    return undefined;
  }
  const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '' || /[\s/]/.test(host)) throw new CliUsageError(`--host must be an address or host name, not "${host}"`);
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && (!URL.canParse(publicUrl) || !['http:', 'https:'].includes(new URL(publicUrl).protocol))) {
    throw new CliUsageError(`--public-url must be an http:// or https:// URL, not "${publicUrl}"`);
  }
  return {
    dataDir,
    host,
    port: wholeNumber('--port', values.port ?? String(DEFAULT_PORT), 0, 65535),
    publicUrl,
    rate: parseRate(values.rate ?? String(DEFAULT_RATE)),
    mix: values.mix === undefined ? {} : parseMix(values.mix),
    seed: values.seed === undefined ? undefined : wholeNumber('--seed', values.seed, 0, 2 ** 32 - 1),
    voucherIntervalMs: wholeNumber('--voucher-interval-ms', values['voucher-interval-ms'] ?? String(DEFAULT_VOUCHER_INTERVAL_MS), 0, 86_400_000),
    rpcPort: wholeNumber('--rpc-port', values['rpc-port'] ?? String(DEFAULT_RPC_PORT), 0, 65535),
  };
}

export interface RunningNetwork {
  coordinator: Coordinator;
  rpc: RunningJsonRpcServer;
  payments: LocalPayments;
  close(): Promise<void>;
}

/** Starts the chain, its RPC, the workload and the coordinator; closes what started if a later part fails. */
export async function runNetwork(options: CliOptions, logger: Logger): Promise<RunningNetwork> {
  const payments = await startLocalPayments({ dataDir: options.dataDir });
  let rpc: RunningJsonRpcServer | undefined;
  try {
    rpc = await serveJsonRpc(payments.chain.provider, { port: options.rpcPort });
    const workload = await createDemoWorkload({ mix: options.mix, ...(options.seed === undefined ? {} : { seed: options.seed }) });
    const coordinator = await startCoordinator({
      host: options.host,
      port: options.port,
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      ledgerFile: join(options.dataDir, 'devnet', 'coordinator.sqlite'),
      payer: payments.payer,
      network: { chainId: payments.chain.chainId, escrow: payments.escrow, token: { address: payments.token, symbol: payments.tokenSymbol, decimals: payments.tokenDecimals } },
      rpcUrl: rpc.url,
      workload,
      rate: options.rate,
      voucherIntervalMs: options.voucherIntervalMs,
      logger,
    });
    const running = rpc;
    return {
      coordinator,
      rpc: running,
      payments,
      async close() {
        await coordinator.close();
        await running.close();
        await payments.close();
      },
    };
  } catch (error) {
    await rpc?.close();
    await payments.close();
    throw error;
  }
}

const consoleLogger: Logger = (level, message) => {
  const line = `${new Date().toISOString()} ${level.padEnd(5)} ${message}`;
  if (level === 'warn' || level === 'error') console.error(line);
  else if (level === 'info') console.log(line);
};

/** Runs the network until SIGINT/SIGTERM; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    console.error(`hearth-coordinator: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (!options) return 0;

  let network: RunningNetwork;
  try {
    network = await runNetwork(options, consoleLogger);
  } catch (error) {
    console.error(`hearth-coordinator: cannot start: ${errorMessage(error)}`);
    return 1;
  }
  // Handlers first: a signal right after the URL is printed must still shut down cleanly.
  const exitCode = new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      console.log(`hearth-coordinator: ${signal} received, shutting down`);
      clearInterval(statsTimer);
      const force = setTimeout(() => {
        console.error(`hearth-coordinator: shutdown took longer than ${SHUTDOWN_LIMIT_MS} ms; exiting anyway`);
        resolve(1);
      }, SHUTDOWN_LIMIT_MS);
      force.unref();
      network.close().then(
        () => {
          clearTimeout(force);
          resolve(0);
        },
        (error: unknown) => {
          console.error(`hearth-coordinator: shutdown failed: ${errorMessage(error)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const { coordinator } = network;
  let last = '';
  const statsTimer = setInterval(() => {
    const { nodes, jobs, vouchersIssued } = coordinator.stats();
    const line = `${nodes} node(s); jobs offered ${jobs.offered}, succeeded ${jobs.succeeded}, failed ${jobs.failed}, rejected ${jobs.rejected}, expired ${jobs.expired}; vouchers ${vouchersIssued}`;
    if (line !== last) consoleLogger('info', line);
    last = line;
  }, STATS_EVERY_MS);
  statsTimer.unref();

  console.log(`Hearth network running (data: ${options.dataDir}).`);
  console.log(`Network URL (a node's network setting): ${coordinator.httpUrl}`);
  console.log(`Chain JSON-RPC (loopback): ${network.rpc.url}`);
  console.log(`Manifest (${coordinator.manifestUrl}):\n${JSON.stringify(coordinator.manifest, null, 2)}`);
  return exitCode;
}
