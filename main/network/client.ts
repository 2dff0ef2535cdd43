/**
 * The node's client of a network's coordinator (issue 5, shared plan
 * "Session"): fetch and check the manifest, pin its payer, dial the
 * coordinator, and reconnect with backoff whenever the connection ends —
 * plus the node-facing controls (availability, payee, payer change, status).
 * The protocol on a connection is conversation.ts; jobs are jobs.ts,
 * vouchers vouchers.ts, the socket connection.ts.
 */
import { getAddress } from 'viem';
import type { NetworkStatus } from '../../shared/network.ts';
import type { NetworkManifest } from '../../shared/protocol/manifest.ts';
import { errorMessage } from '../../shared/errors.ts';
import { sameAddress } from '../../shared/voucher.ts';
import { Backoff } from './backoff.ts';
import { CoordinatorSocket, describeClose, type CloseInfo } from './connection.ts';
import { availabilityMessage, Conversation } from './conversation.ts';
import { JobRunFailure } from './executor.ts';
import { JobRunner } from './jobs.ts';
import { comparePin, fetchManifest, ManifestError, readPin, termsOf, writePin, type NetworkTerms } from './manifest.ts';
import { silentLogger, type NetworkClientOptions, type NetworkLogger } from './options.ts';
import { CountingCounters, RejectionLog, type NetworkCounters } from './rejections.ts';
import { Session } from './session.ts';
import { VoucherReceiver } from './vouchers.ts';

export type { Availability, Decline, NetworkClientOptions, NetworkLogger, NetworkStore, NodeCapabilities } from './options.ts';

/** How long stop() waits for running jobs to be stored and reported failed. */
const STOP_SETTLE_MS = 2000;

export class NetworkClient {
  readonly #options: NetworkClientOptions;
  readonly #log: NetworkLogger;
  readonly #now: () => number;
  readonly #counters: NetworkCounters;
  readonly #backoff: Backoff;
  readonly #jobs: JobRunner;
  readonly #vouchers: VoucherReceiver;
  readonly #rejections: RejectionLog;
  readonly #pinScope: string;
  readonly #capacity: () => number;
  #running = false;
  #started = false;
  /** Bumped by every attempt and by stop(): callbacks of an older attempt see it changed and do nothing. */
  #epoch = 0;
  #conversation: Conversation | null = null;
  #retryTimer: NodeJS.Timeout | undefined;
  #reconnectNow = false;
  #manifest: NetworkManifest | null = null;
  #announced: NetworkTerms | null = null;
  #status: Pick<NetworkStatus, 'state' | 'since' | 'lastError' | 'nextRetryAt'>;

  constructor(options: NetworkClientOptions) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#counters = options.counters ?? new CountingCounters();
    this.#backoff = new Backoff(options.backoff);
    this.#pinScope = options.pinScope ?? options.networkUrl;
    this.#rejections = new RejectionLog(this.#log, this.#counters);
    const capacity = options.capacity;
    this.#capacity = typeof capacity === 'number' ? () => capacity : capacity;
    this.#jobs = new JobRunner({
      jobs: options.store.jobs,
      executor: options.executor,
      nodeKey: options.nodeKey,
      capacity: this.#capacity,
      available: options.available,
      offerPolicy: options.offerPolicy ?? (() => null),
      payee: options.payee,
      now: this.#now,
      logger: this.#log,
      counters: this.#counters,
      onJobChanged: (jobId) => options.onJobChanged?.(jobId),
    });
    this.#vouchers = new VoucherReceiver({
      store: options.store,
      now: this.#now,
      onStored: (voucher, payment) => {
        if (payment.stored) options.onVoucherStored?.(voucher);
        for (const jobId of payment.paid) options.onJobChanged?.(jobId);
      },
    });
    this.#status = { state: 'stopped', since: this.#now(), lastError: null, nextRetryAt: null };
  }

  // ---- public -------------------------------------------------------------------------

  /**
   * Starts connecting (and keeps reconnecting until stop()). The first start
   * fails the jobs a previous run left accepted or running (`interrupted`);
   * they are reported after login with every other unacknowledged outcome.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (!this.#started && this.#jobs.inFlight === 0) {
      const interrupted = this.#options.store.jobs.interruptUnfinished(this.#now());
      if (interrupted.length > 0) this.#log.info(`${interrupted.length} jobs were interrupted by the last shutdown; they will be reported failed`);
      for (const jobId of interrupted) this.#options.onJobChanged?.(jobId);
    }
    this.#started = true;
    this.#attemptSoon(0);
  }

  /** Says `paused`, ends running jobs (stored and reported failed), closes with 1000. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#epoch++;
    this.#clearRetry();
    const conversation = this.#conversation;
    if (conversation?.session.loggedIn) conversation.send({ type: 'availability', state: 'paused', reason: 'Hearth is shutting down' });
    this.#jobs.preemptAll(new JobRunFailure('interrupted', 'Hearth is shutting down'));
    // While the socket is still open, so the failures reach the coordinator now rather than at the next start.
    await this.#jobs.settle(STOP_SETTLE_MS);
    this.#conversation = null;
    this.#jobs.attach(null);
    if (conversation) await conversation.session.socket.close(1000, 'shutting down');
    this.#rejections.flush();
    this.#setStatus('stopped', null);
  }

  /** Tells the coordinator the node's availability now; a pause also ends the running jobs (reported failed `paused`). */
  setAvailability(): void {
    const availability = this.#options.available();
    const conversation = this.#conversation;
    if (conversation?.session.loggedIn) conversation.send(availabilityMessage(availability));
    if (availability.state === 'paused') this.#jobs.preemptAll(new JobRunFailure('paused', availability.reason ?? 'paused'));
  }

  /** The wallet's address changed: log in again with it (the coordinator makes vouchers out to the login's payee). */
  payeeChanged(): void {
    const session = this.#conversation?.session;
    if (!session || (!session.loggedIn && session.loginId === null)) return; // the next login reads it anyway
    const payee = this.#options.payee();
    if (payee === session.payee || (payee !== null && session.payee !== null && sameAddress(payee, session.payee))) return;
    this.#reconnect('the payee changed');
  }

  /** The user accepts the terms the network now announces: they become the pin, and the client connects. */
  acceptPayerChange(): NetworkStatus {
    const announced = this.#announced;
    if (announced && this.#status.state === 'payer_changed') {
      writePin(this.#options.store.nodeState, this.#pinScope, announced, this.#now());
      this.#log.info('the new payer was accepted', { ...announced });
      this.#announced = null;
      this.#backoff.reset();
      this.#setStatus(this.#running ? 'connecting' : 'stopped', null);
      if (this.#running) this.#attemptSoon(0);
    }
    return this.status();
  }

  status(): NetworkStatus {
    const payee = this.#conversation?.session.payee ?? this.#options.payee();
    return {
      ...this.#status,
      local: this.#options.local ?? false,
      networkUrl: this.#options.networkUrl,
      coordinatorUrl: this.#manifest?.coordinator ?? null,
      pinned: readPin(this.#options.store.nodeState, this.#pinScope) ?? null,
      announced: this.#announced,
      payee: payee === null ? null : getAddress(payee),
      nodeAddress: this.#options.nodeKey.address,
      inFlight: this.#jobs.inFlight,
    };
  }

  /** The manifest of the current or last connection. */
  manifest(): NetworkManifest | null {
    return this.#manifest;
  }

  // ---- connecting -----------------------------------------------------------------------

  #attemptSoon(delayMs: number): void {
    this.#clearRetry();
    const epoch = ++this.#epoch;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#attempt(epoch).catch((error: unknown) => {
        // Every expected failure is handled inside; this is a bug, and the client must keep going.
        this.#log.error('connecting failed unexpectedly', { error: errorMessage(error) });
        if (this.#isCurrent(epoch)) this.#retry('disconnected', `internal error: ${errorMessage(error)}`, null);
      });
    }, delayMs);
  }

  #isCurrent(epoch: number): boolean {
    return this.#running && this.#epoch === epoch;
  }

  async #attempt(epoch: number): Promise<void> {
    // A state the user must act on stays shown while the client checks again.
    const state = this.#status.state;
    if (state !== 'payer_changed' && state !== 'incompatible') this.#setStatus('connecting', this.#status.lastError);
    let manifest: NetworkManifest;
    try {
      manifest = await fetchManifest(this.#options.networkUrl, {
        ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
        ...(this.#options.manifestTimeoutMs ? { timeoutMs: this.#options.manifestTimeoutMs } : {}),
      });
    } catch (error) {
      if (!this.#isCurrent(epoch)) return;
      const incompatible = error instanceof ManifestError && error.kind === 'incompatible';
      this.#retry(incompatible ? 'incompatible' : 'disconnected', errorMessage(error), null);
      return;
    }
    if (!this.#isCurrent(epoch)) return;
    const terms = termsOf(manifest);
    const verdict = comparePin(readPin(this.#options.store.nodeState, this.#pinScope), terms);
    if (verdict.kind === 'changed') {
      this.#announced = verdict.announced;
      this.#retry('payer_changed', `the network now names payer ${terms.payer} on chain ${terms.chainId} (escrow ${terms.escrow}); it is refused until you accept it`, null);
      return;
    }
    if (verdict.kind === 'first_use') {
      writePin(this.#options.store.nodeState, this.#pinScope, terms, this.#now());
      this.#log.info('pinned the network payer on first use', { ...terms });
    }
    this.#announced = null;
    this.#manifest = manifest;
    // The manifest is one this node can work with: whatever held it back before is over.
    this.#setStatus('connecting', this.#status.lastError);

    let socket: CoordinatorSocket;
    try {
      socket = await CoordinatorSocket.open(manifest.coordinator, { openTimeoutMs: this.#options.openTimeoutMs ?? 10_000 });
    } catch (error) {
      if (this.#isCurrent(epoch)) this.#retry('disconnected', errorMessage(error), null);
      return;
    }
    if (!this.#isCurrent(epoch)) {
      await socket.close(1000, 'not needed');
      return;
    }
    const conversation: Conversation = new Conversation(new Session(socket, this.#options.beforeSend), {
      options: this.#options,
      capacity: this.#capacity,
      manifest,
      terms,
      jobs: this.#jobs,
      vouchers: this.#vouchers,
      rejections: this.#rejections,
      counters: this.#counters,
      log: this.#log,
      now: this.#now,
      isCurrent: () => this.#conversation === conversation,
      isRunning: () => this.#running,
      onLoggedIn: () => this.#setStatus('connected', null),
      onIncompatible: (reason) => this.#setStatus('incompatible', reason),
    });
    this.#conversation = conversation;
    this.#rejections.newConnection();
    // Until `hello` arrives there is no heartbeat to send; a coordinator that says nothing is dropped.
    socket.keepAlive((this.#options.helloTimeoutMs ?? 15_000) / 3, null);
    socket.listen({ onMessage: (data) => conversation.onFrame(data), onClose: (info) => this.#onClose(conversation, info) });
  }

  /** Schedules the next attempt after the backoff delay, showing `state` and `error` meanwhile. */
  #retry(state: 'disconnected' | 'payer_changed' | 'incompatible', error: string, sessionMs: number | null): void {
    if (!this.#running) return;
    const delay = this.#backoff.next(sessionMs);
    const repeated = this.#status.lastError === error && this.#status.state === state;
    this.#setStatus(state, error, this.#now() + delay);
    // The same failure again (a coordinator down for hours) is not news.
    this.#log[repeated ? 'debug' : 'warn'](`not connected to the network: ${error}; retrying in ${delay} ms`);
    this.#attemptSoon(delay);
  }

  #reconnect(why: string): void {
    const conversation = this.#conversation;
    if (!conversation) return;
    this.#log.info(`reconnecting: ${why}`);
    this.#reconnectNow = true;
    conversation.end(why);
  }

  #onClose(conversation: Conversation, info: CloseInfo): void {
    if (this.#conversation !== conversation) return;
    const { session } = conversation;
    this.#conversation = null;
    this.#jobs.attach(null);
    if (info.frameTooLarge) this.#rejections.reject('frame_too_large', 'the coordinator sent a frame over the size limit; the connection was closed');
    if (info.invalidUtf8) this.#rejections.reject('malformed_json', 'the coordinator sent a text frame that is not UTF-8; the connection was closed');
    this.#rejections.flush();
    if (!this.#running) return;
    const lasted = performance.now() - session.openedAt;
    if (this.#reconnectNow) {
      this.#reconnectNow = false;
      this.#setStatus('connecting', null);
      this.#attemptSoon(0);
      return;
    }
    const state = this.#status.state === 'incompatible' ? 'incompatible' : 'disconnected';
    this.#retry(state, session.endReason ?? describeClose(info), session.loggedIn ? lasted : null);
  }

  // ---- helpers -----------------------------------------------------------------------------

  #setStatus(state: NetworkStatus['state'], lastError: string | null, nextRetryAt: number | null = null): void {
    const changed = state !== this.#status.state;
    this.#status = { state, since: changed ? this.#now() : this.#status.since, lastError, nextRetryAt };
    this.#options.onStatus?.(this.status());
  }

  #clearRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
