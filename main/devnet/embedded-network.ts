import { join } from 'node:path';
import { startCoordinator, type Coordinator } from './coordinator/server.ts';
import type { Logger } from './coordinator/context.ts';
import type { LocalPayments } from './local-network.ts';
import { createDemoWorkload } from './workload/index.ts';

/** The coordinator's ledger in the data dir, next to the chain it pays on. */
export const LEDGER_FILE = join('devnet', 'coordinator.sqlite');

export interface EmbeddedNetwork {
  coordinator: Coordinator;
  /** Where the node finds the manifest: http://127.0.0.1:<port>. */
  url: string;
  close(): Promise<void>;
}

/**
 * The local network a fresh install works for: the reference coordinator on
 * 127.0.0.1 (any free port), paying through the embedded chain's escrow with
 * the local payer, sending the demo workload at `rate` jobs per second. Its
 * ledger lives in the data dir, so what it signed survives restarts and kills.
 */
export async function startEmbeddedNetwork(options: { dataDir: string; payments: LocalPayments; rate: number; logger?: Logger }): Promise<EmbeddedNetwork> {
  const { payments } = options;
  const workload = await createDemoWorkload();
  const coordinator = await startCoordinator({
    host: '127.0.0.1',
    port: 0,
    ledgerFile: join(options.dataDir, LEDGER_FILE),
    payer: payments.payer,
    network: {
      chainId: payments.chain.chainId,
      escrow: payments.escrow,
      token: { address: payments.token, symbol: payments.tokenSymbol, decimals: payments.tokenDecimals },
    },
    workload,
    rate: options.rate,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { coordinator, url: coordinator.httpUrl, close: () => coordinator.close() };
}
