import type { EventName } from '../../shared/api.ts';
import type { Limits } from '../../shared/limits.ts';
import type { PolicyStatus } from '../../shared/policy.ts';
import { decisionSource, isDecisionChange, type Decision as PolicyDecision, type PolicyMemory, freshMemory } from '../policy/decision.ts';
import { decide } from '../policy/engine.ts';
import { isManualPauseActive, pauseUntil, type ManualPause } from '../policy/manual-pause.ts';
import type { OsSignalsSnapshot, SignalSource } from '../policy/signals.ts';
import { addRunTime, type DailyUsage } from '../policy/usage.ts';
import { clockOnlySignals, MANUAL_PAUSE_KEY, manualPauseSchema, policyStatusOf, SIGNALS_MS, USAGE_KEY, usageSchema } from './policy.ts';
import type { NodeState, NodeStatus, PauseInput } from '../../shared/node.ts';
import { join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { errorMessage } from '../../shared/errors.ts';
import { settingsProblems, type Settings, type SettingsPatch } from '../../shared/settings.ts';
import { noKeyWrap, type KeyWrap } from '../wallet/key-wrap.ts';
import { WalletService } from '../wallet/service.ts';
import { Wallet } from '../wallet/wallet.ts';
import { openPaymentNetwork, PAYMENT_TERMS_KEY, type OpenedPaymentNetwork } from './payments.ts';
import { networkTermsSchema, termsOf } from '../network/manifest.ts';
import { NodeNetwork } from './network.ts';
import { PromNetworkCounters } from './network-metrics.ts';
import { loadOrCreateNodeKey } from '../network/node-key.ts';
import type { NetworkStatus } from '../../shared/network.ts';
import type { JobsSummary } from '../../shared/jobs.ts';
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
const NETWORK_SETTINGS = ['networkUrl', 'localJobRate'] as const;
/** `jobs.changed` is pushed at most this often: a busy node finishes many jobs a second. */
const JOBS_EVENT_MS = 250;

/** Timers stop while the machine sleeps: the clock is compared with the next moment that matters at least this often. */
const CLOCK_CHECK_MS = 15_000;
/** Contributed time is written to the store at most this often (and at every decision change). */
const USAGE_SAVE_MS = 60_000;

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
  #clockTimer: NodeJS.Timeout | undefined;
  #signalTimer: NodeJS.Timeout | undefined;
  #signalSource: SignalSource | undefined;
  #limits: Limits;
  #signals: OsSignalsSnapshot;
  #manualPause: ManualPause | null;
  #usage: DailyUsage | null;
  #usageSavedAt = 0;
  #lastRunAt: number | null = null;
  #memory: PolicyMemory = freshMemory;
  #decision: PolicyDecision | null = null;
  #decidedAt = 0;
  #worker: WorkerSupervisor | undefined;
  #warm = false;
  /** Providers found at the worker's last start: still shown while it is stopped or paused. */
  #lastProviders: ProviderReport[] = [];
  #closed = false;
  readonly wallet: WalletService;
  #payments: OpenedPaymentNetwork | null = null;
  #paymentsStarting: Promise<void> | null = null;
  readonly #keyWrap: KeyWrap;
  #network: NodeNetwork | null = null;
  /** Start, stop and restart of the network run one after another: never two clients or two coordinators at once. */
  #networkQueue: Promise<void> = Promise.resolve();
  #networkWanted = false;
  /** Bumped for every network started: callbacks of an older one are ignored. */
  #networkGeneration = 0;
  /** Why there is no network, when starting it failed: shown in the network status. */
  #networkProblem: string | null = null;
  #lastPayee: string | null = null;
  #jobsTimer: NodeJS.Timeout | undefined;
  /** The network client's counters, exported by /metrics. */
  readonly networkCounters = new PromNetworkCounters();

  private constructor(options: ProviderNodeOptions, store: Store, unlock: () => void) {
    this.dataDir = options.dataDir;
    this.store = store;
    this.#unlock = unlock;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#keyWrap = options.keyWrap ?? noKeyWrap;
    this.#events = new ContractEmitter((error) => this.#log.error('event listener failed', { error }));
    const { settings, problems } = store.settings.read();
    for (const problem of problems) {
      this.#log.warn(`stored setting "${problem.key}" is invalid and reads as its default`, { problem: problem.problem });
    }
    this.#settings = settings;
    const limits = store.limits.read();
    if (limits.problem) this.#log.warn(`contribution limits: ${limits.problem}; the defaults apply until you save them again`);
    this.#limits = limits.limits;
    this.#signals = clockOnlySignals(this.#now());
    this.#manualPause = store.nodeState.get(MANUAL_PAUSE_KEY, manualPauseSchema) ?? null;
    this.#usage = store.nodeState.get(USAGE_KEY, usageSchema) ?? null;
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
        // A new or imported wallet: the network makes vouchers out to it from now on (credit earned before included).
        if (status.address !== this.#lastPayee) {
          this.#lastPayee = status.address;
          this.#network?.client.payeeChanged();
        }
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

  /**
   * Manual pause: for `durationMs`, until the next day, or until resumed.
   * Pausing again replaces the earlier pause. It beats every other limit.
   */
  pause(input: PauseInput = {}): NodeStatus {
    this.#assertOpen();
    const now = this.#now();
    const until =
      input.durationMs !== undefined
        ? now + input.durationMs
        : input.until === 'tomorrow'
          ? pauseUntil('tomorrow', now, this.#decision?.timeZone ?? this.#signals.timeZone)
          : null;
    this.#setManualPause({ since: now, until });
    this.#evaluate();
    return this.status();
  }

  /** Ends a manual pause. The other limits still apply: during a game Hearth stays paused, and says why. */
  resume(): NodeStatus {
    this.#assertOpen();
    this.#setManualPause(null);
    this.#evaluate();
    return this.status();
  }

  limits(): Limits {
    return this.#limits;
  }

  /** Replaces the limits (already validated as a whole by the contract) and decides again at once. */
  updateLimits(limits: Limits): Limits {
    this.#assertOpen();
    this.store.limits.write(limits, this.#now());
    this.#limits = limits;
    this.#events.emit('limits.changed', limits);
    // A new budget (threads, RAM cap, GPU) is read when the worker process next starts.
    this.#evaluate();
    return limits;
  }

  /** Hearth's own processes (this one and the worker): never a game or "another program using the GPU". */
  ownPids(): number[] {
    const worker = this.#worker?.status().pid;
    return worker === undefined ? [process.pid] : [process.pid, worker];
  }

  /** The budget the worker runs within (read at each worker start). */
  budget(): PolicyDecision['budget'] {
    if (!this.#decision) this.#evaluate();
    return (this.#decision as PolicyDecision).budget;
  }

  policyStatus(): PolicyStatus {
    if (!this.#decision) this.#evaluate();
    return policyStatusOf(this.#decision as PolicyDecision, this.#decidedAt);
  }

  /**
   * Feeds the policy engine from the OS (headless: what Linux offers; the
   * desktop app: powerMonitor and friends), every second and whenever the
   * source announces a change. Without one the node knows the clock only.
   */
  attachSignals(source: SignalSource): void {
    this.#signalSource = source;
    source.subscribe?.(() => void this.#readSignals());
    void this.#readSignals();
  }

  async #readSignals(): Promise<void> {
    const source = this.#signalSource;
    if (!source || this.#closed) return;
    if (this.#signalTimer) clearTimeout(this.#signalTimer);
    try {
      this.#signals = await source.read();
    } catch (error) {
      this.#log.warn(`reading the OS signals failed: ${errorMessage(error)}`);
    }
    if (this.#closed) return;
    this.#evaluate();
    this.#signalTimer = setTimeout(() => void this.#readSignals(), SIGNALS_MS);
    this.#signalTimer.unref();
  }

  #setManualPause(pause: ManualPause | null): void {
    this.#manualPause = pause;
    if (pause) this.store.nodeState.set(MANUAL_PAUSE_KEY, pause, this.#now());
    else this.store.nodeState.delete(MANUAL_PAUSE_KEY);
  }

  updateSettings(patch: SettingsPatch): Settings {
    this.#assertOpen();
    const problems = settingsProblems({ ...this.#settings, ...patch });
    if (problems.length > 0) throw new ApiError('invalid_input', `invalid settings: ${problems.join('; ')}`, problems);
    const chainChanged = CHAIN_SETTINGS.some((key) => key in patch && patch[key] !== this.#settings[key]);
    const networkChanged = NETWORK_SETTINGS.some((key) => key in patch && patch[key] !== this.#settings[key]);
    this.#settings = this.store.settings.update(patch, this.#now());
    if (chainChanged) void this.#restartPayments().then(() => this.#restartNetwork());
    else if (networkChanged) void this.#restartNetwork();
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
      providers: providers.map((p) => ({
        name: p.name,
        available: p.available,
        ...(p.reason === undefined ? {} : { reason: p.reason }),
        ...(p.detail === undefined ? {} : { detail: p.detail }),
        ...(p.note === undefined ? {} : { note: p.note }),
      })),
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
    // Giving up, or starting again after it, changes what the network is told.
    if (type === 'gave_up' || type === 'started') queueMicrotask(() => this.#network?.client.setAvailability());
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

  /**
   * Joins the network the settings name — by default the embedded local
   * network on this machine — once the wallet's chain is connected, and keeps
   * it until close. A failure is shown in the network status, never fatal.
   */
  startNetwork(): Promise<void> {
    this.#networkWanted = true;
    return this.#queueNetwork(() => this.#openNetwork());
  }

  #queueNetwork(step: () => Promise<void>): Promise<void> {
    this.#networkQueue = this.#networkQueue.then(step, step);
    return this.#networkQueue;
  }

  async #openNetwork(): Promise<void> {
    if (this.#closed || this.#network || !this.#networkWanted) return;
    // Connected already, or connecting (a chain change restarts payments itself): never a second chain.
    if (!this.#payments) await this.startPayments();
    if (this.#closed || this.#network || !this.#networkWanted) return;
    const generation = ++this.#networkGeneration;
    const current = (): boolean => !this.#closed && generation === this.#networkGeneration;
    const worker = this.#worker;
    const payments = this.#payments;
    try {
      if (!worker) throw new Error('the node has no inference worker');
      if (!payments) throw new Error(`the wallet's chain is not connected${this.wallet.status().problem ? `: ${this.wallet.status().problem}` : ''}`);
      const nodeKey = await loadOrCreateNodeKey({ dataDir: this.dataDir, keyWrap: this.#keyWrap, now: this.#now });
      this.#lastPayee = this.wallet.status().address;
      const network = await NodeNetwork.start({
        dataDir: this.dataDir,
        store: this.store,
        settings: this.#settings,
        limits: () => this.#limits,
        payments,
        worker,
        nodeKey,
        payee: () => this.wallet.status().address,
        available: () => this.#availability(),
        logger: this.#log,
        counters: this.networkCounters,
        onStatus: (status) => {
          if (!current()) return;
          this.#events.emit('network.changed', status);
          if (status.state === 'connected' && !status.local) this.#adoptPaymentTerms();
        },
        onJobChanged: () => {
          if (current()) this.#jobsChanged();
        },
        onVoucherStored: () => {
          if (current()) this.wallet.vouchersStored();
        },
      });
      if (this.#closed || !this.#networkWanted) return void (await network.close());
      this.#network = network;
      this.#networkProblem = null;
    } catch (error) {
      this.#networkProblem = errorMessage(error);
      this.#log.error(`the network could not start: ${this.#networkProblem}`);
    }
    if (!this.#closed) this.#events.emit('network.changed', this.networkStatus());
  }

  /**
   * A remote network's manifest names the escrow, token and payer its
   * vouchers are for: the wallet claims there. Stored per chain (payments.ts),
   * and the wallet reconnects when they change.
   */
  #adoptPaymentTerms(): void {
    const manifest = this.#network?.client.manifest();
    if (!manifest) return;
    const terms = termsOf(manifest);
    const stored = this.store.nodeState.get(PAYMENT_TERMS_KEY, networkTermsSchema);
    if (stored && JSON.stringify(stored) === JSON.stringify(terms)) return;
    this.store.nodeState.set(PAYMENT_TERMS_KEY, terms, this.#now());
    void this.#restartPayments();
  }

  #restartNetwork(): Promise<void> {
    if (!this.#networkWanted) return Promise.resolve();
    return this.#queueNetwork(async () => {
      await this.#stopNetwork();
      await this.#openNetwork();
    });
  }

  async #stopNetwork(): Promise<void> {
    const network = this.#network;
    this.#network = null;
    this.#networkGeneration++;
    await network?.close().catch((error: unknown) => this.#log.warn(`closing the network: ${errorMessage(error)}`));
  }

  /**
   * What the network is told: paused with the policy's reason, or — while the
   * worker has given up after repeated crashes — paused for that, so no offer
   * is taken only to fail.
   */
  #availability(): { state: 'running' | 'paused'; reason: string | null } {
    if (this.#status.state !== 'running') return { state: 'paused', reason: this.#status.reason.slice(0, 256) };
    if (this.#worker?.status().state === 'failed') return { state: 'paused', reason: 'The inference worker stopped after repeated crashes' };
    return { state: 'running', reason: null };
  }

  /** The network as the UI shows it; before it starts (or when it could not), why not. */
  networkStatus(): NetworkStatus {
    if (this.#network) return this.#network.status();
    return {
      state: this.#networkProblem ? 'incompatible' : 'stopped',
      local: this.#settings.networkUrl === null,
      networkUrl: this.#settings.networkUrl,
      coordinatorUrl: null,
      since: this.#status.since,
      lastError: this.#networkProblem,
      nextRetryAt: null,
      pinned: null,
      announced: null,
      payee: this.wallet.status().address,
      nodeAddress: null,
      inFlight: 0,
    };
  }

  /** The embedded local network, while the node runs it. */
  get embeddedNetwork(): NodeNetwork['embedded'] {
    return this.#network?.embedded ?? null;
  }

  acceptPayerChange(): NetworkStatus {
    if (!this.#network || this.#network.status().state !== 'payer_changed') {
      throw new ApiError('refused', 'The network has not announced a new payer: there is nothing to accept.', undefined, 'no_payer_change');
    }
    return this.#network.client.acceptPayerChange();
  }

  jobsSummary(): JobsSummary {
    return this.store.jobSummary.summary(this.#now());
  }

  /** Many jobs a second become one event every JOBS_EVENT_MS: the UI re-reads the list and the totals. */
  #jobsChanged(): void {
    if (this.#closed || this.#jobsTimer) return;
    this.#jobsTimer = setTimeout(() => {
      this.#jobsTimer = undefined;
      if (!this.#closed) this.#events.emit('jobs.changed', { at: this.#now() });
    }, JOBS_EVENT_MS);
    this.#jobsTimer.unref();
  }

  /**
   * Leaves the network cleanly — says paused, reports running jobs failed,
   * closes the socket — before close(). Quitting calls it first.
   */
  leaveNetwork(): Promise<void> {
    this.#networkWanted = false;
    return this.#queueNetwork(() => this.#stopNetwork());
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
    this.#clearClockTimer();
    if (this.#signalTimer) clearTimeout(this.#signalTimer);
    if (this.#jobsTimer) clearTimeout(this.#jobsTimer);
    // Normally left already (leaveNetwork); if not, stop taking work now — the store closes next.
    this.#networkWanted = false;
    this.#networkGeneration++;
    void this.#network?.client.stop().catch(() => undefined);
    void this.#network?.embedded?.close().catch(() => undefined);
    this.#network = null;
    this.#saveUsage(true);
    this.wallet.close();
    void this.#payments?.close().catch(() => undefined);
    this.#worker?.stop();
    this.store.close();
    this.#unlock();
  }

  #decideAtStart(): void {
    // "Start paused" is a pause by the user, until resumed: the same reason, the same Resume.
    if (this.#settings.startPaused && !isManualPauseActive(this.#manualPause, this.#now())) {
      this.#setManualPause({ since: this.#now(), until: null });
    }
    this.#evaluate();
  }

  /**
   * Asks the policy engine, with the latest signals, and applies its answer:
   * a changed decision moves the node (and the worker) and is recorded with
   * its reason; the clock is looked at again when the answer could change.
   */
  #evaluate(): void {
    if (this.#closed) return;
    const now = this.#now();
    const zone = this.#decision?.timeZone ?? 'UTC';
    if (this.#decision?.action === 'run' && this.#lastRunAt !== null && now > this.#lastRunAt) {
      this.#usage = addRunTime(this.#usage, this.#lastRunAt, now, zone);
    }
    if (this.#manualPause && !isManualPauseActive(this.#manualPause, now)) this.#setManualPause(null);
    const previous = this.#decision;
    const decision = decide(this.#limits, { ...this.#signals, now }, {
      manualPause: this.#manualPause,
      usage: this.#usage,
      ownPids: this.ownPids(),
      memory: this.#memory,
    });
    this.#memory = decision.memory;
    this.#decision = decision;
    this.#lastRunAt = decision.action === 'run' ? now : null;
    const headline = decision.reasons[0]?.text ?? (decision.action === 'run' ? 'Ready to take work' : 'Paused');
    const pausedUntil = decision.reasons[0]?.code === 'manual-pause' ? (this.#manualPause?.until ?? null) : null;
    const reasonsChanged = !previous || JSON.stringify(previous.reasons) !== JSON.stringify(decision.reasons);
    if (reasonsChanged || previous?.action !== decision.action) this.#decidedAt = now;
    if (isDecisionChange(previous, decision)) {
      this.#transition(decision.action === 'run' ? 'running' : 'paused', headline, pausedUntil, {
        decision: decision.action,
        source: decisionSource(decision),
        budget: decision.budget,
      });
      this.#saveUsage(true);
    } else if (headline !== this.#status.reason || pausedUntil !== this.#status.pausedUntil) {
      // The same decision, said more exactly ("3 of 10 minutes idle"): shown, not recorded as a new decision.
      this.#status = { ...this.#status, reason: headline, pausedUntil };
      this.#events.emit('node.statusChanged', this.status());
    }
    if (reasonsChanged) this.#events.emit('policy.changed', policyStatusOf(decision, this.#decidedAt));
    this.#saveUsage(false);
    this.#scheduleClock(decision.nextCheckAt);
  }

  #saveUsage(force: boolean): void {
    const now = this.#now();
    if (!this.#usage || (!force && now - this.#usageSavedAt < USAGE_SAVE_MS)) return;
    this.store.nodeState.set(USAGE_KEY, this.#usage, now);
    this.#usageSavedAt = now;
  }

  /** Timers stop while the machine sleeps: check the wall clock often rather than trusting one long timeout. */
  #scheduleClock(at: number | null): void {
    this.#clearClockTimer();
    if (at === null) return;
    const left = at - this.#now();
    this.#clockTimer = setTimeout(() => this.#evaluate(), Math.max(0, Math.min(left, CLOCK_CHECK_MS)));
    this.#clockTimer.unref();
  }

  #transition(
    state: NodeState,
    reason: string,
    pausedUntil: number | null,
    event: { decision: Decision; source: string; budget: PolicyDecision['budget'] },
  ): void {
    const now = this.#now();
    const changed = state !== this.#status.state;
    this.#status = {
      ...this.#status,
      state,
      reason,
      pausedUntil,
      since: changed ? now : this.#status.since,
    };
    this.store.policyEvents.record({ at: now, decision: event.decision, source: event.source, reason, budget: event.budget });
    this.#network?.client.setAvailability();
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

  #clearClockTimer(): void {
    if (this.#clockTimer) clearTimeout(this.#clockTimer);
    this.#clockTimer = undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the node is shut down');
  }
}
