/**
 * The life of a job on this node, with the order that makes it exactly-once:
 * an offer is checked, stored as accepted, THEN accepted on the wire; it runs
 * in the executor; its result hash and result message are stored, THEN the
 * result is sent (or its failure stored, THEN `failed` sent); the
 * coordinator's ack marks it reported. A crash between any two steps leaves a
 * row that start-up (interruptUnfinished) and the next login (unreported)
 * finish. A stored result goes out on a session whose login named another
 * payee (a wallet created or changed since it was signed) only signed again
 * for that payee, replacing the stored one first. Vouchers are vouchers.ts.
 */
import { getAddress, type LocalAccount } from 'viem';
import { jobResultTypedData, hashOutputs, NO_PAYEE } from '../../shared/protocol/eip712.ts';
import {
  encodeNodeMessage,
  MAX_TEXT_CHARS,
  newMessageId,
  parseNodeMessage,
  PROTOCOL_VERSION,
  type CoordinatorErrorCode,
  type CoordinatorMessageOf,
  type FailureCode,
  type NodeMessage,
  type Offer,
} from '../../shared/protocol/messages.ts';
import { errorMessage } from '../../shared/errors.ts';
import { sameAddress, type Address } from '../../shared/voucher.ts';
import type { JobNetwork, JobsRepository, StoredJob, StoredResult, UnreportedPage } from '../store/jobs.ts';
import { failureOf, isFailureCode, type JobExecutor, type JobRun, type JobRunFailure } from './executor.ts';
import { checkOffer, type Decline } from './offer-check.ts';
import { offerRejection, type NetworkCounters, type RejectionLog } from './rejections.ts';
import type { Session } from './session.ts';

export type JobStore = Pick<
  JobsRepository,
  'acceptJob' | 'get' | 'markRunning' | 'succeed' | 'replaceResult' | 'fail' | 'rejectResult' | 'markReported' | 'unreported'
>;

export interface Availability {
  state: 'running' | 'paused';
  reason: string | null;
}

export interface JobLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a job needs from the network it came from: who it is (chain, escrow, payer) and where its coordinator is. */
export interface NetworkContext extends JobNetwork {
  coordinatorUrl: string;
}

/**
 * The re-send after a login goes a page at a time and holds back while this
 * many messages wait for their answer, or while this much is queued on the
 * socket: the coordinator answers in order, so a window keeps it busy, and a
 * node with 50,000 results from a long outage holds neither all of them in
 * memory nor all of them in the socket's buffer. The rest follow as answers arrive.
 */
export const RESEND_WINDOW = 64;
export const RESEND_BUFFERED_BYTES = 1024 * 1024;
/** Rows read from the store at once (a result frame may be megabytes). */
export const RESEND_PAGE = 16;

export interface JobRunnerOptions {
  jobs: JobStore;
  executor: JobExecutor;
  nodeKey: LocalAccount;
  capacity: () => number;
  available: () => Availability;
  offerPolicy: (offer: Offer) => Decline | null;
  /** The payee for results signed while no session is logged in. */
  payee: () => Address | null;
  now: () => number;
  logger: JobLogger;
  counters: NetworkCounters;
  onJobChanged: (jobId: string) => void;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/** Whether a stored job is the one an offer describes (a repeated offer), not another job under the same id. */
function sameJob(held: StoredJob, offer: Offer): boolean {
  return held.price === offer.price && held.modelSha256 === offer.model.sha256 && held.task === offer.task && held.deadlineAt === offer.deadlineAt;
}

/** Coordinator errors that settle a result for good: the job is not paid. */
const REFUSALS: readonly CoordinatorErrorCode[] = ['bad_result', 'job_expired', 'unknown_job'];

export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #inFlight = new Map<string, InFlight>();
  /** The session results are sent on; null while disconnected (they are sent after the next login). */
  #session: Session | null = null;
  /** The re-send waiting for room (an answer, or the session's end). */
  #wakers: (() => void)[] = [];

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The logged-in session, or null while there is none. */
  attach(session: Session | null): void {
    this.#session = session;
    this.#wake();
  }

  // ---- offers ------------------------------------------------------------------------

  handleOffer(message: CoordinatorMessageOf<'offer'>, session: Session, network: NetworkContext, rejections: RejectionLog): void {
    const { offer } = message;
    const { jobs, now, counters } = this.#options;
    // A repeat is answered as before: the job is ours already (running, or done and reported on its own).
    // The same id with other terms is not a repeat: it is declined, and the job we hold is left as it is.
    const held = jobs.get(offer.jobId);
    if (held) {
      if (sameJob(held, offer)) session.send({ type: 'accept', jobId: offer.jobId });
      else {
        counters.declined('duplicate');
        session.send({ type: 'decline', jobId: offer.jobId, reason: 'duplicate', message: 'this job id was accepted before with other terms' });
      }
      return;
    }
    const decline = this.#decline(offer, session, network);
    if (decline) {
      counters.declined(decline.reason);
      const rejection = offerRejection(decline.reason);
      if (rejection) rejections.reject(rejection, decline.message, { jobId: offer.jobId });
      session.send({ type: 'decline', jobId: offer.jobId, reason: decline.reason, message: decline.message.slice(0, MAX_TEXT_CHARS) });
      return;
    }
    const { created } = jobs.acceptJob({
      id: offer.jobId,
      coordinator: network.coordinatorUrl,
      task: offer.task,
      modelId: offer.model.id,
      modelSha256: offer.model.sha256,
      price: offer.price,
      acceptedAt: now(),
      deadlineAt: offer.deadlineAt,
      payer: getAddress(offer.payer),
      chainId: network.chainId,
      escrow: network.escrow,
      offerId: message.id,
    });
    session.send({ type: 'accept', jobId: offer.jobId });
    if (created) this.#start(offer, network);
  }

  #decline(offer: Offer, session: Session, network: NetworkContext): Decline | null {
    const checked = checkOffer(offer, { now: this.#options.now(), chainId: network.chainId, payer: network.payer, tasks: session.tasks });
    if (checked) return checked;
    const availability = this.#options.available();
    if (availability.state === 'paused') return { reason: 'paused', message: availability.reason ?? 'paused' };
    const policy = this.#options.offerPolicy(offer);
    if (policy) return policy;
    if (this.#inFlight.size >= this.#options.capacity()) return { reason: 'busy', message: `already running ${this.#inFlight.size} jobs` };
    return null;
  }

  // ---- running -----------------------------------------------------------------------------

  #start(offer: Offer, network: NetworkContext): void {
    const controller = new AbortController();
    const done = this.#run(offer, network, controller.signal)
      .catch((error: unknown) => this.#options.logger.error('a job ended unexpectedly', { jobId: offer.jobId, error: errorMessage(error) }))
      .finally(() => {
        this.#inFlight.delete(offer.jobId);
        this.#options.onJobChanged(offer.jobId);
      });
    this.#inFlight.set(offer.jobId, { controller, done });
    this.#options.onJobChanged(offer.jobId);
  }

  async #run(offer: Offer, network: NetworkContext, signal: AbortSignal): Promise<void> {
    this.#options.jobs.markRunning(offer.jobId, this.#options.now());
    this.#options.onJobChanged(offer.jobId);
    let run: JobRun;
    try {
      run = await this.#options.executor.run({ offer, signal });
    } catch (error) {
      this.#fail(offer.jobId, failureOf(error));
      return;
    }
    try {
      await this.#succeed(offer, network, run);
    } catch (error) {
      // Outputs that break the wire schema (too large, malformed) or a signing failure: nothing was stored as succeeded.
      this.#fail(offer.jobId, { code: 'internal', message: `the result could not be prepared: ${errorMessage(error)}` });
    }
  }

  async #succeed(offer: Offer, network: NetworkContext, run: JobRun): Promise<void> {
    const { jobs, now, nodeKey, counters } = this.#options;
    const resultHash = hashOutputs(run.outputs);
    const completedAt = now();
    // The payee of the session the result goes out on (the coordinator checks it against that login), not the
    // wallet's: a wallet just written to disk is visible before the node logs in again with it.
    const session = this.#session;
    const payee = (session ? session.payee : this.#options.payee()) ?? NO_PAYEE;
    const signature = await nodeKey.signTypedData(jobResultTypedData(network.chainId, { jobId: offer.jobId, payee, resultHash, price: offer.price, completedAt }));
    const id = newMessageId();
    const message: NodeMessage = {
      v: PROTOCOL_VERSION,
      id,
      type: 'result',
      jobId: offer.jobId,
      outputs: run.outputs,
      resultHash,
      completedAt,
      signature,
      metrics: { durationMs: run.durationMs, executionProvider: run.executionProvider },
    };
    const frame = encodeNodeMessage(message);
    // Stored first: a result that reaches the coordinator is always one the node can account for.
    const stored = { at: completedAt, resultHash, executionProvider: run.executionProvider, durationMs: run.durationMs, messageId: id, frame, payee };
    if (!jobs.succeed(offer.jobId, stored)) return;
    counters.jobFinished('succeeded', { code: null, durationMs: run.durationMs });
    this.#options.onJobChanged(offer.jobId);
    // Another session may have logged in (a new wallet) while it was signed: #sendResult signs it again for that one.
    // And one may log in while it is signed again: the re-send after that login skipped this job (still running),
    // so it goes out on the newest session here, not at the login after (maybe past its deadline).
    let current = this.#session;
    while (current && !(await this.#sendResult(current, network, { id: offer.jobId, price: offer.price }, { messageId: id, frame, payee }))) {
      if (this.#session === current) break;
      current = this.#session;
    }
  }

  /**
   * Sends a stored result on `session`. One signed for another payee than the
   * session's login — a wallet created or changed since — is refused by the
   * coordinator, and the work would go unpaid: it is signed again for the
   * session's payee (same hash, price and completedAt) and stored in place of
   * the old message before it is sent. Returns whether it was sent.
   */
  async #sendResult(session: Session, network: JobNetwork, job: { id: string; price: bigint }, result: StoredResult): Promise<boolean> {
    const payee = session.payee ?? NO_PAYEE;
    let frame = result.frame;
    if (result.payee === null || !sameAddress(result.payee, payee)) {
      try {
        frame = await this.#signAgain(network.chainId, job, result.frame, payee);
      } catch (error) {
        this.#options.logger.error('a stored result could not be signed for the new payee; it is sent again at the next login', { jobId: job.id, error: errorMessage(error) });
        return false;
      }
      // Acknowledged, refused or paid meanwhile: nothing left to send.
      if (!this.#options.jobs.replaceResult(job.id, { messageId: result.messageId, frame, payee })) return false;
    }
    return session.sendFrame(frame, { type: 'result', id: result.messageId, jobId: job.id }, { kind: 'result', jobId: job.id });
  }

  /** The stored result message with its JobResult signed for `payee`: everything else as stored, the message id too. */
  async #signAgain(chainId: number, job: { id: string; price: bigint }, frame: string, payee: Address): Promise<string> {
    const parsed = parseNodeMessage(frame);
    if (!parsed.ok || parsed.message.type !== 'result' || parsed.message.jobId !== job.id) throw new Error('the stored result message is not a result for this job');
    const { message } = parsed;
    const fields = { jobId: message.jobId, payee, resultHash: message.resultHash, price: job.price, completedAt: message.completedAt };
    const signature = await this.#options.nodeKey.signTypedData(jobResultTypedData(chainId, fields));
    return encodeNodeMessage({ ...message, signature });
  }

  #fail(jobId: string, failure: { code: FailureCode; message: string }): void {
    if (!this.#options.jobs.fail(jobId, { at: this.#options.now(), ...failure })) return;
    this.#options.counters.jobFinished('failed', { code: failure.code, durationMs: null });
    this.#options.onJobChanged(jobId);
    this.#session?.sendFailure(jobId, failure.code, failure.message);
  }

  /** Ends every running job with `failure` (a pause, a quit); they are stored failed and reported. */
  preemptAll(failure: JobRunFailure): void {
    for (const job of this.#inFlight.values()) job.controller.abort(failure);
  }

  /** Resolves when every running job has finished or `timeoutMs` passed. */
  async settle(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight.values()].map((job) => job.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  // ---- answers ------------------------------------------------------------------------------

  /** The coordinator acknowledged a result or failure. */
  acknowledged(jobId: string): void {
    this.#wake();
    if (this.#options.jobs.markReported(jobId, this.#options.now())) this.#options.onJobChanged(jobId);
  }

  /** The coordinator answered a result or failure with an error. Returns whether it settled the job. */
  refused(answer: { kind: 'result' | 'failed'; jobId: string }, error: CoordinatorMessageOf<'error'>): boolean {
    this.#wake();
    if (!REFUSALS.includes(error.code)) return false;
    const { jobs, now, counters, logger } = this.#options;
    if (answer.kind === 'failed') {
      // Nothing more to say about a failure the coordinator no longer wants.
      jobs.markReported(answer.jobId, now());
      return true;
    }
    if (jobs.rejectResult(answer.jobId, { at: now(), code: error.code, message: error.message })) {
      counters.jobFinished('rejected', { code: error.code, durationMs: null });
      logger.warn('the coordinator refused a result; the job is not paid', { jobId: answer.jobId, code: error.code, message: error.message });
      this.#options.onJobChanged(answer.jobId);
    }
    return true;
  }

  /**
   * After login: every result and failure of this network the coordinator has
   * not acknowledged, sent again (but those already sent on this session, as
   * they ended). A page at a time, within RESEND_WINDOW and
   * RESEND_BUFFERED_BYTES; stops when the session ends (the next login starts
   * over). Resolves to how many were sent.
   */
  async resendUnreported(session: Session, network: NetworkContext): Promise<number> {
    const { jobs, now, logger } = this.#options;
    let after: UnreportedPage['after'] = null;
    let sent = 0;
    for (;;) {
      const page = jobs.unreported(network, { after, limit: RESEND_PAGE });
      if (page.length === 0) return sent;
      for (const { job, result } of page) {
        after = { finishedAt: job.finishedAt ?? Number.MIN_SAFE_INTEGER, id: job.id };
        if (!(await this.#room(session))) return sent;
        // Sent on this session as it ended, or answered while we waited: nothing to send.
        if (this.#inFlight.has(job.id) || session.awaitingJob(job.id) || jobs.get(job.id)?.reportedAt !== null) continue;
        if (result) {
          if (await this.#sendResult(session, network, job, result)) sent++;
        } else if (job.state === 'failed') {
          const code = isFailureCode(job.errorCode) ? job.errorCode : 'internal';
          if (session.sendFailure(job.id, code, job.errorMessage ?? code)) sent++;
        } else {
          // A result without its stored message cannot be sent again: settle it instead of retrying forever.
          logger.warn('a result to report has no stored message; it is marked reported', { jobId: job.id });
          jobs.markReported(job.id, now());
        }
      }
    }
  }

  /** Waits until the re-send may send one more on `session`; false once results no longer go out on it. */
  async #room(session: Session): Promise<boolean> {
    for (;;) {
      if (this.#session !== session || !session.socket.isOpen) return false;
      const waiting = session.awaiting.size;
      // With nothing waiting for an answer nothing would wake us: one more goes, whatever the buffer holds.
      if (waiting === 0 || (waiting < RESEND_WINDOW && session.socket.bufferedAmount < RESEND_BUFFERED_BYTES)) return true;
      // Each waiting message is answered (acknowledged / refused) or its session ends (attach): both wake this.
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }

  #wake(): void {
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
