import { formatBaseUnits, MAX_BASE_UNITS } from '../../../../shared/money.ts';
import { recipientAddressSchema, type WalletNetwork } from '../../../../shared/wallet.ts';
import { sameAddress } from '../../address.ts';
import { parseDecimalAmount } from '../../money-input.ts';

/** Until the node has told (no chain connected yet): what every EVM chain Hearth knows uses. */
const DEFAULT_NATIVE_DECIMALS = 18;

export interface AssetInfo {
  symbol: string;
  decimals: number;
}

export function nativeAsset(network: WalletNetwork | null | undefined): AssetInfo {
  return { symbol: network?.nativeSymbol ?? 'ETH', decimals: network?.nativeDecimals ?? DEFAULT_NATIVE_DECIMALS };
}

/** The payment token, when the node knows it on this chain. */
export function tokenAsset(network: WalletNetwork | null | undefined): AssetInfo | undefined {
  return network?.token ? { symbol: network.token.symbol, decimals: network.token.decimals } : undefined;
}

export function formatAsset(value: bigint, asset: AssetInfo): string {
  return `${formatBaseUnits(value, asset.decimals)} ${asset.symbol}`;
}

export type RecipientCheck =
  | { kind: 'empty' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; address: `0x${string}`; note: string; warning?: string };

const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * The recipient of a withdrawal, checked as it is typed: shape, then EIP-55
 * checksum (the shared schema), then addresses where money is lost. `complete`
 * is false while the field still has focus, so a half-typed address is not
 * called too short yet.
 */
export function checkRecipient(
  text: string,
  context: { complete: boolean; own?: string | null | undefined; network?: WalletNetwork | null | undefined },
): RecipientCheck {
  const value = text.trim();
  if (value === '') return { kind: 'empty' };
  if (value === '0' && !context.complete) return { kind: 'empty' };
  if (!value.startsWith('0x')) return { kind: 'error', message: 'An address starts with 0x.' };
  const body = value.slice(2);
  if (/[^0-9a-fA-F]/.test(body)) return { kind: 'error', message: 'After 0x an address has only the characters 0–9 and a–f.' };
  if (body.length > 40) return { kind: 'error', message: `An address is 42 characters long; this has ${value.length}.` };
  if (body.length < 40) {
    return context.complete ? { kind: 'error', message: `An address is 42 characters long; this has ${value.length}.` } : { kind: 'empty' };
  }
  const parsed = recipientAddressSchema.safeParse(value);
  if (!parsed.success) {
    return { kind: 'error', message: "The address's checksum does not match: a character is probably mistyped. Copy the address again from where you got it." };
  }
  const address = parsed.data;
  if (sameAddress(address, ZERO)) return { kind: 'error', message: 'That is the zero address: anything sent there is lost for good.' };
  const network = context.network;
  if (network?.token && sameAddress(address, network.token.address)) {
    return { kind: 'error', message: `That is the ${network.token.symbol} token's contract, not a wallet: anything sent there is lost.` };
  }
  if (sameAddress(address, network?.escrow)) return { kind: 'error', message: "That is the escrow contract, not a wallet: anything sent there is lost." };
  if (sameAddress(address, context.own)) return { kind: 'error', message: "That is this wallet's own address: give the address you want the money to go to." };
  const checksummed = body !== body.toLowerCase() && body !== body.toUpperCase();
  const warning = checksummed
    ? undefined
    : 'This address is all in one case, so it carries no checksum and a typo cannot be caught: compare it with the original character by character.';
  return { kind: 'ok', address, note: checksummed ? 'Checksum OK' : 'Valid format', ...(warning ? { warning } : {}) };
}

export type AmountCheck = { kind: 'empty' } | { kind: 'error'; message: string } | { kind: 'ok'; value: bigint };

/** An amount to send: exact parse, above zero, not above the balance when it is known. */
export function checkAmount(text: string, asset: AssetInfo, balance: bigint | null | undefined): AmountCheck {
  const parsed = parseDecimalAmount(text, asset.decimals, asset.symbol);
  if (parsed.kind !== 'ok') return parsed;
  if (parsed.value === 0n) return { kind: 'error', message: 'Enter an amount above zero.' };
  if (parsed.value > MAX_BASE_UNITS) return { kind: 'error', message: 'That amount is too large.' };
  if (balance !== null && balance !== undefined && parsed.value > balance) {
    return { kind: 'error', message: `That is more than your balance of ${formatAsset(balance, asset)}.` };
  }
  return parsed;
}
