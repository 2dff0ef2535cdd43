/**
 * Vouchers from the coordinator: verified for this network's channel (its
 * chain, escrow and payer; our login's payee), never lower than the highest
 * already held, then stored in the same transaction that marks their jobs
 * paid, and only then acknowledged. A voucher that does not verify is
 * counted, logged and not acknowledged; a repeat of the highest one is
 * acknowledged again (the coordinator re-sends it when an ack was lost).
 *
 * What "paid" means for the node's jobs: a voucher of the job's own network
 * names it, and the channel's highest voucher covers it on top of every job
 * paid in the channel before — the highest voucher is what can be claimed, so
 * the paid jobs never add up to more. A voucher is stored (and acknowledged)
 * whatever it names, because its amount is money all the same:
 * - jobs it names but does not cover are paid in its order while it covers
 *   them; the rest stay awaiting a voucher (`voucher_overpays`);
 * - jobs it names that the node does not hold as completed for this network
 *   are not paid (`voucher_unknown_jobs`);
 * - a voucher that raises the channel's amount but pays none of the node's
 *   jobs (it names none, or only jobs already paid or unknown) pays no other
 *   job either: the node cannot tell whose work the rise is for (another node
 *   on the same wallet, jobs this node no longer holds, the rest of a re-send
 *   still to come), and a job is never marked paid without a voucher naming
 *   it. It is counted and logged once (`voucher_unattributed`): the difference
 *   between what the vouchers are worth and what the paid jobs add up to.
 */
import { getAddress } from 'viem';
import { errorMessage } from '../../shared/errors.ts';
import { baseUnitsToString } from '../../shared/money.ts';
import type { CoordinatorMessageOf } from '../../shared/protocol/messages.ts';
import type { Hex, Voucher } from '../../shared/voucher.ts';
import { ofNetwork, type JobsRepository, type VoucherPayment } from '../store/jobs.ts';
import type { StoredVoucher, VoucherChannel, VouchersRepository } from '../store/vouchers.ts';
import { VoucherRejectedError, VoucherVerifier } from '../wallet/vouchers.ts';
import type { NetworkTerms } from './manifest.ts';
import { voucherRejection, type RejectionLog } from './rejections.ts';
import type { Session } from './session.ts';

export interface VoucherStore {
  jobs: Pick<JobsRepository, 'payWithVoucher' | 'get' | 'paidByChannel'>;
  vouchers: Pick<VouchersRepository, 'highest'>;
}

export interface VoucherReceiverOptions {
  store: VoucherStore;
  now: () => number;
  onStored: (voucher: StoredVoucher, payment: VoucherPayment) => void;
}

export class VoucherReceiver {
  readonly #options: VoucherReceiverOptions;
  /** The price total of the jobs paid per channel (channelKey). */
  readonly #paid = new Map<string, bigint>();
  /** One verifier per channel: it holds the channel's precomputed EIP-712 domain. */
  #verifier: { key: string; verifier: VoucherVerifier } | null = null;

  constructor(options: VoucherReceiverOptions) {
    this.#options = options;
  }

  /** Verifies, stores and acknowledges one `voucher` message; returns the payment, or null when it was rejected. */
  handle(message: CoordinatorMessageOf<'voucher'>, session: Session, terms: NetworkTerms, rejections: RejectionLog): VoucherPayment | null {
    const payee = session.payee;
    if (!payee) {
      rejections.reject('voucher_no_payee', 'a voucher arrived for a node that logged in without a payee');
      return null;
    }
    let voucher: Voucher;
    try {
      // The verifier reads the wire form (it parses what it checks). The amount is compared below: an equal one is a repeat, not an error.
      const wire = { ...message.voucher, cumulativeAmount: baseUnitsToString(message.voucher.cumulativeAmount) };
      voucher = this.#verifierFor(terms, payee).verify(wire, undefined);
    } catch (error) {
      // Anything else the check throws is a signature it cannot read: tiny-secp256k1 throws a TypeError for an r that is no curve point.
      const reason = error instanceof VoucherRejectedError ? error.reason : 'bad_signature';
      rejections.reject(voucherRejection(reason), errorMessage(error), { messageId: message.id });
      return null;
    }
    const channel = { chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, payee: getAddress(payee), token: terms.token };
    const highest = this.#options.store.vouchers.highest(channel);
    if (highest && voucher.cumulativeAmount < highest.cumulativeAmount) {
      rejections.reject('voucher_not_increasing', `the voucher's cumulative amount ${voucher.cumulativeAmount} is below the ${highest.cumulativeAmount} already held`, {
        messageId: message.id,
      });
      return null;
    }
    const payable = this.#payable(message.jobIds, channel);
    const paidBefore = this.#paidIn(channel);
    // Every job paid in a channel is paid out of its highest voucher: more than it covers would be earnings the escrow never pays.
    const uncovered = this.#uncovered(payable, voucher.cumulativeAmount - paidBefore);
    if (uncovered.size > 0) {
      rejections.reject(
        'voucher_overpays',
        `the voucher's cumulative amount ${voucher.cumulativeAmount} does not cover ${uncovered.size} of its jobs on top of the ${paidBefore} already paid; they stay unpaid until a voucher covers them`,
        { messageId: message.id },
      );
    }
    const jobIds = uncovered.size === 0 ? message.jobIds : message.jobIds.filter((id) => !uncovered.has(id));
    const payment = this.#options.store.jobs.payWithVoucher(
      { cumulativeAmount: voucher.cumulativeAmount, signature: voucher.signature.toLowerCase() as `0x${string}` },
      channel,
      jobIds,
      this.#options.now(),
    );
    this.#paid.set(channelKey(channel), paidBefore + sum(payment.paid.map((id) => payable.get(id) ?? 0n)));
    if (payment.notPayable.length > 0) {
      rejections.reject('voucher_unknown_jobs', `the voucher names ${payment.notPayable.length} jobs this node does not hold as completed; it is stored all the same`, {
        jobIds: payment.notPayable.slice(0, 5),
      });
    }
    const rise = voucher.cumulativeAmount - (highest?.cumulativeAmount ?? 0n);
    // A voucher too short for the jobs it names is voucher_overpays (above), not a rise nobody can explain.
    if (payment.stored && rise > 0n && payment.paid.length === 0 && uncovered.size === 0) {
      rejections.reject(
        'voucher_unattributed',
        `the voucher raises what can be claimed by ${rise} but pays none of this node's jobs (it names ${message.jobIds.length}: ${payment.alreadyPaid.length} already paid); it is stored all the same`,
        { messageId: message.id },
      );
    }
    this.#options.onStored(payment.voucher, payment);
    // Stored (with its jobs paid) before this ack: the coordinator may forget to re-send it.
    session.send({ type: 'ack', ref: message.id });
    return payment;
  }

  /** The prices of the named jobs a voucher would newly mark paid (completed, of this network), by job id, in the voucher's order. */
  #payable(jobIds: readonly Hex[], channel: VoucherChannel): Map<string, bigint> {
    const payable = new Map<string, bigint>();
    for (const id of jobIds) {
      const job = this.#options.store.jobs.get(id);
      if (job?.state === 'succeeded' && ofNetwork(job, channel)) payable.set(id, job.price);
    }
    return payable;
  }

  /** The payable jobs past what `room` covers, taken in the voucher's order (its oldest first): these stay unpaid. */
  #uncovered(payable: ReadonlyMap<string, bigint>, room: bigint): Set<string> {
    const uncovered = new Set<string>();
    let left = room;
    for (const [id, price] of payable) {
      if (uncovered.size === 0 && price <= left) left -= price;
      else uncovered.add(id);
    }
    return uncovered;
  }

  /** What the node holds as paid in the channel: read once (a scan of the paid jobs), then kept here — this receiver is what pays jobs. */
  #paidIn(channel: VoucherChannel): bigint {
    const key = channelKey(channel);
    let paid = this.#paid.get(key);
    if (paid === undefined) {
      paid = this.#options.store.jobs.paidByChannel().find((held) => channelKey(held.channel) === key)?.total ?? 0n;
      this.#paid.set(key, paid);
    }
    return paid;
  }

  #verifierFor(terms: NetworkTerms, payee: string): VoucherVerifier {
    const key = `${terms.chainId}:${terms.escrow}:${terms.payer}:${payee}`.toLowerCase();
    if (this.#verifier?.key !== key) {
      this.#verifier = { key, verifier: new VoucherVerifier({ chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, provider: getAddress(payee) }) };
    }
    return this.#verifier.verifier;
  }
}

function channelKey(channel: VoucherChannel): string {
  return `${channel.chainId}:${channel.escrow}:${channel.payer}:${channel.payee}:${channel.token}`.toLowerCase();
}

function sum(amounts: Iterable<bigint>): bigint {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
