import { z } from 'zod';

/**
 * Money is a non-negative integer count of the token's base units, as a
 * `bigint`, everywhere in Hearth. On the wire (JSON, IPC) and in SQLite it is
 * the canonical decimal string: digits only, no sign, no leading zeros, at most
 * 78 digits (the width of uint256).
 */
export const MAX_BASE_UNITS = 2n ** 256n - 1n;

const CANONICAL = /^(0|[1-9][0-9]{0,77})$/;

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

export function parseBaseUnits(text: string): bigint {
  if (!CANONICAL.test(text)) {
    throw new MoneyFormatError(`not an amount of base units: ${JSON.stringify(text.slice(0, 90))}`);
  }
  const value = BigInt(text);
  if (value > MAX_BASE_UNITS) throw new MoneyFormatError('amount exceeds uint256');
  return value;
}

export function baseUnitsToString(value: bigint): string {
  if (value < 0n) throw new MoneyFormatError('amount is negative');
  if (value > MAX_BASE_UNITS) throw new MoneyFormatError('amount exceeds uint256');
  return value.toString(10);
}

/** The wire form of money: a canonical decimal string decoded to `bigint`. */
export const baseUnits = z.codec(
  z.string().regex(CANONICAL, 'must be a whole number of base units in decimal, without sign or leading zeros'),
  z.bigint().nonnegative().max(MAX_BASE_UNITS),
  {
    decode: (text) => BigInt(text),
    encode: (value) => value.toString(10),
  },
);

/**
 * Formats base units for people: `decimals` places, thousands separators,
 * trailing zeros trimmed down to `minFraction` places. Exact: never passes
 * through a float.
 */
export function formatBaseUnits(
  value: bigint,
  decimals: number,
  options: { minFraction?: number; maxFraction?: number; locale?: string } = {},
): string {
  const { minFraction = 2, maxFraction = decimals, locale } = options;
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = (abs % scale).toString().padStart(decimals, '0').slice(0, maxFraction);
  while (fraction.length > minFraction && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(1000.5);
  const decimalSep = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const wholeText = new Intl.NumberFormat(locale, { useGrouping: true }).format(whole);
  return `${negative ? '-' : ''}${wholeText}${fraction.length > 0 ? decimalSep + fraction : ''}`;
}
