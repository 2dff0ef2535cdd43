import { z } from 'zod';
import { baseUnits } from './money.ts';

/**
 * The payment voucher: the payer's EIP-712 signature over what one provider has
 * earned from it *in total* (cumulative), redeemable at one escrow contract on
 * one chain. Only the highest voucher per (chain, escrow, payer, provider)
 * matters; the escrow pays the difference to what was already claimed.
 *
 * The escrow holds one token (fixed at deployment), so the contract address in
 * the domain also pins the token. The contract (resources/contracts/
 * HearthEscrow.sol) hashes exactly these fields; a test keeps the two in step.
 */
export const VOUCHER_DOMAIN_NAME = 'Hearth Escrow';
export const VOUCHER_DOMAIN_VERSION = '1';

export const voucherTypes = {
  Voucher: [
    { name: 'payer', type: 'address' },
    { name: 'provider', type: 'address' },
    { name: 'cumulativeAmount', type: 'uint256' },
  ],
} as const;

export type Hex = `0x${string}`;
export type Address = `0x${string}`;

export interface VoucherDomain {
  name: typeof VOUCHER_DOMAIN_NAME;
  version: typeof VOUCHER_DOMAIN_VERSION;
  chainId: number;
  verifyingContract: Address;
}

/** Addresses compare case-insensitively (EIP-55 case is a checksum, not part of the address); a missing one matches nothing. */
export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

export function voucherDomain(chainId: number, escrow: Address): VoucherDomain {
  return { name: VOUCHER_DOMAIN_NAME, version: VOUCHER_DOMAIN_VERSION, chainId, verifyingContract: escrow };
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** 65-byte r ‖ s ‖ v signature; compact (64-byte) signatures are not accepted. */
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

// z.custom (not a transform) so the schemas work in both directions: answers and events are encoded with them.
export const addressSchema = z.custom<Address>((value) => typeof value === 'string' && ADDRESS.test(value), {
  error: 'must be a 0x-prefixed 20-byte hex address',
});

export const signatureSchema = z.custom<Hex>((value) => typeof value === 'string' && SIGNATURE.test(value), {
  error: 'must be a 0x-prefixed 65-byte hex signature',
});

/** A voucher as it travels (amount as a decimal string of base units). */
export const voucherSchema = z.strictObject({
  chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  escrow: addressSchema,
  payer: addressSchema,
  provider: addressSchema,
  cumulativeAmount: baseUnits,
  signature: signatureSchema,
});
export type Voucher = z.output<typeof voucherSchema>;
export type VoucherWire = z.input<typeof voucherSchema>;
