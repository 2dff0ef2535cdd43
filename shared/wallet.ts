import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import { baseUnits } from './money.ts';
import { addressSchema } from './voucher.ts';

/**
 * The wallet as the UI sees it. Nothing here ever carries a key: the one
 * secret that crosses the contract is the recovery phrase, in the answer to
 * `wallet.exportPhrase`, and only after the passphrase was given.
 */

export const MIN_PASSPHRASE_LENGTH = 8;
export const passphraseSchema = z
  .string()
  .min(MIN_PASSPHRASE_LENGTH, `must be at least ${MIN_PASSPHRASE_LENGTH} characters`)
  .max(1024, 'must be at most 1024 characters');

/**
 * An address money is sent to. Mixed case must carry a valid EIP-55 checksum
 * (a mistyped letter is caught); all lower or all upper case has none to check.
 */
export const recipientAddressSchema = z.codec(
  z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address (42 characters)')
    .refine(
      (value) => /^0x([0-9a-f]{40}|[0-9A-F]{40})$/.test(value) || isAddress(value, { strict: true }),
      "the address's checksum does not match: a character is probably mistyped",
    ),
  addressSchema,
  { decode: (value) => getAddress(value), encode: (value) => value },
);

/** `unreadable`: a key file exists but cannot be used (damaged, or wrapped by a keychain not available here); `problem` says why. */
export const walletStates = ['none', 'locked', 'unlocked', 'unreadable'] as const;
export const walletSources = ['created', 'imported-phrase', 'imported-key'] as const;
export const chainPresets = [
  'local',
  'base',
  'base-sepolia',
  'arbitrum',
  'arbitrum-sepolia',
  'polygon',
  'polygon-amoy',
  'custom',
] as const;
export type ChainPreset = (typeof chainPresets)[number];

const tokenSchema = z.object({ address: addressSchema, symbol: z.string(), decimals: z.number().int().min(0).max(36) });

export const walletNetworkSchema = z.object({
  preset: z.enum(chainPresets),
  chainId: z.number().int().positive(),
  name: z.string(),
  /** The RPC endpoint's host only: full URLs often carry an API key. */
  rpcHost: z.string(),
  nativeSymbol: z.string(),
  nativeDecimals: z.number().int().min(0).max(36),
  explorerUrl: z.string().nullable(),
  escrow: addressSchema.nullable(),
  payer: addressSchema.nullable(),
  token: tokenSchema.nullable(),
  confirmations: z.number().int().positive(),
});
export type WalletNetwork = z.infer<typeof walletNetworkSchema>;

export const walletStatusSchema = z.object({
  state: z.enum(walletStates),
  address: addressSchema.nullable(),
  source: z.enum(walletSources).nullable(),
  /** Whether a recovery phrase exists to export (wallets imported from a key have none). */
  hasPhrase: z.boolean(),
  keychain: z.object({ kind: z.enum(['os', 'none']), description: z.string() }),
  problem: z.string().nullable(),
  network: walletNetworkSchema.nullable(),
});
export type WalletStatus = z.infer<typeof walletStatusSchema>;

export const balancesSchema = z.object({
  native: baseUnits,
  token: baseUnits.nullable(),
  blockNumber: z.string(),
  at: z.number().int(),
});
export type Balances = z.output<typeof balancesSchema>;

export const payerEarningsSchema = z.object({
  payer: addressSchema,
  escrow: addressSchema,
  chainId: z.number().int().positive(),
  vouchers: z.number().int().nonnegative(),
  /** The highest voucher held: everything this payer owes in total. */
  earned: baseUnits,
  /** What the escrow has paid out on it so far (read from the chain). */
  claimed: baseUnits,
  unclaimed: baseUnits,
  /** The payer's deposit in escrow, and a withdrawal it has announced, if any. */
  deposit: baseUnits,
  withdrawal: z.object({ amount: baseUnits, readyAt: z.number().int() }).nullable(),
  lastVoucherAt: z.number().int().nullable(),
});
export const earningsSchema = z.object({
  payers: z.array(payerEarningsSchema),
  /** Set when the chain could not be read: amounts claimed on chain are then unknown and shown as such. */
  chainError: z.string().nullable(),
});
export type Earnings = z.output<typeof earningsSchema>;

export const chainTxStates = ['signed', 'sent', 'mined', 'confirmed', 'failed', 'replaced'] as const;
export type ChainTxState = (typeof chainTxStates)[number];
export const chainTxKinds = ['claim', 'withdrawal'] as const;
export type ChainTxKind = (typeof chainTxKinds)[number];

export const chainTxSchema = z.object({
  id: z.number().int(),
  chainId: z.number().int(),
  kind: z.enum(chainTxKinds),
  /** For a withdrawal: the native coin or the payment token. Claims always pay the token. */
  asset: z.enum(['native', 'token']),
  from: addressSchema,
  to: addressSchema,
  amount: baseUnits,
  nonce: z.number().int(),
  hash: z.string(),
  state: z.enum(chainTxStates),
  blockNumber: z.number().int().nullable(),
  confirmations: z.number().int().nonnegative(),
  error: z.string().nullable(),
  maxFee: baseUnits.nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ChainTxView = z.output<typeof chainTxSchema>;

export const walletInputs = {
  create: z.strictObject({ passphrase: passphraseSchema, words: z.union([z.literal(12), z.literal(24)]).default(12) }),
  importPhrase: z.strictObject({ phrase: z.string().max(1000, 'is too long to be a recovery phrase'), passphrase: passphraseSchema }),
  importKey: z.strictObject({ privateKey: z.string().max(200, 'is too long to be a private key'), passphrase: passphraseSchema }),
  unlock: z.strictObject({ passphrase: z.string().max(1024) }),
  changePassphrase: z.strictObject({ current: z.string().max(1024), next: passphraseSchema }),
  exportPhrase: z.strictObject({ passphrase: z.string().max(1024) }),
  claim: z.strictObject({}).optional(),
  quoteWithdrawal: z.strictObject({
    asset: z.enum(['native', 'token']),
    to: recipientAddressSchema,
    /** Base units, or "max": everything (for the native coin: everything but the fee). */
    amount: z.union([z.literal('max'), baseUnits]),
  }),
  withdraw: z.strictObject({
    asset: z.enum(['native', 'token']),
    to: recipientAddressSchema,
    amount: z.union([z.literal('max'), baseUnits]),
    /** Asked again: money leaving the wallet is confirmed with the passphrase. */
    passphrase: z.string().max(1024),
    /** The fee the user saw in the quote and confirmed: the withdrawal is refused if it would now cost more. */
    maxFee: baseUnits.optional(),
  }),
  transactions: z.strictObject({ limit: z.number().int().min(1).max(500).default(50) }).optional(),
} as const;

export const withdrawalQuoteSchema = z.object({
  asset: z.enum(['native', 'token']),
  to: addressSchema,
  amount: baseUnits,
  gasLimit: baseUnits,
  maxFeePerGas: baseUnits,
  /** The most the fee can be, in the native coin's base units (gas limit × max fee per gas, plus any L1 data fee). */
  maxFee: baseUnits,
});
export type WithdrawalQuote = z.output<typeof withdrawalQuoteSchema>;
