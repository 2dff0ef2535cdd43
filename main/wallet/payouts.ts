import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  erc20Abi,
  type Address,
  type Chain,
  type LocalAccount,
  type PublicClient,
  type Transport,
} from 'viem';
import type { ChainTx } from '../../shared/chain-tx.ts';
import { escrowAbi } from '../../shared/contracts.ts';
import { sameAddress } from '../../shared/voucher.ts';
import type { WithdrawalQuote } from '../../shared/wallet.ts';
import { estimateL1Fee } from 'viem/op-stack';
import type { TransactionSender } from './transactions.ts';

/** The GasPriceOracle predeploy, at the same address on every OP Stack chain. */
const OP_GAS_PRICE_ORACLE = '0x420000000000000000000000000000000000000F';

/** The escrow this wallet is paid through: chain, contract, its token, and the payer whose vouchers it holds. */
export interface PaymentTerms {
  chainId: number;
  escrow: Address;
  token: Address;
  payer: Address;
}

/** The highest stored voucher of a channel (VouchersRepository fits). */
export interface VoucherLookup {
  highest(channel: { chainId: number; escrow: Address; payer: Address; payee: Address; token: Address }):
    | { id: number; cumulativeAmount: bigint; signature: `0x${string}`; receivedAt: number }
    | undefined;
  count?(channel: { chainId: number; escrow: Address; payer: Address; payee: Address; token: Address }): number;
}

export interface OnChainPosition {
  /** What the escrow has paid this provider on the payer's vouchers so far. */
  claimed: bigint;
  /** The payer's deposit. */
  deposit: bigint;
  withdrawal: { amount: bigint; readyAt: number } | null;
}

/** A request the wallet turned down before signing anything, with a reason a person can act on. */
export class PayoutError extends Error {
  override name = 'PayoutError';
  readonly reason:
    | 'nothing_to_claim'
    | 'deposit_empty'
    | 'insufficient_balance'
    | 'insufficient_gas'
    | 'reverted'
    | 'no_voucher'
    | 'no_wallet'
    | 'no_network'
    | 'fee_changed'
    | 'bad_recipient';
  constructor(reason: PayoutError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * Claims (vouchers → tokens through the escrow) and withdrawals (tokens or the
 * native coin → the user's own address). Every check that can fail is made
 * before anything is signed: the sender records what it signs.
 */
export class Payouts {
  readonly #client: PublicClient<Transport, Chain>;
  readonly #sender: TransactionSender;
  readonly #vouchers: VoucherLookup;
  readonly #openTxs: () => ChainTx[];
  readonly #opStack: boolean;
  readonly #protected: Address[];
  /** One claim per channel at a time: a click and an auto-claim must not both sign one. */
  readonly #claiming = new Map<string, Promise<ChainTx>>();

  constructor(options: {
    client: PublicClient<Transport, Chain>;
    sender: TransactionSender;
    vouchers: VoucherLookup;
    openTxs: () => ChainTx[];
    /** OP Stack chains (Base) charge an L1 data fee on top of gas: quotes include it. */
    opStack?: boolean;
    /** Addresses money must never be sent to by a withdrawal (the escrow). */
    protectedAddresses?: Address[];
  }) {
    this.#opStack = options.opStack ?? false;
    this.#protected = options.protectedAddresses ?? [];
    this.#client = options.client;
    this.#sender = options.sender;
    this.#vouchers = options.vouchers;
    this.#openTxs = options.openTxs;
  }

  async position(terms: PaymentTerms, provider: Address): Promise<OnChainPosition> {
    const [claimed, deposit, pending] = await Promise.all([
      this.#client.readContract({ address: terms.escrow, abi: escrowAbi, functionName: 'claimed', args: [terms.payer, provider] }),
      this.#client.readContract({ address: terms.escrow, abi: escrowAbi, functionName: 'balanceOf', args: [terms.payer] }),
      this.#client.readContract({ address: terms.escrow, abi: escrowAbi, functionName: 'pendingWithdrawal', args: [terms.payer] }),
    ]);
    const [amount, readyAt] = pending;
    return { claimed, deposit, withdrawal: readyAt === 0n ? null : { amount, readyAt: Number(readyAt) * 1000 } };
  }

  highestVoucher(terms: PaymentTerms, provider: Address): ReturnType<VoucherLookup['highest']> {
    return this.#vouchers.highest({ chainId: terms.chainId, escrow: terms.escrow, payer: terms.payer, payee: provider, token: terms.token });
  }

  /** A claim of this channel that is signed but not final yet, if any: claiming again would only waste gas. */
  openClaim(terms: PaymentTerms): ChainTx | undefined {
    return this.#openTxs().find(
      (tx) =>
        tx.kind === 'claim' &&
        tx.chainId === terms.chainId &&
        sameAddress(tx.to, terms.escrow) &&
        typeof tx.detail['payer'] === 'string' &&
        sameAddress(tx.detail['payer'], terms.payer),
    );
  }

  /** What a claim would pay now: the highest voucher minus what was claimed, capped by the deposit. */
  async claimable(terms: PaymentTerms, provider: Address): Promise<{ owed: bigint; payable: bigint; position: OnChainPosition }> {
    const voucher = this.highestVoucher(terms, provider);
    const position = await this.position(terms, provider);
    const owed = voucher && voucher.cumulativeAmount > position.claimed ? voucher.cumulativeAmount - position.claimed : 0n;
    return { owed, payable: owed < position.deposit ? owed : position.deposit, position };
  }

  /**
   * Redeems the highest voucher. Returns the claim already under way when
   * there is one (never two claims of the same voucher in flight).
   */
  claim(account: LocalAccount, terms: PaymentTerms): Promise<ChainTx> {
    const key = `${terms.chainId}:${terms.escrow.toLowerCase()}:${terms.payer.toLowerCase()}`;
    const running = this.#claiming.get(key);
    if (running) return running;
    const claim = this.#claim(account, terms).finally(() => this.#claiming.delete(key));
    this.#claiming.set(key, claim);
    return claim;
  }

  async #claim(account: LocalAccount, terms: PaymentTerms): Promise<ChainTx> {
    const open = this.openClaim(terms);
    if (open) return open;
    const voucher = this.highestVoucher(terms, account.address);
    if (!voucher) throw new PayoutError('no_voucher', 'there is no voucher from this payer to claim yet');
    const { owed, payable } = await this.claimable(terms, account.address);
    if (owed === 0n) throw new PayoutError('nothing_to_claim', 'everything this payer owes has been claimed already');
    if (payable === 0n) {
      throw new PayoutError('deposit_empty', "the payer's deposit in escrow is empty: the voucher stays valid and can be claimed after a top-up");
    }
    const args = [terms.payer, account.address, voucher.cumulativeAmount, voucher.signature] as const;
    const gas = await this.#estimate(() =>
      this.#client.estimateContractGas({ account: account.address, address: terms.escrow, abi: escrowAbi, functionName: 'claim', args }),
    );
    const fees = await this.#assertGas(account.address, gas, 0n);
    return this.#sender.send(account, {
      kind: 'claim',
      to: terms.escrow,
      data: encodeFunctionData({ abi: escrowAbi, functionName: 'claim', args }),
      amount: payable,
      gas,
      // Signed with the fees the gas money was checked against (not a second, possibly higher, estimate).
      fees,
      detail: {
        escrow: terms.escrow,
        payer: terms.payer,
        token: terms.token,
        cumulativeAmount: voucher.cumulativeAmount.toString(),
        voucherId: voucher.id,
      },
    });
  }

  async balances(address: Address, token: Address | null): Promise<{ native: bigint; token: bigint | null; blockNumber: bigint }> {
    const [native, tokenBalance, blockNumber] = await Promise.all([
      this.#client.getBalance({ address }),
      token ? this.#client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] }) : null,
      this.#client.getBlockNumber({ cacheTime: 0 }),
    ]);
    return { native, token: tokenBalance, blockNumber };
  }

  /** The fee and final amount of a withdrawal, checked against the balances; nothing is signed. */
  async quoteWithdrawal(
    from: Address,
    request: { asset: 'native' | 'token'; to: Address; amount: bigint | 'max'; token: Address | null },
  ): Promise<WithdrawalQuote & { data: `0x${string}` | undefined; value: bigint; target: Address; maxPriorityFeePerGas: bigint }> {
    if (BigInt(request.to) === 0n) throw new PayoutError('bad_recipient', 'the zero address burns what is sent to it: give the address of a wallet of yours');
    for (const contract of [request.token, ...this.#protected]) {
      if (sameAddress(contract, request.to)) {
        throw new PayoutError('bad_recipient', `${request.to} is a contract of the payment system (the token or the escrow), not a wallet: what is sent there is lost`);
      }
    }
    if (sameAddress(request.to, from)) throw new PayoutError('bad_recipient', 'that is this wallet itself');
    const { native, token } = await this.balances(from, request.token);
    const { maxFeePerGas, maxPriorityFeePerGas } = await this.#sender.fees();
    if (request.asset === 'token') {
      if (!request.token || token === null) throw new PayoutError('insufficient_balance', 'this network has no payment token configured');
      const amount = request.amount === 'max' ? token : request.amount;
      if (amount === 0n) throw new PayoutError('insufficient_balance', 'there are no tokens to withdraw');
      if (amount > token) throw new PayoutError('insufficient_balance', `the amount is above the token balance (${token} base units)`);
      const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [request.to, amount] });
      const gasLimit = await this.#estimate(() => this.#client.estimateGas({ account: from, to: request.token as Address, data }));
      const maxFee = gasLimit * maxFeePerGas + (await this.#l1Fee(from, request.token, data, 0n));
      if (maxFee > native) throw new PayoutError('insufficient_gas', `the fee can be up to ${maxFee} base units of the native coin, more than the ${native} held`);
      return { asset: 'token', to: request.to, amount, gasLimit, maxFeePerGas, maxPriorityFeePerGas, maxFee, data, value: 0n, target: request.token };
    }
    const gasLimit = await this.#estimate(() => this.#client.estimateGas({ account: from, to: request.to, value: 1n }));
    const maxFee = gasLimit * maxFeePerGas + (await this.#l1Fee(from, request.to, undefined, 1n));
    const amount = request.amount === 'max' ? native - maxFee : request.amount;
    if (amount <= 0n) throw new PayoutError('insufficient_balance', 'the balance does not cover the fee');
    if (amount + maxFee > native) {
      throw new PayoutError('insufficient_balance', `the amount plus the fee (up to ${maxFee}) is above the balance (${native} base units)`);
    }
    return { asset: 'native', to: request.to, amount, gasLimit, maxFeePerGas, maxPriorityFeePerGas, maxFee, data: undefined, value: amount, target: request.to };
  }

  /** `confirmedMaxFee`: the fee the user saw and confirmed; refused (nothing signed) if it would now be higher. */
  async withdraw(
    account: LocalAccount,
    request: { asset: 'native' | 'token'; to: Address; amount: bigint | 'max'; token: Address | null; confirmedMaxFee?: bigint },
  ): Promise<ChainTx> {
    const quote = await this.quoteWithdrawal(account.address, request);
    if (request.confirmedMaxFee !== undefined && quote.maxFee > request.confirmedMaxFee) {
      throw new PayoutError('fee_changed', `the network fee rose to up to ${quote.maxFee} base units since you confirmed ${request.confirmedMaxFee}: review the withdrawal again`);
    }
    return this.#sender.send(account, {
      kind: 'withdrawal',
      to: quote.target,
      data: quote.data,
      value: quote.value,
      amount: quote.amount,
      gas: quote.gasLimit,
      fees: { maxFeePerGas: quote.maxFeePerGas, maxPriorityFeePerGas: quote.maxPriorityFeePerGas },
      detail: { asset: quote.asset, recipient: quote.to, ...(request.asset === 'token' && request.token ? { token: request.token } : {}) },
    });
  }

  /** The L1 data fee of an OP Stack transaction (its GasPriceOracle's estimate); zero elsewhere. */
  async #l1Fee(from: Address, to: Address, data: `0x${string}` | undefined, value: bigint): Promise<bigint> {
    if (!this.#opStack) return 0n;
    return estimateL1Fee(this.#client, { account: from, to, data, value, chain: this.#client.chain, gasPriceOracleAddress: OP_GAS_PRICE_ORACLE });
  }

  /** Checks the wallet can pay the fee; returns the fees it checked, for signing. */
  async #assertGas(address: Address, gas: bigint, value: bigint): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const [balance, fees] = await Promise.all([this.#client.getBalance({ address }), this.#sender.fees()]);
    const need = gas * fees.maxFeePerGas + value;
    if (need > balance) {
      throw new PayoutError('insufficient_gas', `the transaction fee can be up to ${need} base units of the native coin; the wallet holds ${balance}`);
    }
    return fees;
  }

  /** Runs an estimate; a revert becomes a PayoutError naming the contract's reason. */
  async #estimate(run: () => Promise<bigint>): Promise<bigint> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BaseError) {
        const revert = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
        if (revert instanceof ContractFunctionRevertedError) {
          const name = revert.data?.errorName ?? revert.reason ?? 'unknown reason';
          throw new PayoutError('reverted', `the chain would reject this transaction: ${name}`);
        }
        throw new PayoutError('reverted', `the chain would reject this transaction: ${error.shortMessage}`);
      }
      throw error;
    }
  }
}
