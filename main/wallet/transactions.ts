import {
  keccak256,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type Transport,
} from 'viem';
import type { ChainTx, ChainTxKind, ChainTxState, NewChainTx } from '../../shared/chain-tx.ts';
import { errorMessage } from '../../shared/errors.ts';

/** What the sender needs from the store (ChainTxsRepository fits). */
export interface TxRecords {
  insertSigned(tx: NewTx): ChainTx;
  get(hash: string): ChainTx | undefined;
  open(): ChainTx[];
  highestNonce(chainId: number, from: string): number | undefined;
  setState(hash: string, state: ChainTxState, details?: { blockNumber?: number | null; blockHash?: string | null; error?: string | null }): boolean;
}

export type NewTx = NewChainTx;

export interface TxRequest {
  kind: ChainTxKind;
  to: Address;
  data?: Hex;
  value?: bigint;
  /** What moves to the user (the claim's payout, the withdrawal's amount), for the record. */
  amount: bigint;
  detail: Record<string, unknown>;
  /** Gas limit already estimated by the caller (withdrawals quote it first); estimated here otherwise. */
  gas?: bigint;
  /** Fees already quoted to the user: signed exactly (never re-estimated between quote and signature). */
  fees?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

/** Polls in a row that must agree before a transaction counts as replaced. */
const REPLACED_AFTER_POLLS = 3;

export class TransactionError extends Error {
  override name = 'TransactionError';
}

export interface TransactionSenderOptions {
  client: PublicClient<Transport, Chain>;
  records: TxRecords;
  /** Blocks on top of (and including) the transaction's before it counts as final. */
  confirmations: number;
  /** Polygon PoS refuses priority fees under 25 gwei; other chains take the node's estimate. */
  minPriorityFee?: bigint;
  onChange?: (tx: ChainTx) => void;
  now?: () => number;
}

/**
 * Signs, records, broadcasts and follows transactions for one chain:
 *
 * - one queue: transactions from the wallet are signed one at a time, each with
 *   the next nonce (the chain's pending count or past our own unfinished ones);
 * - recorded as "signed" (raw bytes and hash) BEFORE broadcast: after a crash
 *   `resume()` finds it and re-broadcasts the same bytes — never a new
 *   signature, so it can land at most once;
 * - followed to a receipt, then counted to N confirmations; the block hash is
 *   stored and re-checked, so a reorg that drops it sends it back to "sent"
 *   (the same bytes are broadcast again) instead of leaving a false "confirmed";
 * - "failed" when it reverted, "replaced" when another transaction took its
 *   nonce.
 */
export class TransactionSender {
  readonly #client: PublicClient<Transport, Chain>;
  readonly #records: TxRecords;
  readonly #confirmations: number;
  readonly #minPriorityFee: bigint;
  readonly #onChange: (tx: ChainTx) => void;
  #queue: Promise<unknown> = Promise.resolve();
  /** Polls in a row on which a transaction's nonce was taken while its receipt was missing. */
  readonly #nonceSuspicion = new Map<string, number>();

  constructor(options: TransactionSenderOptions) {
    this.#client = options.client;
    this.#records = options.records;
    this.#confirmations = options.confirmations;
    this.#minPriorityFee = options.minPriorityFee ?? 0n;
    this.#onChange = options.onChange ?? (() => undefined);
  }

  get chainId(): number {
    return this.#client.chain.id;
  }

  get confirmations(): number {
    return this.#confirmations;
  }

  /** Signs, records and broadcasts one transaction; resolves once it is recorded and sent (not mined). */
  send(account: LocalAccount, request: TxRequest): Promise<ChainTx> {
    const run = this.#queue.then(() => this.#send(account, request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #send(account: LocalAccount, request: TxRequest): Promise<ChainTx> {
    const chainId = this.chainId;
    const from = account.address;
    const pending = await this.#client.getTransactionCount({ address: from, blockTag: 'pending' });
    const ours = this.#records.highestNonce(chainId, from);
    const nonce = Math.max(pending, ours === undefined ? 0 : ours + 1);
    const gas =
      request.gas ??
      (await this.#client.estimateGas({ account: from, to: request.to, data: request.data, value: request.value ?? 0n }));
    const fees = request.fees ?? (await this.fees());
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId,
      nonce,
      to: request.to,
      data: request.data,
      value: request.value ?? 0n,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    let tx = this.#records.insertSigned({
      chainId,
      kind: request.kind,
      from,
      to: request.to,
      amount: request.amount,
      nonce,
      hash: keccak256(raw),
      raw,
      detail: request.detail,
      maxFee: gas * fees.maxFeePerGas,
    });
    // Signing is deterministic: a retry with the same nonce and fees is the very transaction that was
    // refused before broadcast. It is now being sent again, so its record must be followed again.
    if (tx.state === 'failed' && tx.blockHash === null) tx = this.#set(tx, 'signed', { error: null });
    else this.#onChange(tx);
    return this.#broadcast(tx);
  }

  /** EIP-1559 fees with headroom for two blocks of base-fee growth; the tip floor applied. */
  async fees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const estimate = await this.#client.estimateFeesPerGas({ type: 'eip1559' });
    const tip = estimate.maxPriorityFeePerGas < this.#minPriorityFee ? this.#minPriorityFee : estimate.maxPriorityFeePerGas;
    const maxFeePerGas = estimate.maxFeePerGas - estimate.maxPriorityFeePerGas + tip;
    return { maxFeePerGas, maxPriorityFeePerGas: tip };
  }

  async #broadcast(tx: ChainTx): Promise<ChainTx> {
    try {
      await this.#client.sendRawTransaction({ serializedTransaction: tx.raw });
    } catch (error) {
      // Already in the pool or already mined (a re-broadcast after a crash): the receipt check settles it.
      const known = await this.#client.getTransaction({ hash: tx.hash }).catch(notFound(TransactionNotFoundError));
      if (!known) {
        const message = errorMessage(error);
        if (isDefinitive(message)) return this.#set(tx, 'failed', { error: `not sent: ${message}` });
        // "nonce too low": this very transaction may already be mined (an endpoint behind the one that took
        // it), or another took the nonce. Followed as sent; #follow decides, carefully, which it was.
        if (/nonce too low/i.test(message)) return tx.state === 'signed' ? this.#set(tx, 'sent') : tx;
        // Signed and recorded: it is broadcast again on every check and after restarts. Answered as what it is — a
        // transaction on its way — never as a failure the user would "retry" into a second transaction.
        return this.#set(tx, tx.state, { error: `broadcast failed, retrying: ${message}` });
      }
    }
    return tx.state === 'signed' ? this.#set(tx, 'sent', { error: null }) : tx;
  }

  /**
   * After a restart: every transaction that is not final is broadcast again
   * (the same bytes) and followed. Safe to call any number of times.
   */
  async resume(): Promise<void> {
    for (const tx of this.#records.open()) {
      if (tx.chainId !== this.chainId) continue;
      if (tx.state === 'signed') await this.#broadcast(tx).catch(() => undefined);
    }
    await this.poll();
  }

  /** Moves every open transaction on this chain forward as far as the chain allows. */
  async poll(): Promise<ChainTx[]> {
    const open = this.#records.open().filter((tx) => tx.chainId === this.chainId);
    if (open.length === 0) return [];
    const head = await this.#client.getBlockNumber({ cacheTime: 0 });
    const changed: ChainTx[] = [];
    for (const tx of open) {
      const next = await this.#follow(tx, head);
      if (next.state !== tx.state || next.blockHash !== tx.blockHash) changed.push(next);
    }
    return changed;
  }

  /** How many blocks confirm a mined transaction (0 when not mined), at `head`. */
  confirmationsOf(tx: Pick<ChainTx, 'blockNumber' | 'state'>, head: bigint): number {
    if (tx.blockNumber === null || (tx.state !== 'mined' && tx.state !== 'confirmed')) return 0;
    return Math.max(0, Number(head - BigInt(tx.blockNumber)) + 1);
  }

  async #follow(tx: ChainTx, head: bigint): Promise<ChainTx> {
    const receipt = await this.#client.getTransactionReceipt({ hash: tx.hash }).catch(notFound(TransactionReceiptNotFoundError));
    if (!receipt) {
      if (tx.state === 'mined') {
        // The block that held it is gone (a reorg): back to the pool with the same bytes.
        const back = this.#set(tx, 'sent', { blockNumber: null, blockHash: null });
        return this.#broadcast(back).catch(() => back);
      }
      const pooled = await this.#client.getTransaction({ hash: tx.hash }).catch(notFound(TransactionNotFoundError));
      if (pooled) return tx;
      if (await this.#nonceTakenByAnother(tx, head)) {
        return this.#set(tx, 'replaced', { error: `nonce ${tx.nonce} was used by another transaction` });
      }
      return this.#broadcast(tx).catch(() => tx);
    }
    this.#nonceSuspicion.delete(tx.hash);
    const blockNumber = Number(receipt.blockNumber);
    const canonical = await this.#client.getBlock({ blockNumber: receipt.blockNumber }).catch(() => null);
    if (canonical && canonical.hash !== receipt.blockHash) return tx; // node mid-reorg; look again next poll
    const confirmations = Number(head - receipt.blockNumber) + 1;
    const final = confirmations >= this.#confirmations;
    // A revert is final only once its block is (a reorg could still replay it differently).
    const error = receipt.status === 'reverted' ? 'reverted on chain' : null;
    const state: ChainTxState = !final ? 'mined' : error ? 'failed' : 'confirmed';
    if (state === tx.state && receipt.blockHash === tx.blockHash && error === tx.error) return tx;
    return this.#set(tx, state, { blockNumber, blockHash: receipt.blockHash, error });
  }

  /**
   * Whether another transaction took this one's nonce: only concluded when the
   * nonce has been used for N blocks and this transaction's receipt is still
   * missing on several polls in a row (re-read after the nonce) — a single
   * "not found" from one backend of a load-balanced endpoint proves nothing.
   */
  async #nonceTakenByAnother(tx: ChainTx, head: bigint): Promise<boolean> {
    const depth = BigInt(this.#confirmations - 1);
    const settled = head > depth ? head - depth : 0n;
    const taken = await this.#client.getTransactionCount({ address: tx.from, blockNumber: settled });
    if (taken <= tx.nonce) {
      this.#nonceSuspicion.delete(tx.hash);
      return false;
    }
    const again = await this.#client.getTransactionReceipt({ hash: tx.hash }).catch(notFound(TransactionReceiptNotFoundError));
    if (again) return false;
    const seen = (this.#nonceSuspicion.get(tx.hash) ?? 0) + 1;
    this.#nonceSuspicion.set(tx.hash, seen);
    return seen >= REPLACED_AFTER_POLLS;
  }

  #set(
    tx: ChainTx,
    state: ChainTxState,
    details: { blockNumber?: number | null; blockHash?: string | null; error?: string | null } = {},
  ): ChainTx {
    const blockNumber = details.blockNumber === undefined ? tx.blockNumber : details.blockNumber;
    const blockHash = details.blockHash === undefined ? tx.blockHash : details.blockHash;
    const error = details.error === undefined ? tx.error : details.error;
    this.#records.setState(tx.hash, state, { blockNumber, blockHash, error });
    const next = this.#records.get(tx.hash) ?? { ...tx, state, blockNumber, blockHash: blockHash as Hex | null, error };
    this.#onChange(next);
    return next;
  }
}

/**
 * "Not found" is an answer (null); any other failure (the RPC endpoint down,
 * a timeout) is not, and must not be read as "the transaction is gone".
 */
function notFound(kind: abstract new (...args: never[]) => Error): (error: unknown) => null {
  return (error) => {
    if (error instanceof kind) return null;
    throw error;
  };
}

/** Rejections after which the same bytes can never be accepted (versus a node that is down or busy). */
function isDefinitive(message: string): boolean {
  return /insufficient funds|doesn't have enough funds|intrinsic gas|exceeds block gas limit|invalid sender|fee cap less than block base fee/i.test(
    message,
  );
}
