/**
 * Vouchers from the coordinator: verified for this network's channel (its
 * chain, escrow and payer; our login's payee), never lower than the highest
 * already held, then stored in the same transaction that marks their jobs
 * paid, and only then acknowledged. A voucher that does not verify is
 * counted, logged and not acknowledged; a repeat of the highest one is
 * acknowledged again (the coordinator re-sends it when an ack was lost).
 * One that names jobs its amount does not cover is stored, but marks none
 * of them paid.
 */
import { getAddress } from 'viem';
import { errorMessage } from '../../shared/errors.ts';
import { baseUnitsToString } from '../../shared/money.ts';
import type { CoordinatorMessageOf } from '../../shared/protocol/messages.ts';
import { sameAddress, type Hex, type Voucher } from '../../shared/voucher.ts';
import type { JobsRepository, VoucherPayment } from '../store/jobs.ts';
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
    let jobIds: readonly Hex[] = message.jobIds;
    if (paidBefore + sum(payable.values()) > voucher.cumulativeAmount) {
      // Every job paid in a channel is paid out of its highest voucher: more than it covers would be earnings the escrow never pays.
      rejections.reject('voucher_overpays', `the voucher's cumulative amount ${voucher.cumulativeAmount} does not cover its jobs on top of the ${paidBefore} already paid; none of them is marked paid`, {
        messageId: message.id,
      });
      jobIds = [];
    }
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
    this.#options.onStored(payment.voucher, payment);
    // Stored (with its jobs paid) before this ack: the coordinator may forget to re-send it.
    session.send({ type: 'ack', ref: message.id });
    return payment;
  }

  /** The prices of the named jobs a voucher would newly mark paid (completed, for this payer), by job id. */
  #payable(jobIds: readonly Hex[], channel: VoucherChannel): Map<string, bigint> {
    const payable = new Map<string, bigint>();
    for (const id of jobIds) {
      const job = this.#options.store.jobs.get(id);
      if (job?.state === 'succeeded' && sameAddress(job.payer, channel.payer)) payable.set(id, job.price);
    }
    return payable;
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
