/**
 * A node's `result` and `failed`, checked and settled in the ledger, and the
 * answer to send: `ack` (also for a repeat: idempotent by jobId) or a
 * non-fatal `error` — `unknown_job` (never offered to this node),
 * `job_expired` (past deadline + grace), `bad_result` (signature, hash or
 * answer wrong: the job is rejected and not paid).
 *
 * A right result is one whose outputs hash to `resultHash`, whose JobResult
 * signature is the session's node key over (jobId, the session's payee or
 * NO_PAYEE, resultHash, the offer's price, completedAt), and that the workload
 * says answers the job.
 */
import { hexToBytes } from 'viem';
import { hashOutputs, jobResultDigest, NO_PAYEE } from '../../../shared/protocol/eip712.ts';
import { newMessageId, PROTOCOL_VERSION, type CoordinatorErrorCode, type CoordinatorMessage, type NodeMessageOf } from '../../../shared/protocol/messages.ts';
import { sameAddress, type Address, type Hex } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { LedgerJob } from '../../store/ledger.ts';
import { recoverSigner } from '../../wallet/vouchers.ts';
import type { CoordinatorContext, NodeLink } from './context.ts';
import type { Dispatcher } from './dispatch.ts';
import { decodeSpec } from './spec.ts';

export type Answer = Extract<CoordinatorMessage, { type: 'ack' | 'error' }>;

export function ack(ref: string): Answer {
  return { v: PROTOCOL_VERSION, type: 'ack', id: newMessageId(), ref };
}

export function errorAnswer(code: CoordinatorErrorCode, message: string, ref: string | null, fatal = false): Answer {
  return { v: PROTOCOL_VERSION, type: 'error', id: newMessageId(), code, message: message.slice(0, 1024), ref, fatal };
}

export class Results {
  readonly #ctx: CoordinatorContext;
  readonly #dispatcher: Dispatcher;
  readonly #credited: (link: NodeLink) => void;

  /** `credited` is told after each right result is in the ledger (the voucher issuer). */
  constructor(ctx: CoordinatorContext, dispatcher: Dispatcher, credited: (link: NodeLink) => void) {
    this.#ctx = ctx;
    this.#dispatcher = dispatcher;
    this.#credited = credited;
  }

  result(link: NodeLink, message: NodeMessageOf<'result'>): Answer {
    const found = this.#find(link, message.jobId, message.id);
    if ('answer' in found) return found.answer;
    const { job } = found;
    const verdict = this.#verify(link, job, message);
    const ledger = this.#ctx.ledger;
    const at = this.#ctx.now();
    if (typeof verdict !== 'string') {
      if (ledger.markSucceeded(job.id, { at, resultHash: message.resultHash, payee: verdict.payee })) {
        this.#ctx.metrics.creditedBaseUnits += job.price;
        this.#dispatcher.settled(job.node, job.id, 'succeeded');
        this.#credited(link);
        return ack(message.id);
      }
    } else if (ledger.markRejected(job.id, { at, resultHash: message.resultHash, reason: verdict.slice(0, 500) })) {
      this.#dispatcher.settled(job.node, job.id, 'rejected');
      return errorAnswer('bad_result', verdict, message.id);
    }
    // Not settled by this call (the ledger refused the change): answer as the ledger now says.
    const now = this.#find(link, message.jobId, message.id);
    return 'answer' in now ? now.answer : errorAnswer('internal', 'the job could not be settled; send the result again', message.id);
  }

  failed(link: NodeLink, message: NodeMessageOf<'failed'>): Answer {
    const found = this.#find(link, message.jobId, message.id, true);
    if ('answer' in found) return found.answer;
    if (this.#ctx.ledger.markFailed(found.job.id, this.#ctx.now(), message.code)) this.#dispatcher.settled(found.job.node, found.job.id, 'failed');
    return ack(message.id);
  }

  /** The job if it is open and in time for this node; otherwise the answer its state calls for. */
  #find(link: NodeLink, jobId: Hex, ref: string, failure = false): { job: LedgerJob } | { answer: Answer } {
    const job = this.#ctx.ledger.job(jobId);
    if (!job || job.node !== link.node) return { answer: errorAnswer('unknown_job', `job ${jobId} was not offered to this node`, ref) };
    switch (job.state) {
      case 'succeeded':
        return { answer: ack(ref) };
      case 'expired':
        return { answer: errorAnswer('job_expired', `job ${jobId} expired (deadline plus grace passed); it is not paid`, ref) };
      case 'rejected':
      case 'failed':
      case 'declined':
        // A failure report after any end changes nothing and is simply acknowledged.
        return { answer: failure ? ack(ref) : errorAnswer('bad_result', `job ${jobId} was ${job.state}${job.detail ? ` (${job.detail})` : ''}; it is not paid`, ref) };
      default:
        break;
    }
    if (this.#ctx.now() > job.deadlineAt + this.#ctx.graceMs) {
      if (this.#ctx.ledger.markExpired(job.id, this.#ctx.now())) this.#dispatcher.settled(job.node, job.id, 'expired');
      return { answer: errorAnswer('job_expired', `job ${jobId} expired (deadline plus grace passed); it is not paid`, ref) };
    }
    return { job };
  }

  /** Why the result is wrong, or — when it is right — the payee it is credited to. */
  #verify(link: NodeLink, job: LedgerJob, message: NodeMessageOf<'result'>): string | { payee: Address | null } {
    if (message.outputs.task !== job.task) return `the outputs are for a ${message.outputs.task} job; this is a ${job.task} job`;
    if (hashOutputs(message.outputs) !== message.resultHash) return 'resultHash is not the hash of the outputs';
    // libsecp256k1 recovery (the wallet's, as for vouchers): ~6× viem's, and results are the coordinator's hot path.
    // It takes low-s signatures with v 27/28 only, which is what viem and ethers make.
    const signerFor = (payee: Address): string =>
      recoverSigner(
        hexToBytes(jobResultDigest(this.#ctx.network.chainId, { jobId: job.id, payee, resultHash: message.resultHash, price: job.price, completedAt: message.completedAt })),
        message.signature,
      );
    let signer: string;
    let payee = link.payee;
    try {
      signer = signerFor(link.payee ?? NO_PAYEE);
      // Signed while the node had no payee, sent after it logged in with one (its wallet was just created): the
      // node's own credit without a payee, which its next voucher covers — as for work done before the wallet.
      if (!sameAddress(signer, link.node) && link.payee !== null && sameAddress(signerFor(NO_PAYEE), link.node)) {
        signer = link.node;
        payee = null;
      }
    } catch (error) {
      return `the signature cannot be read: ${errorMessage(error)}`;
    }
    if (!sameAddress(signer, link.node)) return `the result is signed by ${signer}, not this node's key (payee and price must be the login's and the offer's)`;
    const demo = this.#dispatcher.demoJob(job.id) ?? decodeSpec(this.#ctx.ledger.jobSpec(job.id), this.#ctx.workload.models);
    if (!demo) return 'the coordinator no longer holds what checking this job needs';
    try {
      const check = this.#ctx.workload.check(demo, message.outputs);
      return check.ok ? { payee } : `wrong answer: ${check.reason}`;
    } catch (error) {
      // The interface says check() never throws; a bug there must not pay a result it could not check.
      return `the answer could not be checked: ${errorMessage(error)}`;
    }
  }
}
