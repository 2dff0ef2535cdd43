import { z } from 'zod';
import type { EventName } from '../../shared/api.ts';
import type { NodeState, NodeStatus, PauseInput } from '../../shared/node.ts';
import { join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { errorMessage } from '../../shared/errors.ts';
import { settingsProblems, type Settings, type SettingsPatch } from '../../shared/settings.ts';
import { noKeyWrap, type KeyWrap } from '../wallet/key-wrap.ts';
import { WalletService } from '../wallet/service.ts';
import { Wallet } from '../wallet/wallet.ts';
import { openPaymentNetwork, type OpenedPaymentNetwork } from './payments.ts';
import { Store } from '../store/index.ts';
import type { Decision } from '../store/policy-events.ts';
import type { WorkerEvent, WorkerSupervisor } from '../worker/supervisor.ts';
import type { ProviderReport } from '../../shared/worker-protocol.ts';
import type { WorkerStatus } from '../../shared/worker.ts';
import { ensureDataDir, lockDataDir } from './data-dir.ts';
import { ContractEmitter, type Listener } from './emitter.ts';
import { silentLogger, type Logger } from './log.ts';
import { HEARTH_VERSION } from './version.ts';

export interface ProviderNodeOptions {
  dataDir: string;
  logger?: Logger;
  now?: () => number;
  /** The OS keychain layer over the wallet's key file (Electron's safeStorage); headless has none. */
  keyWrap?: KeyWrap;
  /** scrypt cost of the key file; only tests lower it. */
  scryptN?: number;
}

/** The wallet's key file in the data dir. */
export const WALLET_FILE = 'wallet.json';
const CHAIN_SETTINGS = ['chain', 'rpcUrl', 'customChainId'] as const;

/** A manual pause survives a restart: "pause for 1 h" means one hour, not until the app restarts. */
const MANUAL_PAUSE_KEY = 'manualPause';
/** How often a timed pause compares its end with the wall clock. */
const PAUSE_CHECK_MS = 15_000;
const manualPauseSchema = z.object({ since: z.number().int(), until: z.number().int().nullable() });
type ManualPause = z.infer<typeof manualPauseSchema>;

/**
 * The provider node: composes the services and owns the run/pause state
 * machine. Electron and headless mode each build one and bind the contract to
 * it; nothing here knows which.
 */
export class ProviderNode {
  readonly dataDir: string;
  readonly store: Store;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #events: ContractEmitter;
  readonly #unlock: () => void;
  #status: NodeStatus;
  #settings: Settings;
  #resumeTimer: NodeJS.Timeout | undefined;
  #worker: WorkerSupervisor | undefined;
  #warm = false;
  /** Providers found at the worker's last start: still shown while it is stopped or paused. */
  #lastProviders: ProviderReport[] = [];
  #closed = false;
  readonly wallet: WalletService;
  #payments: OpenedPaymentNetwork | null = null;
  #paymentsStarting: Promise<void> | null = null;

  private constructor(options: ProviderNodeOptions, store: Store, unlock: () => void) {
    this.dataDir = options.dataDir;
    this.store = store;
    this.#unlock = unlock;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#events = new ContractEmitter((error) => this.#log.error('event listener failed', { error }));
    const { settings, problems } = store.settings.read();
    for (const problem of problems) {
      this.#log.warn(`stored setting "${problem.key}" is invalid and reads as its default`, { problem: problem.problem });
    }
    this.#settings = settings;
    this.wallet = new WalletService({
      keys: new Wallet({
        file: join(options.dataDir, WALLET_FILE),
        keyWrap: options.keyWrap ?? noKeyWrap,
        ...(options.scryptN === undefined ? {} : { scryptN: options.scryptN }),
        onListenerError: (error) => this.#log.error('wallet listener failed', { error }),
      }),
      records: store.chainTxs,
      vouchers: store.vouchers,
      autoClaim: () => ({ autoClaim: this.#settings.autoClaim, autoClaimThreshold: BigInt(this.#settings.autoClaimThreshold) }),
      onStatus: (status) => {
        if (this.#closed) return;
        this.#events.emit('wallet.changed', status);
        void this.#fundWallet();
      },
      onTransaction: (tx) => {
        if (!this.#closed) this.#events.emit('wallet.transactionChanged', tx);
      },
      onEarnings: () => {
        if (!this.#closed) this.#events.emit('wallet.earningsChanged', { at: this.#now() });
      },
      log: (level, message) => this.#log[level](message),
      now: this.#now,
    });
    this.#status = {
      state: 'starting',
      reason: 'Starting',
      since: this.#now(),
      pausedUntil: null,
      version: HEARTH_VERSION,
      dataDir: this.dataDir,
      nodeName: settings.nodeName,
    };
  }

  /** Opens the data directory (locked to this process) and the store, then decides run or pause. */
  static start(options: ProviderNodeOptions): ProviderNode {
    ensureDataDir(options.dataDir);
    const unlock = lockDataDir(options.dataDir);
    let store: Store;
    try {
      store = Store.openInDir(options.dataDir);
    } catch (error) {
      unlock();
      throw error;
    }
    const node = new ProviderNode(options, store, unlock);
    node.#decideAtStart();
    return node;
  }

  status(): NodeStatus {
    return { ...this.#status };
  }

  settings(): Settings {
    return { ...this.#settings };
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    return this.#events.on(event, listener);
  }

  /** Manual pause, for `durationMs` or until resumed. Pausing again replaces the earlier pause. */
  pause(input: PauseInput = {}): NodeStatus {
    this.#assertOpen();
    const now = this.#now();
    const until = input.durationMs === undefined ? null : now + input.durationMs;
    this.store.nodeState.set(MANUAL_PAUSE_KEY, { since: now, until } satisfies ManualPause, now);
    this.#applyManualPause({ since: now, until }, 'manual');
    return this.status();
  }

  resume(): NodeStatus {
    this.#assertOpen();
    this.store.nodeState.delete(MANUAL_PAUSE_KEY);
    this.#clearResumeTimer();
    this.#transition('running', 'Ready to take work (resumed by you)', null, { decision: 'run', source: 'manual' });
    return this.status();
  }

  updateSettings(patch: SettingsPatch): Settings {
    this.#assertOpen();
    const problems = settingsProblems({ ...this.#settings, ...patch });
    if (problems.length > 0) throw new ApiError('invalid_input', `invalid settings: ${problems.join('; ')}`, problems);
    const chainChanged = CHAIN_SETTINGS.some((key) => key in patch && patch[key] !== this.#settings[key]);
    this.#settings = this.store.settings.update(patch, this.#now());
    if (chainChanged) void this.#restartPayments();
    this.#events.emit('settings.changed', this.settings());
    if (this.#settings.nodeName !== this.#status.nodeName) {
      this.#status = { ...this.#status, nodeName: this.#settings.nodeName };
      this.#events.emit('node.statusChanged', this.status());
    }
    return this.settings();
  }

  /**
   * Gives the node its inference worker: from now on every pause stops and
   * releases it, every run decision lets it work again. Its events are recorded.
   */
  attachWorker(worker: WorkerSupervisor, options: { warm?: boolean } = {}): void {
    this.#worker = worker;
    this.#warm = options.warm ?? false;
    if (this.#status.state !== 'running') void worker.pause();
    else this.#warmUp();
  }

  /** Starts the worker ahead of the first job (and probes the execution providers), when asked to keep it warm. */
  #warmUp(): void {
    if (!this.#warm || !this.#worker) return;
    this.#worker.start().catch((error: unknown) => this.#log.warn('the inference worker could not start', { error }));
  }

  get worker(): WorkerSupervisor | undefined {
    return this.#worker;
  }

  /** The worker as the UI shows it: state, providers with reasons, restarts (all time). */
  workerStatus(): WorkerStatus {
    const status = this.#worker?.status();
    const providers: ProviderReport[] = status?.providers ?? this.#lastProviders;
    return {
      state: status?.state ?? 'idle',
      pid: status?.pid ?? null,
      providers: providers.map((p) => ({ name: p.name, available: p.available, ...(p.reason === undefined ? {} : { reason: p.reason }), ...(p.detail === undefined ? {} : { detail: p.detail }) })),
      restarts: this.store.workerEvents.count('restarting'),
      lastCrash: status?.lastCrash ?? null,
      inFlight: status?.inFlight ?? 0,
    };
  }

  /** Records a worker start, crash, kill or restart (the supervisor's onEvent). */
  recordWorkerEvent(event: WorkerEvent): void {
    if (this.#closed) return;
    const { type, ...detail } = event;
    const pid = 'pid' in event && typeof event.pid === 'number' ? event.pid : null;
    this.store.workerEvents.record(this.#now(), type, pid, detail);
    if (event.type === 'started') this.#lastProviders = event.providers;
    if (type === 'crashed' || type === 'gave_up') this.#log.warn(`inference worker ${type}`, detail);
    this.#announceWorker();
  }

  /**
   * Connects the wallet to the chain the settings name (by default the
   * embedded local chain with its escrow), resuming any transaction left
   * unfinished by the last run. Resolves when connected; a failure is logged
   * and shown in the wallet's status, never fatal to the node.
   */
  startPayments(): Promise<void> {
    this.#paymentsStarting ??= this.#openPayments().finally(() => (this.#paymentsStarting = null));
    return this.#paymentsStarting;
  }

  async #openPayments(): Promise<void> {
    try {
      const opened = await openPaymentNetwork(this.#settings, this.dataDir, this.store.nodeState);
      if (this.#closed) return void (await opened.close());
      this.#payments = opened;
      await this.wallet.attachNetwork(opened.network);
      await this.#fundWallet();
    } catch (error) {
      this.#log.error(`the wallet could not connect to its chain: ${errorMessage(error)}`);
      this.wallet.setNetworkProblem(errorMessage(error));
    }
  }

  async #restartPayments(): Promise<void> {
    await this.#paymentsStarting;
    const previous = this.#payments;
    this.#payments = null;
    this.wallet.detachNetwork();
    await previous?.close().catch(() => undefined);
    await this.startPayments();
  }

  /** On the local chain the wallet gets gas money from the faucet, so claims work out of the box. */
  async #fundWallet(): Promise<void> {
    const address = this.wallet.status().address;
    if (!address || !this.#payments?.fund || this.#closed) return;
    await this.#payments.fund(address).catch((error: unknown) => this.#log.warn(`funding the wallet on the local chain failed: ${errorMessage(error)}`));
  }

  /** Stops timers, the worker and the wallet's chain, and closes the store. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearResumeTimer();
    this.wallet.close();
    void this.#payments?.close().catch(() => undefined);
    this.#worker?.stop();
    this.store.close();
    this.#unlock();
  }

  #decideAtStart(): void {
    const pause = this.store.nodeState.get(MANUAL_PAUSE_KEY, manualPauseSchema);
    if (pause && (pause.until === null || pause.until > this.#now())) {
      this.#applyManualPause(pause, 'startup');
    } else if (this.#settings.startPaused) {
      if (pause) this.store.nodeState.delete(MANUAL_PAUSE_KEY);
      this.#transition('paused', 'Paused at start-up (your setting "Start paused")', null, { decision: 'pause', source: 'startup' });
    } else {
      if (pause) this.store.nodeState.delete(MANUAL_PAUSE_KEY);
      this.#transition('running', 'Ready to take work', null, { decision: 'run', source: 'startup' });
    }
  }

  #applyManualPause(pause: ManualPause, source: string): void {
    this.#clearResumeTimer();
    if (pause.until !== null) {
      // Timers stop while the machine sleeps: check the wall clock often rather than trusting one long timeout.
      const until = pause.until;
      const check = (): void => {
        const left = until - this.#now();
        if (left <= 0) return this.#expirePause();
        this.#resumeTimer = setTimeout(check, Math.min(left, PAUSE_CHECK_MS));
        this.#resumeTimer.unref();
      };
      check();
    }
    // The end time travels as `pausedUntil`; each screen renders it in its own locale and zone.
    const reason = pause.until === null ? 'Paused by you until you resume' : 'Paused by you for a set time';
    this.#transition('paused', reason, pause.until, { decision: 'pause', source });
  }

  #expirePause(): void {
    if (this.#closed) return;
    this.store.nodeState.delete(MANUAL_PAUSE_KEY);
    this.#resumeTimer = undefined;
    this.#transition('running', 'Ready to take work (your pause ended)', null, { decision: 'run', source: 'manual' });
  }

  #transition(state: NodeState, reason: string, pausedUntil: number | null, event: { decision: Decision; source: string }): void {
    const now = this.#now();
    const changed = state !== this.#status.state;
    this.#status = {
      ...this.#status,
      state,
      reason,
      pausedUntil,
      since: changed ? now : this.#status.since,
    };
    this.store.policyEvents.record({ at: now, decision: event.decision, source: event.source, reason, budget: null });
    if (this.#worker) {
      if (state === 'paused') void this.#worker.pause();
      else if (state === 'running') {
        void this.#worker.resume();
        this.#warmUp();
      }
      this.#announceWorker();
    }
    this.#log.info(`${state}: ${reason}`);
    this.#events.emit('node.statusChanged', this.status());
  }

  /** Pushes the worker's status once the change in progress has reached the supervisor. */
  #announceWorker(): void {
    queueMicrotask(() => {
      if (!this.#closed) this.#events.emit('worker.statusChanged', this.workerStatus());
    });
  }

  #clearResumeTimer(): void {
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#resumeTimer = undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the node is shut down');
  }
}
