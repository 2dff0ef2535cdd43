/**
 * Vouchers from the coordinator: verified for this network's channel (its
 * chain, escrow and payer; our login's payee), never lower than the highest
 * already held, then stored in the same transaction that marks their jobs
 * paid, and only then acknowledged. A voucher that does not verify is
 * counted, logged and not acknowledged; a repeat of the highest one is
 * acknowledged again (the coordinator re-sends it when an ack was lost).
 */
import { getAddress } from 'viem';
import { baseUnitsToString } from '../../shared/money.ts';
import type { CoordinatorMessageOf } from '../../shared/protocol/messages.ts';
import type { Voucher } from '../../shared/voucher.ts';
import type { JobsRepository, VoucherPayment } from '../store/jobs.ts';
import type { StoredVoucher, VouchersRepository } from '../store/vouchers.ts';
import { VoucherRejectedError, VoucherVerifier } from '../wallet/vouchers.ts';
import type { NetworkTerms } from './manifest.ts';
import { voucherRejection, type RejectionLog } from './rejections.ts';
import type { Session } from './session.ts';

export interface VoucherStore {
  jobs: Pick<JobsRepository, 'payWithVoucher'>;
  vouchers: Pick<VouchersRepository, 'highest'>;
}

export interface VoucherReceiverOptions {
  store: VoucherStore;
  now: () => number;
  onStored: (voucher: StoredVoucher, payment: VoucherPayment) => void;
}

export class VoucherReceiver {
  readonly #options: VoucherReceiverOptions;
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
      if (error instanceof VoucherRejectedError) {
        rejections.reject(voucherRejection(error.reason), error.message, { messageId: message.id });
        return null;
      }
      throw error;
    }
    const channel = { chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, payee: getAddress(payee), token: terms.token };
    const highest = this.#options.store.vouchers.highest(channel);
    if (highest && voucher.cumulativeAmount < highest.cumulativeAmount) {
      rejections.reject('voucher_not_increasing', `the voucher's cumulative amount ${voucher.cumulativeAmount} is below the ${highest.cumulativeAmount} already held`, {
        messageId: message.id,
      });
      return null;
    }
    const payment = this.#options.store.jobs.payWithVoucher(
      { cumulativeAmount: voucher.cumulativeAmount, signature: voucher.signature.toLowerCase() as `0x${string}` },
      channel,
      message.jobIds,
      this.#options.now(),
    );
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

  #verifierFor(terms: NetworkTerms, payee: string): VoucherVerifier {
    const key = `${terms.chainId}:${terms.escrow}:${terms.payer}:${payee}`.toLowerCase();
    if (this.#verifier?.key !== key) {
      this.#verifier = { key, verifier: new VoucherVerifier({ chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, provider: getAddress(payee) }) };
    }
    return this.#verifier.verifier;
  }
}
