import { getAddress, type Address, type Chain, type PublicClient, type Transport } from 'viem';
import type { ChainTx } from '../../shared/chain-tx.ts';
import { errorMessage } from '../../shared/errors.ts';
import { formatBaseUnits } from '../../shared/money.ts';
import type { Voucher } from '../../shared/voucher.ts';
import type { Balances, ChainTxView, Earnings, WalletNetwork, WalletStatus, WithdrawalQuote } from '../../shared/wallet.ts';
import { rpcHost, type ChainProfile } from './chains.ts';
import { PayoutError, Payouts, type PaymentTerms, type VoucherLookup } from './payouts.ts';
import { TransactionSender, type TxRecords } from './transactions.ts';
import { VoucherVerifier } from './vouchers.ts';
import { WalletError } from './errors.ts';
import type { Wallet } from './wallet.ts';

/** Within this long before an announced withdrawal is ready (and after), Hearth keeps claiming what is owed. */
const ANNOUNCEMENT_URGENT_MS = 60 * 60 * 1000;
const CLAIM_WHILE_LEAVING_MS = 10 * 60 * 1000;

/** The chain the wallet works on, and (once known) the escrow it is paid through. */
export interface PaymentNetwork {
  profile: ChainProfile;
  client: PublicClient<Transport, Chain>;
  rpcUrl: string | null;
  terms: PaymentTerms | null;
  token: { symbol: string; decimals: number } | null;
}

export interface VoucherRecords extends VoucherLookup {
  insert(voucher: {
    chainId: number;
    escrow: Address;
    payer: Address;
    payee: Address;
    token: Address;
    cumulativeAmount: bigint;
    signature: `0x${string}`;
    receivedAt: number;
  }): { id: number };
  count(channel: { chainId: number; escrow: Address; payer: Address; payee: Address; token: Address }): number;
}

export interface AutoClaimSettings {
  autoClaim: boolean;
  autoClaimThreshold: bigint;
}

export interface WalletServiceOptions {
  keys: Wallet;
  records: TxRecords & { recent(limit: number): ChainTx[] };
  vouchers: VoucherRecords;
  autoClaim: () => AutoClaimSettings;
  onStatus?: (status: WalletStatus) => void;
  onTransaction?: (tx: ChainTxView) => void;
  onEarnings?: () => void;
  log?: (level: 'info' | 'warn', message: string) => void;
  now?: () => number;
  /** How often open transactions, the escrow position and auto-claim are checked. */
  pollMs?: number;
}

/**
 * The wallet as the node uses it: keys (Wallet), the chain (PaymentNetwork),
 * vouchers, claims, withdrawals and auto-claim. Keys stay inside: callers get
 * addresses, statuses and transaction records.
 */
export class WalletService {
  readonly keys: Wallet;
  readonly #records: WalletServiceOptions['records'];
  readonly #vouchers: VoucherRecords;
  readonly #autoClaim: () => AutoClaimSettings;
  readonly #onStatus: (status: WalletStatus) => void;
  readonly #onTransaction: (tx: ChainTxView) => void;
  readonly #onEarnings: () => void;
  readonly #log: (level: 'info' | 'warn', message: string) => void;
  readonly #now: () => number;
  readonly #pollMs: number;
  #network: PaymentNetwork | null = null;
  #networkProblem: string | null = null;
  #sender: TransactionSender | null = null;
  #payouts: Payouts | null = null;
  #head = 0n;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | null = null;
  #lastProblem = '';
  /** Something the user must do for payouts to continue (e.g. unlock before the payer leaves). */
  #attention: string | null = null;
  /** Per payer: the withdrawal announcement (its ready time) already claimed against, and when. */
  readonly #announcementsSeen = new Map<string, number>();
  readonly #lastLeavingClaim = new Map<string, number>();
  #closed = false;

  constructor(options: WalletServiceOptions) {
    this.keys = options.keys;
    this.#records = options.records;
    this.#vouchers = options.vouchers;
    this.#autoClaim = options.autoClaim;
    this.#onStatus = options.onStatus ?? (() => undefined);
    this.#onTransaction = options.onTransaction ?? (() => undefined);
    this.#onEarnings = options.onEarnings ?? (() => undefined);
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#pollMs = options.pollMs ?? 2_000;
    this.keys.onChange(() => {
      const status = this.status();
      this.#onStatus(status);
      if (status.state === 'unlocked') this.#kick();
    });
  }

  /** Works on `network` from now on: resumes its unfinished transactions and starts following it. */
  async attachNetwork(attached: PaymentNetwork): Promise<void> {
    // One spelling of every address (EIP-55), so stored vouchers are always found again by their channel.
    const network: PaymentNetwork = attached.terms
      ? {
          ...attached,
          terms: {
            chainId: attached.terms.chainId,
            escrow: getAddress(attached.terms.escrow),
            token: getAddress(attached.terms.token),
            payer: getAddress(attached.terms.payer),
          },
        }
      : attached;
    this.#network = network;
    this.#networkProblem = null;
    this.#sender = new TransactionSender({
      client: network.client,
      records: this.#records,
      confirmations: network.profile.confirmations,
      minPriorityFee: network.profile.minPriorityFee,
      onChange: (tx) => this.#onTransaction(this.#view(tx)),
    });
    this.#payouts = new Payouts({
      client: network.client,
      sender: this.#sender,
      vouchers: this.#vouchers,
      openTxs: () => this.#records.open(),
      opStack: network.profile.opStack,
      protectedAddresses: network.terms ? [network.terms.escrow] : [],
    });
    this.#onStatus(this.status());
    await this.#sender.resume().catch((error: unknown) => this.#problem(`resuming transactions failed: ${errorMessage(error)}`));
    this.#schedule();
  }

  /** Stops following the current chain (the settings named another). */
  detachNetwork(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#network = null;
    this.#sender = null;
    this.#payouts = null;
    this.#onStatus(this.status());
  }

  /** The chain could not be reached: shown in the status until a connection succeeds. */
  setNetworkProblem(problem: string): void {
    this.#networkProblem = `the wallet's chain is not connected: ${problem}`;
    this.#onStatus(this.status());
  }

  status(): WalletStatus {
    try {
      return { ...this.keys.status(), problem: this.#networkProblem ?? this.#attention, network: this.#networkView() };
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      return {
        state: 'unreadable',
        address: null,
        source: null,
        hasPhrase: false,
        keychain: { kind: 'none', description: '' },
        problem: error.message,
        network: this.#networkView(),
      };
    }
  }

  #networkView(): WalletNetwork | null {
    const network = this.#network;
    if (!network) return null;
    const { chain } = network.profile;
    return {
      preset: network.profile.preset,
      chainId: chain.id,
      name: chain.name,
      rpcHost: rpcHost(network.profile, network.rpcUrl),
      nativeSymbol: chain.nativeCurrency.symbol,
      nativeDecimals: chain.nativeCurrency.decimals,
      explorerUrl: chain.blockExplorers?.default.url ?? null,
      escrow: network.terms?.escrow ?? null,
      payer: network.terms?.payer ?? null,
      token: network.terms && network.token ? { address: network.terms.token, ...network.token } : null,
      confirmations: network.profile.confirmations,
    };
  }

  /**
   * Checks a voucher from the payer and stores it when it passes; throws a
   * VoucherRejectedError (stored nowhere) otherwise. A repeat of a stored
   * voucher is returned as stored (idempotent).
   */
  acceptVoucher(input: unknown): { voucher: Voucher; id: number } {
    const { terms } = this.#requireNetwork();
    const provider = this.#address();
    const channel = { chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, payee: getAddress(provider), token: terms.token };
    const highest = this.#vouchers.highest(channel);
    const verifier = new VoucherVerifier({ ...terms, provider });
    const signature = typeof input === 'object' && input !== null ? (input as { signature?: unknown }).signature : undefined;
    if (highest && typeof signature === 'string' && signature.toLowerCase() === highest.signature) {
      return { voucher: verifier.verify(input, undefined), id: highest.id };
    }
    const voucher = verifier.verify(input, highest?.cumulativeAmount);
    const stored = this.#vouchers.insert({ ...channel, cumulativeAmount: voucher.cumulativeAmount, signature: voucher.signature.toLowerCase() as `0x${string}`, receivedAt: this.#now() });
    this.#onEarnings();
    this.#kick();
    return { voucher, id: stored.id };
  }

  /** Vouchers were stored by someone else (the network client, in the transaction that pays their jobs): show them, and claim if due. */
  vouchersStored(): void {
    if (this.#closed) return;
    this.#onEarnings();
    this.#kick();
  }

  async balances(): Promise<Balances> {
    const network = this.#requireChain();
    const payouts = this.#requirePayouts();
    const { native, token, blockNumber } = await payouts.balances(this.#address(), network.terms?.token ?? null);
    return { native, token, blockNumber: blockNumber.toString(), at: this.#now() };
  }

  async earnings(): Promise<Earnings> {
    const network = this.#network;
    if (!network?.terms) return { payers: [], chainError: null };
    const terms = network.terms;
    const provider = this.#address();
    const channel = { chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, payee: provider, token: terms.token };
    const highest = this.#vouchers.highest(channel);
    const earned = highest?.cumulativeAmount ?? 0n;
    const base = {
      payer: terms.payer,
      escrow: terms.escrow,
      chainId: terms.chainId,
      vouchers: this.#vouchers.count(channel),
      earned,
      lastVoucherAt: highest?.receivedAt ?? null,
    };
    try {
      const position = await this.#requirePayouts().position(terms, provider);
      const unclaimed = earned > position.claimed ? earned - position.claimed : 0n;
      return { payers: [{ ...base, claimed: position.claimed, unclaimed, deposit: position.deposit, withdrawal: position.withdrawal }], chainError: null };
    } catch (error) {
      return {
        payers: [{ ...base, claimed: 0n, unclaimed: earned, deposit: 0n, withdrawal: null }],
        chainError: `the chain could not be read (${errorMessage(error)}): claimed amounts are unknown`,
      };
    }
  }

  transactions(limit: number): ChainTxView[] {
    return this.#records.recent(limit).map((tx) => this.#view(tx));
  }

  async claim(): Promise<ChainTxView> {
    const { terms } = this.#requireNetwork();
    const tx = await this.#requirePayouts().claim(this.keys.account(), terms);
    return this.#view(tx);
  }

  async quoteWithdrawal(request: { asset: 'native' | 'token'; to: Address; amount: bigint | 'max' }): Promise<WithdrawalQuote> {
    const network = this.#requireChain();
    const quote = await this.#requirePayouts().quoteWithdrawal(this.#address(), { ...request, token: network.terms?.token ?? null });
    return { asset: quote.asset, to: quote.to, amount: quote.amount, gasLimit: quote.gasLimit, maxFeePerGas: quote.maxFeePerGas, maxFee: quote.maxFee };
  }

  /** Sends money out of the wallet; the passphrase is checked again first. */
  async withdraw(request: {
    asset: 'native' | 'token';
    to: Address;
    amount: bigint | 'max';
    passphrase: string;
    maxFee?: bigint | undefined;
  }): Promise<ChainTxView> {
    const network = this.#requireChain();
    // Decrypting the key file again is the check; it neither unlocks a locked wallet nor replaces the signer.
    await this.keys.verifyPassphrase(request.passphrase);
    const tx = await this.#requirePayouts().withdraw(this.keys.account(), {
      asset: request.asset,
      to: request.to,
      amount: request.amount,
      token: network.terms?.token ?? null,
      ...(request.maxFee === undefined ? {} : { confirmedMaxFee: request.maxFee }),
    });
    return this.#view(tx);
  }

  /** One pass: follow open transactions, then claim if the threshold is passed or the payer is leaving. */
  async poll(): Promise<void> {
    if (this.#polling) return this.#polling;
    this.#polling = this.#pollOnce().finally(() => (this.#polling = null));
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    const sender = this.#sender;
    const payouts = this.#payouts;
    const network = this.#network;
    if (!sender || !payouts || !network) return;
    try {
      this.#head = await network.client.getBlockNumber({ cacheTime: 0 });
      await sender.poll();
      await this.#autoClaimPass(payouts, network);
      this.#lastProblem = '';
    } catch (error) {
      this.#problem(`wallet check failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Auto-claim. By threshold (the user's setting), and because the payer is
   * leaving: an announced withdrawal is claimed against once when first seen,
   * then again as its ready time nears and while it can be carried out — at
   * most every CLAIM_WHILE_LEAVING_MS, so a busy node does not pay gas per job.
   * A locked wallet cannot sign: that is said in the status and the log.
   */
  async #autoClaimPass(payouts: Payouts, network: PaymentNetwork): Promise<void> {
    const terms = network.terms;
    // One read of the key file per pass (a locked wallet's status reads it from disk).
    const status = this.status();
    const provider = status.address;
    if (!terms || !provider || !payouts.highestVoucher(terms, provider) || payouts.openClaim(terms)) return this.#setAttention(null);
    const { owed, payable, position } = await payouts.claimable(terms, provider);
    if (payable === 0n) return this.#setAttention(null);
    const now = this.#now();
    const withdrawal = position.withdrawal;
    const key = `${terms.chainId}:${terms.payer}`;
    const leaving =
      withdrawal !== null &&
      (this.#announcementsSeen.get(key) !== withdrawal.readyAt ||
        (withdrawal.readyAt - now < ANNOUNCEMENT_URGENT_MS && now - (this.#lastLeavingClaim.get(key) ?? 0) >= CLAIM_WHILE_LEAVING_MS));
    const settings = this.#autoClaim();
    const byThreshold = settings.autoClaim && owed >= settings.autoClaimThreshold;
    if (!leaving && !byThreshold) return this.#setAttention(null);
    if (status.state !== 'unlocked') {
      return this.#setAttention(
        withdrawal
          ? `The payer announced a withdrawal from escrow (ready ${new Date(withdrawal.readyAt).toUTCString()}): unlock the wallet so Hearth can claim the ${this.#amount(owed)} still owed first.`
          : `${this.#amount(owed)} are waiting to be claimed: unlock the wallet to let auto-claim run.`,
      );
    }
    this.#setAttention(null);
    try {
      const tx = await payouts.claim(this.keys.account(), terms);
      if (withdrawal) {
        this.#announcementsSeen.set(key, withdrawal.readyAt);
        this.#lastLeavingClaim.set(key, now);
      }
      this.#log('info', `auto-claim: ${leaving ? 'the payer announced a withdrawal from escrow' : 'the unclaimed amount passed your threshold'}; claiming ${tx.amount} base units (${tx.hash})`);
    } catch (error) {
      if (!(error instanceof PayoutError)) throw error;
      this.#problem(`auto-claim skipped: ${error.message}`);
    }
  }

  #amount(value: bigint): string {
    const token = this.#network?.token;
    return token ? `${formatBaseUnits(value, token.decimals)} ${token.symbol}` : `${value} base units`;
  }

  #setAttention(message: string | null): void {
    if (message === this.#attention) return;
    this.#attention = message;
    if (message) this.#log('warn', message);
    this.#onStatus(this.status());
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      void this.poll().finally(() => this.#schedule());
    }, this.#pollMs);
    this.#timer.unref();
  }

  /** Checks soon (a voucher arrived, the wallet was unlocked) instead of at the next tick. */
  #kick(): void {
    if (this.#closed || !this.#network) return;
    queueMicrotask(() => void this.poll());
  }

  #problem(message: string): void {
    // Logged once per distinct problem, not on every poll.
    if (message === this.#lastProblem) return;
    this.#lastProblem = message;
    this.#log('warn', message);
  }

  #view(tx: ChainTx): ChainTxView {
    const confirmations = this.#sender?.confirmationsOf(tx, this.#head > 0n ? this.#head : BigInt(tx.blockNumber ?? 0)) ?? 0;
    return {
      id: tx.id,
      chainId: tx.chainId,
      kind: tx.kind,
      asset: tx.kind === 'withdrawal' && tx.detail['asset'] === 'native' ? 'native' : 'token',
      from: tx.from,
      to: tx.kind === 'withdrawal' && typeof tx.detail['recipient'] === 'string' ? (tx.detail['recipient'] as Address) : tx.to,
      amount: tx.amount,
      nonce: tx.nonce,
      hash: tx.hash,
      state: tx.state,
      blockNumber: tx.blockNumber,
      confirmations,
      error: tx.error,
      maxFee: tx.maxFee,
      createdAt: tx.createdAt,
      updatedAt: tx.updatedAt,
    };
  }

  #address(): Address {
    const address = this.status().address;
    if (!address) throw new PayoutError('no_wallet', 'there is no wallet yet: create or import one first');
    return address;
  }

  #requireChain(): PaymentNetwork {
    if (!this.#network) throw new PayoutError('no_network', 'the wallet is not connected to a chain yet');
    return this.#network;
  }

  #requireNetwork(): PaymentNetwork & { terms: PaymentTerms } {
    const network = this.#requireChain();
    if (!network.terms) throw new PayoutError('no_network', 'no escrow is known for this chain yet (the network has not told the node)');
    return network as PaymentNetwork & { terms: PaymentTerms };
  }

  #requirePayouts(): Payouts {
    if (!this.#payouts) throw new PayoutError('no_network', 'the wallet is not connected to a chain yet');
    return this.#payouts;
  }
}
