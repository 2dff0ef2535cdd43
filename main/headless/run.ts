import { join } from 'node:path';
import { createLogger, type Logger } from '../node/log.ts';
import { ProviderNode } from '../node/provider-node.ts';
import { disableCoreDumps } from '../node/runtime.ts';
import { createLinuxSignalSource } from '../policy/sources/linux.ts';
import { createWorkerSupervisor } from '../node/worker.ts';
import { appRoot } from '../worker/entry.ts';
import { startHeadlessServer, type HeadlessServer } from './server.ts';
import { loadOrCreateToken, TOKEN_FILE } from './token.ts';

export interface HeadlessOptions {
  dataDir: string;
  host: string;
  port: number;
  rendererDir?: string;
  logger?: Logger;
}

export interface RunningHeadless {
  node: ProviderNode;
  server: HeadlessServer;
  token: string;
  /** The URL to open, token included (in the fragment, which browsers never send to a server). */
  url: string;
  /** The token was created by this start (first start on this data dir). */
  tokenCreated: boolean;
  tokenFile: string;
  close(): Promise<void>;
}

/** Starts the node and serves it; the caller decides what to print and when to stop. */
export async function runHeadless(options: HeadlessOptions): Promise<RunningHeadless> {
  const logger = options.logger ?? createLogger('headless');
  const node = ProviderNode.start({ dataDir: options.dataDir, logger: options.logger ? options.logger : createLogger('node') });
  // Kept warm while the node may run (ready for jobs, providers probed); unloaded or killed on pause.
  node.attachWorker(
    createWorkerSupervisor({ onEvent: (event) => node.recordWorkerEvent(event), logger: options.logger ?? createLogger('worker'), budget: () => node.budget() }),
    { warm: true },
  );
  let server: HeadlessServer;
  let token: string;
  let tokenCreated: boolean;
  try {
    ({ token, created: tokenCreated } = loadOrCreateToken(options.dataDir));
    server = await startHeadlessServer({
      node,
      token,
      host: options.host,
      port: options.port,
      rendererDir: options.rendererDir ?? findRendererDir(),
      logger,
    });
  } catch (error) {
    node.close();
    throw error;
  }
  // The contribution limits' eyes: what Linux offers (processes, power, temperatures, GPU users, the desktop session).
  // Elsewhere headless mode knows the clock only, and the limits it cannot check say so.
  if (process.platform === 'linux') {
    node.attachSignals(createLinuxSignalSource({ ownPids: () => node.ownPids() }));
  }
  // In the background: the UI is served at once and shows the wallet connecting.
  void disableCoreDumps((message) => logger.warn(message));
  // The wallet's chain, then the network (by default the embedded local network, whose demo jobs start at once).
  void node.startNetwork();
  let closing: Promise<void> | undefined;
  return {
    node,
    server,
    token,
    url: `${server.origin}/#token=${token}`,
    tokenCreated,
    tokenFile: join(options.dataDir, TOKEN_FILE),
    close() {
      closing ??= server.close().then(() => node.leaveNetwork()).finally(() => node.close());
      return closing;
    },
  };
}

/** The built renderer: `dist/renderer` under the app's root. */
export function findRendererDir(): string {
  return join(appRoot(), 'dist', 'renderer');
}
