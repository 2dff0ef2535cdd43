/**
 * The protocol on one connection, after the socket is open: `hello` →
 * signed `login` → `ack` → capabilities, availability and every outcome the
 * coordinator has not acknowledged; then offers, vouchers, answers to our
 * results. Frames are parsed here and bad ones rejected with a typed reason
 * (declined, where an offer names its job); nothing a coordinator sends can
 * throw out of `onFrame`. Connecting and reconnecting are client.ts's.
 */
import { getAddress } from 'viem';
import { loginTypedData, NO_PAYEE } from '../../shared/protocol/eip712.ts';
import { summaryMatchesManifest, type NetworkManifest } from '../../shared/protocol/manifest.ts';
import {
  encodeNodeMessage,
  newMessageId,
  parseCoordinatorMessage,
  PROTOCOL_VERSION,
  type CoordinatorErrorCode,
  type CoordinatorMessageOf,
  type NodeMessageOf,
} from '../../shared/protocol/messages.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { Availability, JobRunner, NetworkContext } from './jobs.ts';
import type { NetworkTerms } from './manifest.ts';
import { triageInvalidOffer } from './offer-check.ts';
import type { NetworkClientOptions, NetworkLogger, NodeCapabilities } from './options.ts';
import { offerRejection, type NetworkCounters, type RejectionLog } from './rejections.ts';
import type { OutgoingMessage, Session } from './session.ts';
import type { VoucherReceiver } from './vouchers.ts';

export interface ConversationDeps {
  options: Pick<NetworkClientOptions, 'nodeKey' | 'payee' | 'capabilities' | 'available'>;
  capacity: () => number;
  /** What this connection was dialled for: the manifest it came from, with its terms. */
  manifest: NetworkManifest;
  terms: NetworkTerms;
  jobs: JobRunner;
  vouchers: VoucherReceiver;
  rejections: RejectionLog;
  counters: NetworkCounters;
  log: NetworkLogger;
  now: () => number;
  /** False once the client stopped or moved on to another connection. */
  isCurrent: () => boolean;
  /** False while the client is stopping (offers are then declined). */
  isRunning: () => boolean;
  onLoggedIn: () => void;
  onIncompatible: (reason: string) => void;
}

export function availabilityMessage(availability: Availability): Omit<NodeMessageOf<'availability'>, 'v' | 'id'> {
  return availability.state === 'paused'
    ? { type: 'availability', state: 'paused', reason: (availability.reason ?? 'paused').slice(0, 256) }
    : { type: 'availability', state: 'running', reason: null };
}

export class Conversation {
  readonly session: Session;
  readonly #deps: ConversationDeps;
  readonly #loggedErrors = new Set<CoordinatorErrorCode>();

  constructor(session: Session, deps: ConversationDeps) {
    this.session = session;
    this.#deps = deps;
  }

  onFrame(data: string | Uint8Array): void {
    // A connection being replaced (a new payee) may still deliver frames: the coordinator re-sends what matters on the new one.
    if (!this.#deps.isCurrent()) return;
    try {
      this.#handle(data);
    } catch (error) {
      // A bug here must not take the connection, or the process, down with it.
      this.#deps.log.error('handling a coordinator message failed', { error: errorMessage(error) });
    }
  }

  /** Closes the connection on our side, remembering why (the status shows it until the next attempt). */
  end(why: string): void {
    this.session.endReason ??= why;
    void this.session.socket.close(1000, why);
  }

  /** Sends, logging (not throwing) a message our own schemas refuse: a bug here, not a reason to drop the connection. */
  send(message: OutgoingMessage): string | null {
    try {
      return this.session.send(message);
    } catch (error) {
      this.#deps.log.error(`a ${message.type} message could not be encoded`, { error: errorMessage(error) });
      return null;
    }
  }

  #handle(data: string | Uint8Array): void {
    const { rejections } = this.#deps;
    const parsed = parseCoordinatorMessage(data);
    if (!parsed.ok) {
      if (parsed.reason === 'schema' && this.session.loggedIn && this.#declineInvalidOffer(data)) return;
      rejections.reject(parsed.reason, parsed.issues.join('; ').slice(0, 500), { ref: parsed.ref });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'hello':
        if (this.session.helloSeen) rejections.reject('out_of_order', 'a second hello on one connection');
        else void this.#login(message);
        return;
      case 'ack':
        this.#onAck(message);
        return;
      case 'error':
        this.#onError(message);
        return;
      case 'offer':
      case 'voucher':
        if (!this.session.loggedIn) rejections.reject('out_of_order', `an ${message.type} before the login was acknowledged`);
        else if (message.type === 'offer') this.#onOffer(message);
        else this.#deps.vouchers.handle(message, this.session, this.#deps.terms, rejections);
        return;
      case 'heartbeat':
        return; // the socket's watchdog already noted that the coordinator is alive
    }
  }

  #onOffer(message: CoordinatorMessageOf<'offer'>): void {
    const { jobs, counters, rejections } = this.#deps;
    if (!this.#deps.isRunning()) {
      // stop() is settling the running jobs on this still-open connection.
      counters.declined('shutting_down');
      this.send({ type: 'decline', jobId: message.offer.jobId, reason: 'shutting_down', message: 'Hearth is shutting down' });
      return;
    }
    jobs.handleOffer(message, this.session, this.#network(), rejections);
  }

  /** The network this connection was dialled for: its jobs are stored under it, and only its jobs are re-sent here. */
  #network(): NetworkContext {
    const { terms, manifest } = this.#deps;
    return { chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, coordinatorUrl: manifest.coordinator };
  }

  /** An offer that broke the schema but names its job: declined with the reason that fits, so the coordinator need not wait. */
  #declineInvalidOffer(data: string | Uint8Array): boolean {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    } catch {
      return false;
    }
    if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'offer') return false;
    const triage = triageInvalidOffer(raw);
    if (!triage) return false;
    this.#deps.counters.declined(triage.reason);
    this.#deps.rejections.reject(offerRejection(triage.reason) ?? 'schema', triage.message, { jobId: triage.jobId });
    this.send({ type: 'decline', jobId: triage.jobId, reason: triage.reason, message: triage.message });
    return true;
  }

  async #login(hello: CoordinatorMessageOf<'hello'>): Promise<void> {
    const { manifest, options, now } = this.#deps;
    this.session.helloSeen = true;
    if (!summaryMatchesManifest(hello.network, manifest)) {
      this.#deps.rejections.reject('network_mismatch', "the coordinator's hello describes another network than its manifest");
      this.end("the coordinator's hello does not match the network manifest");
      return;
    }
    const { nodeKey } = options;
    const payee = options.payee();
    const issuedAt = now();
    let signature: `0x${string}`;
    try {
      signature = await nodeKey.signTypedData(
        loginTypedData(manifest.chainId, { node: nodeKey.address, payee: payee ?? NO_PAYEE, nonce: hello.nonce, issuedAt, coordinator: manifest.coordinator }),
      );
    } catch (error) {
      this.#deps.log.error('the login could not be signed', { error: errorMessage(error) });
      this.end(`the login could not be signed: ${errorMessage(error)}`);
      return;
    }
    if (!this.#deps.isCurrent()) return;
    this.session.payee = payee === null ? null : getAddress(payee);
    this.session.loginId = this.send({ type: 'login', address: nodeKey.address, payee: this.session.payee, nonce: hello.nonce, issuedAt, coordinator: manifest.coordinator, signature });
    this.session.socket.keepAlive(hello.heartbeatMs, () => encodeNodeMessage({ v: PROTOCOL_VERSION, id: newMessageId(), type: 'heartbeat', at: now() }));
  }

  #onAck(ack: CoordinatorMessageOf<'ack'>): void {
    if (!this.session.loggedIn && ack.ref === this.session.loginId) {
      void this.#loggedIn();
      return;
    }
    const answer = this.session.awaiting.get(ack.ref);
    if (!answer) {
      this.#deps.rejections.reject('unknown_ref', 'an ack for no message awaiting one', { ref: ack.ref });
      return;
    }
    this.session.awaiting.delete(ack.ref);
    this.#deps.jobs.acknowledged(answer.jobId);
  }

  async #loggedIn(): Promise<void> {
    const { options, jobs, log } = this.#deps;
    this.session.loggedIn = true;
    this.session.loginId = null;
    this.#deps.onLoggedIn();
    log.info('logged in to the network', { coordinator: this.#deps.manifest.coordinator, payee: this.session.payee });
    let capabilities: NodeCapabilities;
    try {
      capabilities = await options.capabilities();
    } catch (error) {
      log.error('the capabilities could not be read; reconnecting', { error: errorMessage(error) });
      this.end(`the capabilities could not be read: ${errorMessage(error)}`);
      return;
    }
    if (!this.#deps.isCurrent()) return;
    this.session.tasks = capabilities.tasks;
    const maxConcurrentJobs = Math.max(1, Math.min(64, Math.floor(this.#deps.capacity())));
    this.send({ type: 'capabilities', ...capabilities, maxConcurrentJobs });
    this.send(availabilityMessage(options.available()));
    jobs.attach(this.session);
    // Paged: it goes on as the coordinator answers, and ends with the session.
    jobs
      .resendUnreported(this.session, this.#network())
      .then((resent) => {
        if (resent > 0) log.info(`sent ${resent} unacknowledged job outcomes again`);
      })
      .catch((error: unknown) => log.error('sending unacknowledged job outcomes again failed; they are sent at the next login', { error: errorMessage(error) }));
  }

  #onError(error: CoordinatorMessageOf<'error'>): void {
    const { session } = this;
    const answer = error.ref === null ? undefined : session.awaiting.get(error.ref);
    if (error.ref !== null && error.ref === session.loginId) {
      session.endReason = `the coordinator refused the login (${error.code}): ${error.message}`;
    } else if (answer && error.ref !== null) {
      session.awaiting.delete(error.ref);
      if (!this.#deps.jobs.refused(answer, error)) this.#logCoordinatorError(error);
    } else if (error.ref !== null && !session.sentRecently(error.ref)) {
      // It answers nothing this connection sent: counted like an unknown ack, and it says nothing about our version.
      this.#deps.rejections.reject('unknown_ref', `an error (${error.code}) for no message of this connection`, { ref: error.ref });
      if (error.fatal) this.end(`the coordinator ended the session (${error.code}): ${error.message}`);
      return;
    } else {
      this.#logCoordinatorError(error);
    }
    // Only a fatal one ends the session; a connection that goes on working is not incompatible.
    if (error.code === 'unsupported_version' && error.fatal) {
      session.endReason = `the coordinator does not speak this protocol version: ${error.message}`;
      this.#deps.onIncompatible(session.endReason);
    }
    if (error.fatal) this.end(session.endReason ?? `the coordinator ended the session (${error.code}): ${error.message}`);
  }

  /** The coordinator's complaints about what we sent: once per code per connection (a bug of ours would repeat). */
  #logCoordinatorError(error: CoordinatorMessageOf<'error'>): void {
    if (this.#loggedErrors.has(error.code)) return;
    this.#loggedErrors.add(error.code);
    this.#deps.log.warn(`the coordinator reported an error (${error.code}): ${error.message}`, { ref: error.ref, fatal: error.fatal });
  }
}
