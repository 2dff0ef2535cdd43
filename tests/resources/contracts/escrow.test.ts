import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concat,
  hashDomain,
  hashTypedData,
  numberToHex,
  parseEventLogs,
  parseSignature,
  serializeSignature,
  slice,
  type LocalAccount,
  type TransactionReceipt,
} from 'viem';
import { escrowAbi, testTokenAbi } from '../../../shared/contracts.ts';
import { voucherDomain, voucherTypes, type Address, type Hex } from '../../../shared/voucher.ts';
import { increaseTime } from '../../../main/devnet/chain.ts';
import { revertReason, startDevnet, WITHDRAWAL_DELAY, type Devnet } from '../../helpers/devnet.ts';

/** secp256k1's group order: s and n - s are both valid ECDSA, which is what makes signatures malleable. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let net: Devnet;
/** Submits claims: anyone may, the money still goes to the voucher's provider. */
let relayer: LocalAccount;

beforeAll(async () => {
  net = await startDevnet();
  relayer = await net.newAccount();
}, 30_000);
afterAll(() => net.chain.close());

async function mined(hash: Hex): Promise<TransactionReceipt> {
  const receipt = await net.publicClient.waitForTransactionReceipt({ hash, timeout: 5_000 });
  expect(receipt.status).toBe('success');
  return receipt;
}

function claim(payer: Address, provider: Address, cumulativeAmount: bigint, signature: Hex): Promise<Hex> {
  return net.wallet(relayer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'claim', args: [payer, provider, cumulativeAmount, signature] });
}

function claimedEvents(receipt: TransactionReceipt) {
  return parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'Claimed' }).map((log) => log.args);
}

const balanceOf = (payer: Address): Promise<bigint> =>
  net.publicClient.readContract({ address: net.escrow, abi: escrowAbi, functionName: 'balanceOf', args: [payer] });
const claimedBy = (payer: Address, provider: Address): Promise<bigint> =>
  net.publicClient.readContract({ address: net.escrow, abi: escrowAbi, functionName: 'claimed', args: [payer, provider] });
const pendingWithdrawal = (payer: Address): Promise<readonly [bigint, bigint]> =>
  net.publicClient.readContract({ address: net.escrow, abi: escrowAbi, functionName: 'pendingWithdrawal', args: [payer] });

describe('deposits', () => {
  it('credits the payer, pulls the tokens and says so in an event', async () => {
    const payer = await net.newAccount();
    await net.deposit(payer, 500n);
    expect(await balanceOf(payer.address)).toBe(500n);
    expect(await net.tokenBalance(net.escrow)).toBeGreaterThanOrEqual(500n);

    const sponsor = await net.newPayer(0n);
    await mined(await net.wallet(net.deployer).writeContract({ address: net.token, abi: testTokenAbi, functionName: 'mint', args: [sponsor.address, 70n] }));
    await mined(await net.wallet(sponsor).writeContract({ address: net.token, abi: testTokenAbi, functionName: 'approve', args: [net.escrow, 70n] }));
    const receipt = await mined(
      await net.wallet(sponsor).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'depositFor', args: [payer.address, 70n] }),
    );
    const events = parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'Deposited' }).map((log) => log.args);
    expect(events).toEqual([{ payer: payer.address, from: sponsor.address, amount: 70n }]);
    expect(await balanceOf(payer.address)).toBe(570n);
  });

  it('refuses a zero deposit', async () => {
    const payer = await net.newAccount();
    const reason = await revertReason(net.wallet(payer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'deposit', args: [0n] }));
    expect(reason.errorName).toBe('ZeroAmount');
  });
});

describe('claims', () => {
  it('pays the provider, whoever submits the voucher', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const receipt = await mined(await claim(payer.address, provider.address, 300n, await net.signVoucher(payer, provider.address, 300n)));
    expect(claimedEvents(receipt)).toEqual([{ payer: payer.address, provider: provider.address, amount: 300n, cumulativeClaimed: 300n }]);
    expect(await net.tokenBalance(provider.address)).toBe(300n);
    expect(await balanceOf(payer.address)).toBe(700n);
    expect(await claimedBy(payer.address, provider.address)).toBe(300n);
  });

  it('pays a voucher once, refuses lower or equal ones and pays only the difference of a higher one', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const first = await net.signVoucher(payer, provider.address, 300n);
    await mined(await claim(payer.address, provider.address, 300n, first));

    expect((await revertReason(claim(payer.address, provider.address, 300n, first))).errorName).toBe('NothingToClaim');
    const lower = await net.signVoucher(payer, provider.address, 200n);
    expect((await revertReason(claim(payer.address, provider.address, 200n, lower))).errorName).toBe('NothingToClaim');

    const receipt = await mined(await claim(payer.address, provider.address, 450n, await net.signVoucher(payer, provider.address, 450n)));
    expect(claimedEvents(receipt)).toEqual([{ payer: payer.address, provider: provider.address, amount: 150n, cumulativeClaimed: 450n }]);
    expect(await net.tokenBalance(provider.address)).toBe(450n);
    expect(await balanceOf(payer.address)).toBe(550n);
  });

  it('pays what the deposit holds, and the rest of the same voucher after a top-up', async () => {
    const payer = await net.newPayer(100n);
    const provider = await net.newAccount();
    const voucher = await net.signVoucher(payer, provider.address, 250n);

    const partly = await mined(await claim(payer.address, provider.address, 250n, voucher));
    expect(claimedEvents(partly)).toEqual([{ payer: payer.address, provider: provider.address, amount: 100n, cumulativeClaimed: 100n }]);
    expect((await revertReason(claim(payer.address, provider.address, 250n, voucher))).errorName).toBe('InsufficientDeposit');

    await net.deposit(payer, 1_000n);
    const rest = await mined(await claim(payer.address, provider.address, 250n, voucher));
    expect(claimedEvents(rest)).toEqual([{ payer: payer.address, provider: provider.address, amount: 150n, cumulativeClaimed: 250n }]);
    expect(await net.tokenBalance(provider.address)).toBe(250n);
    expect(await balanceOf(payer.address)).toBe(850n);
  });

  it('keeps each provider’s account separate', async () => {
    const payer = await net.newPayer(1_000n);
    const [a, b] = [await net.newAccount(), await net.newAccount()];
    await mined(await claim(payer.address, a.address, 100n, await net.signVoucher(payer, a.address, 100n)));
    await mined(await claim(payer.address, b.address, 100n, await net.signVoucher(payer, b.address, 100n)));
    expect(await net.tokenBalance(b.address)).toBe(100n);
  });

  it('refuses a voucher signed by anyone but the payer', async () => {
    const payer = await net.newPayer(1_000n);
    const [provider, forger] = [await net.newAccount(), await net.newAccount()];
    const forged = await net.signVoucher(forger, provider.address, 100n);
    expect((await revertReason(claim(payer.address, provider.address, 100n, forged))).errorName).toBe('InvalidSigner');
    // Nor can the voucher be redirected: the provider is part of what was signed.
    const genuine = await net.signVoucher(payer, provider.address, 100n);
    expect((await revertReason(claim(payer.address, forger.address, 100n, genuine))).errorName).toBe('InvalidSigner');
    expect((await revertReason(claim(payer.address, provider.address, 101n, genuine))).errorName).toBe('InvalidSigner');
  });

  it('refuses vouchers signed for another chain or another escrow', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const otherChain = await net.signVoucher(payer, provider.address, 100n, { chainId: 8453 });
    expect((await revertReason(claim(payer.address, provider.address, 100n, otherChain))).errorName).toBe('InvalidSigner');
    const otherEscrow = await net.signVoucher(payer, provider.address, 100n, { escrow: net.token });
    expect((await revertReason(claim(payer.address, provider.address, 100n, otherEscrow))).errorName).toBe('InvalidSigner');
  });

  it('refuses the malleable twin of a valid signature (high s)', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const { r, s, yParity } = parseSignature(await net.signVoucher(payer, provider.address, 100n));
    const highS = numberToHex(SECP256K1_N - BigInt(s), { size: 32 });
    const twin = serializeSignature({ r, s: highS, yParity: yParity === 0 ? 1 : 0 });
    const reason = await revertReason(claim(payer.address, provider.address, 100n, twin));
    expect(reason).toEqual({ errorName: 'ECDSAInvalidSignatureS', args: [highS] });
  });

  it('refuses signatures of the wrong length', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    const signature = await net.signVoucher(payer, provider.address, 100n);
    // 64 bytes: the ERC-2098 compact form of a valid signature, which the escrow does not accept either.
    const { r, yParity, s } = parseSignature(signature);
    const compact = concat([r, numberToHex(BigInt(s) | (BigInt(yParity) << 255n), { size: 32 })]);
    expect(await revertReason(claim(payer.address, provider.address, 100n, compact))).toEqual({ errorName: 'ECDSAInvalidSignatureLength', args: [64n] });
    expect(await revertReason(claim(payer.address, provider.address, 100n, slice(signature, 0, 10)))).toEqual({
      errorName: 'ECDSAInvalidSignatureLength',
      args: [10n],
    });
  });
});

describe('withdrawals', () => {
  async function announce(payer: LocalAccount, amount: bigint): Promise<{ readyAt: bigint; receipt: TransactionReceipt }> {
    const receipt = await mined(await net.wallet(payer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'announceWithdrawal', args: [amount] }));
    const block = await net.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    return { readyAt: block.timestamp + WITHDRAWAL_DELAY, receipt };
  }
  const withdraw = (payer: LocalAccount): Promise<Hex> =>
    net.wallet(payer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'withdraw' });

  it('pays back only after the delay', async () => {
    const payer = await net.newPayer(1_000n);
    expect((await revertReason(withdraw(payer))).errorName).toBe('NoWithdrawalAnnounced');

    const { readyAt, receipt } = await announce(payer, 400n);
    const announced = parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'WithdrawalAnnounced' }).map((log) => log.args);
    expect(announced).toEqual([{ payer: payer.address, amount: 400n, readyAt }]);
    expect(await pendingWithdrawal(payer.address)).toEqual([400n, readyAt]);
    expect(await revertReason(withdraw(payer))).toEqual({ errorName: 'WithdrawalNotReady', args: [readyAt] });

    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY));
    const paid = await mined(await withdraw(payer));
    expect(parseEventLogs({ abi: escrowAbi, logs: paid.logs, eventName: 'Withdrawn' }).map((log) => log.args)).toEqual([{ payer: payer.address, amount: 400n }]);
    expect(await net.tokenBalance(payer.address)).toBe(400n);
    expect(await balanceOf(payer.address)).toBe(600n);
    expect(await pendingWithdrawal(payer.address)).toEqual([0n, 0n]);
    expect((await revertReason(withdraw(payer))).errorName).toBe('NoWithdrawalAnnounced');
  });

  it('restarts the delay when announced again, and forgets a cancelled withdrawal', async () => {
    const payer = await net.newPayer(1_000n);
    await announce(payer, 100n);
    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY) - 60);
    const { readyAt } = await announce(payer, 200n);
    await increaseTime(net.chain, 120);
    expect(await revertReason(withdraw(payer))).toEqual({ errorName: 'WithdrawalNotReady', args: [readyAt] });

    const receipt = await mined(await net.wallet(payer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'cancelWithdrawal' }));
    expect(parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'WithdrawalCancelled' }).map((log) => log.args)).toEqual([{ payer: payer.address }]);
    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY));
    expect((await revertReason(withdraw(payer))).errorName).toBe('NoWithdrawalAnnounced');
    const cancelAgain = net.wallet(payer).writeContract({ address: net.escrow, abi: escrowAbi, functionName: 'cancelWithdrawal' });
    expect((await revertReason(cancelAgain)).errorName).toBe('NoWithdrawalAnnounced');
  });

  it('lets an announced withdrawal lapse a day after it is ready: it must then be announced again, with a new delay', async () => {
    const payer = await net.newPayer(1_000n);
    const { readyAt } = await announce(payer, 500n);
    const window = await net.publicClient.readContract({ address: net.escrow, abi: escrowAbi, functionName: 'WITHDRAWAL_WINDOW' });
    expect(window).toBe(86_400n);
    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY) + Number(window) + 60);
    expect(await revertReason(withdraw(payer))).toEqual({ errorName: 'WithdrawalExpired', args: [readyAt + window] });
    const renewed = await announce(payer, 500n);
    expect(await revertReason(withdraw(payer))).toEqual({ errorName: 'WithdrawalNotReady', args: [renewed.readyAt] });
    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY));
    await mined(await withdraw(payer));
    expect(await net.tokenBalance(payer.address)).toBe(500n);
  });

  it('keeps the deposit claimable while a withdrawal waits, and pays back what claims left', async () => {
    const payer = await net.newPayer(1_000n);
    const provider = await net.newAccount();
    await announce(payer, 1_000n);
    await mined(await claim(payer.address, provider.address, 300n, await net.signVoucher(payer, provider.address, 300n)));
    await increaseTime(net.chain, Number(WITHDRAWAL_DELAY));
    await mined(await claim(payer.address, provider.address, 350n, await net.signVoucher(payer, provider.address, 350n)));

    const receipt = await mined(await withdraw(payer));
    expect(parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'Withdrawn' }).map((log) => log.args)).toEqual([{ payer: payer.address, amount: 650n }]);
    expect(await net.tokenBalance(payer.address)).toBe(650n);
    expect(await net.tokenBalance(provider.address)).toBe(350n);
    expect(await balanceOf(payer.address)).toBe(0n);
  });
});

describe('EIP-712 hashing', () => {
  it('matches viem’s hashTypedData with shared/voucher.ts’s domain and types', async () => {
    const payer = '0x1111111111111111111111111111111111111111';
    const provider = '0x2222222222222222222222222222222222222222';
    const cumulativeAmount = 123_456_789n;
    const domain = voucherDomain(net.chain.chainId, net.escrow);
    const onChain = await net.publicClient.readContract({
      address: net.escrow,
      abi: escrowAbi,
      functionName: 'hashVoucher',
      args: [payer, provider, cumulativeAmount],
    });
    expect(onChain).toBe(hashTypedData({ domain, types: voucherTypes, primaryType: 'Voucher', message: { payer, provider, cumulativeAmount } }));
    const separator = await net.publicClient.readContract({ address: net.escrow, abi: escrowAbi, functionName: 'domainSeparator' });
    expect(separator).toBe(hashDomain({ domain: { ...domain, chainId: BigInt(domain.chainId) }, types: { EIP712Domain: EIP712_DOMAIN_FIELDS } }));
  });
});

const EIP712_DOMAIN_FIELDS = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
] as const;
