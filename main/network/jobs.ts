/**
 * The life of a job on this node, with the order that makes it exactly-once:
 * an offer is checked, stored as accepted, THEN accepted on the wire; it runs
 * in the executor; its result hash and result message are stored, THEN the
 * result is sent (or its failure stored, THEN `failed` sent); the
 * coordinator's ack marks it reported. A crash between any two steps leaves a
 * row that start-up (interruptUnfinished) and the next login (unreported)
 * finish. Vouchers are vouchers.ts.
 */
import { getAddress, type LocalAccount } from 'viem';
import { jobResultTypedData, hashOutputs, NO_PAYEE } from '../../shared/protocol/eip712.ts';
import {
  encodeNodeMessage,
  MAX_TEXT_CHARS,
  newMessageId,
  PROTOCOL_VERSION,
  type CoordinatorErrorCode,
  type CoordinatorMessageOf,
  type FailureCode,
  type NodeMessage,
  type Offer,
} from '../../shared/protocol/messages.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { Address } from '../../shared/voucher.ts';
import type { JobsRepository, StoredJob } from '../store/jobs.ts';
import { failureOf, isFailureCode, type JobExecutor, type JobRun, type JobRunFailure } from './executor.ts';
import { checkOffer, type Decline } from './offer-check.ts';
import { offerRejection, type NetworkCounters, type RejectionLog } from './rejections.ts';
import type { Session } from './session.ts';

export type JobStore = Pick<
  JobsRepository,
  'acceptJob' | 'get' | 'markRunning' | 'succeed' | 'fail' | 'rejectResult' | 'markReported' | 'unreported'
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

/** What a job needs from the network it came from. */
export interface NetworkContext {
  chainId: number;
  payer: Address;
  coordinatorUrl: string;
}

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

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The logged-in session, or null while there is none. */
  attach(session: Session | null): void {
    this.#session = session;
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
    if (!jobs.succeed(offer.jobId, { at: completedAt, resultHash, executionProvider: run.executionProvider, durationMs: run.durationMs, messageId: id, frame })) return;
    counters.jobFinished('succeeded', { code: null, durationMs: run.durationMs });
    this.#options.onJobChanged(offer.jobId);
    this.#session?.sendFrame(frame, { type: 'result', id, jobId: offer.jobId }, { kind: 'result', jobId: offer.jobId });
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
    if (this.#options.jobs.markReported(jobId, this.#options.now())) this.#options.onJobChanged(jobId);
  }

  /** The coordinator answered a result or failure with an error. Returns whether it settled the job. */
  refused(answer: { kind: 'result' | 'failed'; jobId: string }, error: CoordinatorMessageOf<'error'>): boolean {
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

  /** After login: every result and failure of this network the coordinator has not acknowledged, sent again. */
  resendUnreported(session: Session, payer: Address): number {
    const { jobs, now, logger } = this.#options;
    let sent = 0;
    for (const { job, result } of jobs.unreported(payer)) {
      if (this.#inFlight.has(job.id)) continue;
      if (result) {
        session.sendFrame(result.frame, { type: 'result', id: result.messageId, jobId: job.id }, { kind: 'result', jobId: job.id });
        sent++;
      } else if (job.state === 'failed') {
        const code = isFailureCode(job.errorCode) ? job.errorCode : 'internal';
        session.sendFailure(job.id, code, job.errorMessage ?? code);
        sent++;
      } else {
        // A result without its stored message cannot be sent again: settle it instead of retrying forever.
        logger.warn('a result to report has no stored message; it is marked reported', { jobId: job.id });
        jobs.markReported(job.id, now());
      }
    }
    return sent;
  }
}
