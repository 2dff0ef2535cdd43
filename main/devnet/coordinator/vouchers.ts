/**
 * Vouchers: the payer's signature over what a payee has earned in total.
 *
 * - Cumulative per (payer, payee) channel on this chain and escrow; each new
 *   voucher adds the prices of one node's credited jobs not yet vouchered
 *   (earned for this payee, or while the node had none).
 * - At most one per node every `intervalMs`, issued once a right result is
 *   credited and the node has a payee. Vouchers of one payee are made one at a
 *   time (several nodes may share a wallet), so cumulative amounts never fork.
 * - Stored in the ledger with their jobs before they are sent; a voucher the
 *   node never acked is covered again at its next login: the payee's latest
 *   voucher is re-sent with the jobs of every voucher it did not ack.
 *
 * A voucher message's id names the ledger vouchers whose jobs it carries
 * (`voucher:<first>-<last>:<random>`), so the node's ack can be matched
 * after a reconnect or a coordinator restart without remembering anything.
 */
import { randomBytes } from 'node:crypto';
import { getAddress } from 'viem';
import { MAX_VOUCHER_JOBS, PROTOCOL_VERSION, type CoordinatorMessageOf } from '../../../shared/protocol/messages.ts';
import { voucherDomain, voucherTypes, type Address, type Hex } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { LedgerVoucher, UnackedVoucher } from '../../store/ledger.ts';
import type { CoordinatorContext, NodeLink } from './context.ts';

const VOUCHER_REF = /^voucher:(\d{1,15})-(\d{1,15}):[0-9a-f]{1,32}$/;

export function voucherMessageId(first: number, last: number): string {
  return `voucher:${first}-${last}:${randomBytes(6).toString('hex')}`;
}

/** The voucher ids a voucher message's id names ([0, 0] for one that carried no jobs), or undefined for another message's id. */
export function voucherRange(ref: string): [number, number] | undefined {
  const match = VOUCHER_REF.exec(ref);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

interface NodeState {
  timer?: NodeJS.Timeout;
  lastAt: number;
  running: boolean;
  again: boolean;
}

export class VoucherIssuer {
  readonly #ctx: CoordinatorContext;
  readonly #live: (node: Address) => NodeLink | undefined;
  readonly #intervalMs: number;
  readonly #track: (work: Promise<unknown>) => void;
  readonly #nodes = new Map<Address, NodeState>();
  readonly #payeeLocks = new Map<Address, Promise<void>>();
  #closed = false;

  /** `live` finds the node's current session; `track` lets close() wait for a voucher being signed and stored. */
  constructor(ctx: CoordinatorContext, live: (node: Address) => NodeLink | undefined, intervalMs: number, track: (work: Promise<unknown>) => void) {
    this.#ctx = ctx;
    this.#live = live;
    this.#intervalMs = intervalMs;
    this.#track = track;
  }

  /** A right result of this node was credited. */
  credited(link: NodeLink): void {
    if (link.payee) this.#schedule(link.node);
  }

  /** The node's session is ready: re-send what it never acked, then voucher any credit waiting for a payee. */
  ready(link: NodeLink): void {
    if (!link.payee) return;
    this.#resend(link, link.payee);
    this.#schedule(link.node);
  }

  /** The node's `ack`: true when it answered a voucher message (those vouchers need not be sent again). */
  acked(link: NodeLink, ref: string): boolean {
    const range = voucherRange(ref);
    if (!range) return false;
    const [first, last] = range;
    if (link.payee && first > 0 && first <= last) this.#ctx.ledger.ackVouchers(link.node, link.payee, first, last, this.#ctx.now());
    return true;
  }

  close(): void {
    this.#closed = true;
    for (const state of this.#nodes.values()) clearTimeout(state.timer);
  }

  #schedule(node: Address): void {
    if (this.#closed) return;
    let state = this.#nodes.get(node);
    if (!state) {
      state = { lastAt: -Infinity, running: false, again: false };
      this.#nodes.set(node, state);
    }
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer) return;
    const delay = Math.max(0, state.lastAt + this.#intervalMs - this.#ctx.monotonic());
    const scheduled = state;
    state.timer = setTimeout(() => {
      scheduled.timer = undefined;
      this.#track(this.#issue(node, scheduled));
    }, delay);
    state.timer.unref();
  }

  async #issue(node: Address, state: NodeState): Promise<void> {
    if (this.#closed) return;
    state.running = true;
    try {
      const link = this.#live(node);
      const payee = link?.payee;
      if (payee) await this.#forPayee(payee, () => this.#issueTo(node, payee, state));
    } catch (error) {
      this.#ctx.log('error', `issuing a voucher for node ${node} failed (tried again later): ${errorMessage(error)}`);
      state.again = true;
    } finally {
      state.running = false;
      state.lastAt = this.#ctx.monotonic();
      if (state.again) {
        state.again = false;
        this.#schedule(node);
      }
    }
  }

  async #issueTo(node: Address, payee: Address, state: NodeState): Promise<void> {
    const ledger = this.#ctx.ledger;
    const draft = ledger.draftVoucher(node, payee, MAX_VOUCHER_JOBS);
    if (!draft) return;
    const signature = await this.#ctx.payer.signTypedData({
      domain: voucherDomain(this.#ctx.network.chainId, this.#ctx.network.escrow),
      types: voucherTypes,
      primaryType: 'Voucher',
      message: { payer: this.#ctx.payer.address, provider: getAddress(payee), cumulativeAmount: draft.cumulative },
    });
    if (this.#closed) return; // not stored, so never sent: nothing is lost
    // In the ledger before it goes out: what was signed is never forgotten.
    const voucher = ledger.recordVoucher(draft, signature, this.#ctx.now());
    this.#ctx.metrics.vouchersIssued += 1;
    this.#ctx.metrics.voucheredBaseUnits += voucher.amount;
    if (draft.jobIds.length >= MAX_VOUCHER_JOBS) state.again = true;
    // Not ready yet (or gone): the re-send at its next ready point carries it.
    const link = this.#live(node);
    if (link?.ready && link.payee === payee) link.send(voucherMessage(voucher, draft.jobIds, voucher.id, voucher.id));
  }

  /** Runs `work` after every earlier voucher of this payee is done: one channel, one cumulative sequence. */
  #forPayee(payee: Address, work: () => Promise<void>): Promise<void> {
    const previous = this.#payeeLocks.get(payee) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.#payeeLocks.set(payee, tail);
    void tail.then(() => {
      if (this.#payeeLocks.get(payee) === tail) this.#payeeLocks.delete(payee);
    });
    return run;
  }

  #resend(link: NodeLink, payee: Address): void {
    const latest = this.#ctx.ledger.latestVoucher(payee);
    if (!latest) return;
    const chunks = chunkByJobs(this.#ctx.ledger.unackedVouchers(link.node, payee));
    if (chunks.length === 0) chunks.push({ first: 0, last: 0, jobIds: [] });
    for (const chunk of chunks) {
      if (link.send(voucherMessage(latest, chunk.jobIds, chunk.first, chunk.last))) this.#ctx.metrics.vouchersResent += 1;
    }
  }
}

/** Unacked vouchers grouped so that no message carries more than MAX_VOUCHER_JOBS jobIds (a voucher never has more). */
function chunkByJobs(vouchers: readonly UnackedVoucher[]): { first: number; last: number; jobIds: Hex[] }[] {
  const chunks: { first: number; last: number; jobIds: Hex[] }[] = [];
  for (const voucher of vouchers) {
    const current = chunks.at(-1);
    if (current && current.jobIds.length + voucher.jobIds.length <= MAX_VOUCHER_JOBS) {
      current.last = voucher.id;
      current.jobIds.push(...voucher.jobIds);
    } else {
      chunks.push({ first: voucher.id, last: voucher.id, jobIds: [...voucher.jobIds] });
    }
  }
  return chunks;
}

function voucherMessage(voucher: LedgerVoucher, jobIds: Hex[], first: number, last: number): CoordinatorMessageOf<'voucher'> {
  return {
    v: PROTOCOL_VERSION,
    type: 'voucher',
    id: voucherMessageId(first, last),
    voucher: {
      chainId: voucher.chainId,
      escrow: getAddress(voucher.escrow),
      payer: getAddress(voucher.payer),
      provider: getAddress(voucher.payee),
      cumulativeAmount: voucher.cumulative,
      signature: voucher.signature,
    },
    jobIds,
  };
}
