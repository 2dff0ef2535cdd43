import { isIP } from 'node:net';
import { totalmem } from 'node:os';
import type { LocalAccount } from 'viem';
import { join } from 'node:path';
import type { Limits } from '../../shared/limits.ts';
import type { NetworkStatus } from '../../shared/network.ts';
import type { Offer } from '../../shared/protocol/messages.ts';
import type { Settings } from '../../shared/settings.ts';
import type { Address } from '../../shared/voucher.ts';
import type { EmbeddedNetwork } from '../devnet/embedded-network.ts';
import { ModelCache } from '../models/cache.ts';
import { NetworkClient, type Availability, type Decline, type NodeCapabilities } from '../network/client.ts';
import { workerExecutor } from '../network/executor.ts';
import type { NetworkCounters } from '../network/rejections.ts';
import { acceptsOffer } from '../policy/offer.ts';
import type { Store } from '../store/index.ts';
import type { WorkerSupervisor } from '../worker/supervisor.ts';
import type { Logger } from './log.ts';
import type { OpenedPaymentNetwork } from './payments.ts';

/** Jobs the node keeps in flight: one running while the next one's bytes arrive, so the worker never waits on the network. */
export const NETWORK_CAPACITY = 2;
const MODELS_DIR = 'models';
const HOUR_MS = 3_600_000;
/** Durations remembered per model for the price-per-hour estimate: an exponential average, this much weight on the newest. */
const DURATION_WEIGHT = 0.2;

export interface NodeNetworkOptions {
  dataDir: string;
  store: Store;
  settings: Settings;
  limits: () => Limits;
  payments: OpenedPaymentNetwork;
  worker: WorkerSupervisor;
  nodeKey: LocalAccount;
  payee: () => Address | null;
  available: () => Availability;
  logger: Logger;
  counters: NetworkCounters;
  onStatus: (status: NetworkStatus) => void;
  onJobChanged: (jobId: string) => void;
  onVoucherStored: () => void;
}

/**
 * The node's side of a network: the embedded local network (when the settings
 * name none) or a remote one, its model cache, and the client that takes
 * offers, runs them on the worker and stores what it is paid.
 */
export class NodeNetwork {
  readonly client: NetworkClient;
  readonly #embedded: EmbeddedNetwork | null;

  private constructor(client: NetworkClient, embedded: EmbeddedNetwork | null) {
    this.client = client;
    this.#embedded = embedded;
  }

  /** The embedded local network, when the node runs it (tests and the bench read its ledger). */
  get embedded(): EmbeddedNetwork | null {
    return this.#embedded;
  }

  static async start(options: NodeNetworkOptions): Promise<NodeNetwork> {
    const { settings } = options;
    let embedded: EmbeddedNetwork | null = null;
    let networkUrl: string;
    if (settings.networkUrl === null) {
      const local = options.payments.local;
      if (!local) {
        throw new NetworkSetupError(
          'The embedded local network pays on the local chain: choose "Local chain" in Settings → Payments, or enter the URL of a network to work for in Settings → Network.',
        );
      }
      // Loaded only for the embedded network: its coordinator, ledger and workload (with the OCR models in memory).
      const { startEmbeddedNetwork } = await import('../devnet/embedded-network.ts');
      embedded = await startEmbeddedNetwork({
        dataDir: options.dataDir,
        payments: local,
        rate: settings.localJobRate,
        logger: (level, message) => options.logger[level](`local network: ${message}`),
      });
      networkUrl = embedded.url;
    } else {
      networkUrl = settings.networkUrl;
    }
    try {
      const models = await ModelCache.open({
        dir: join(options.dataDir, MODELS_DIR),
        quotaBytes: options.limits().modelDiskQuotaMiB * 1024 ** 2,
        // A network the user named by a local address (the embedded one, a rig on the LAN) may serve models from it;
        // a network named by host name may not: its DNS could point that name at this machine's own services.
        trustedLocalOrigins: isLiteralAddress(new URL(networkUrl).hostname) ? [new URL(networkUrl).origin] : [],
      });
      const durations = new Map<string, number>();
      const client = new NetworkClient({
        networkUrl,
        // The embedded network's port changes at every start; its payer is pinned under one name.
        pinScope: embedded ? 'local' : networkUrl,
        local: embedded !== null,
        store: options.store,
        nodeKey: options.nodeKey,
        payee: options.payee,
        executor: workerExecutor({ supervisor: options.worker, models }),
        capacity: NETWORK_CAPACITY,
        available: options.available,
        offerPolicy: (offer) => offerPolicy(offer, options.limits(), durations),
        capabilities: () => capabilities(options, models),
        logger: options.logger,
        counters: options.counters,
        onStatus: options.onStatus,
        onJobChanged: (jobId) => {
          // A job ended by the shutdown after the store closed: nothing left to tell.
          if (!options.store.db.open) return;
          const job = options.store.jobs.get(jobId);
          if (job && job.state === 'succeeded' && job.startedAt !== null && job.finishedAt !== null) {
            const ms = Math.max(1, job.finishedAt - job.startedAt);
            const before = durations.get(job.modelSha256);
            durations.set(job.modelSha256, before === undefined ? ms : before + DURATION_WEIGHT * (ms - before));
          }
          options.onJobChanged(jobId);
        },
        onVoucherStored: options.onVoucherStored,
      });
      client.start();
      return new NodeNetwork(client, embedded);
    } catch (error) {
      await embedded?.close();
      throw error;
    }
  }

  status(): NetworkStatus {
    return this.client.status();
  }

  /** Says paused, ends running jobs (reported), closes the socket cleanly, then stops the embedded network. */
  async close(): Promise<void> {
    await this.client.stop();
    await this.#embedded?.close();
  }
}

export class NetworkSetupError extends Error {
  override name = 'NetworkSetupError';
}

/**
 * The node's own reasons to turn an offer down: a model larger than the disk
 * quota or the RAM cap, or a price per hour (estimated from this model's
 * recent jobs) below the user's minimum. A model never run before is tried
 * once: its first job teaches the estimate.
 */
export function offerPolicy(
  offer: Pick<Offer, 'price'> & { model: Pick<Offer['model'], 'sha256' | 'sizeBytes'> },
  limits: Limits,
  durations: ReadonlyMap<string, number>,
): Decline | null {
  const quota = limits.modelDiskQuotaMiB * 1024 ** 2;
  if (offer.model.sizeBytes > quota) {
    return { reason: 'over_budget', message: `the model (${mib(offer.model.sizeBytes)} MiB) is larger than the model disk quota (${limits.modelDiskQuotaMiB} MiB)` };
  }
  if (limits.ramCapMiB !== null && offer.model.sizeBytes > limits.ramCapMiB * 1024 ** 2) {
    return { reason: 'over_budget', message: `the model (${mib(offer.model.sizeBytes)} MiB) does not fit the RAM cap (${limits.ramCapMiB} MiB)` };
  }
  const averageMs = durations.get(offer.model.sha256);
  if (limits.minPricePerHour === null || averageMs === undefined) return null;
  const perHour = (offer.price * BigInt(HOUR_MS)) / BigInt(Math.max(1, Math.round(averageMs)));
  const verdict = acceptsOffer(limits, perHour);
  return verdict.accept ? null : { reason: 'price_too_low', message: verdict.text };
}

/** An IP address (v4, or v6 in brackets as URLs write it), not a name that DNS could point anywhere. */
function isLiteralAddress(hostname: string): boolean {
  return isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);

async function capabilities(options: NodeNetworkOptions, models: ModelCache): Promise<NodeCapabilities> {
  const limits = options.limits();
  const providers = options.worker.status().providers.filter((provider) => provider.available).map((provider) => provider.name);
  const cached = await models.list();
  return {
    tasks: ['tensor', 'ocr', 'embedding'],
    models: cached.slice(0, 1024).map((model) => ({ id: `sha256:${model.sha256}`, sha256: model.sha256 })),
    executionProviders: providers.length > 0 ? [...new Set(providers)] : ['cpu'],
    ramMiB: limits.ramCapMiB ?? Math.floor(totalmem() / 2 / 1024 ** 2),
    // No driver query for VRAM yet: the network is told it is unknown rather than a guess.
    vramMiB: null,
    priceFloorPerHour: limits.minPricePerHour,
  };
}
