import { MAX_BASE_UNITS } from '../../shared/money.ts';

/**
 * Amounts typed by people, turned into base units exactly: digits and one
 * decimal point, never through a float. `1.5` of a 6-decimal token is
 * 1_500_000n; more decimal places than the token has is an error, never
 * rounded away.
 */
export type AmountInput = { kind: 'empty' } | { kind: 'ok'; value: bigint } | { kind: 'error'; message: string };

export function parseDecimalAmount(text: string, decimals: number, symbol: string): AmountInput {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed.startsWith('-')) return { kind: 'error', message: 'The amount cannot be negative.' };
  if (/[,\s'_]/.test(trimmed)) {
    return { kind: 'error', message: 'Type the amount without thousands separators, with a point for decimals (for example 1234.5).' };
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) return { kind: 'error', message: 'Enter a number, for example 12.5.' };
  if (fraction.length > decimals) {
    return {
      kind: 'error',
      message:
        decimals === 0
          ? `${symbol} has no decimal places: enter a whole number.`
          : `${symbol} has ${decimals} decimal places; this amount has ${fraction.length}.`,
    };
  }
  // Bound the work before BigInt: uint256 has 78 digits.
  if (whole.replace(/^0+/, '').length > 78) return { kind: 'error', message: 'That amount is too large.' };
  const scale = 10n ** BigInt(decimals);
  const value = BigInt(whole === '' ? '0' : whole) * scale + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (value > MAX_BASE_UNITS) return { kind: 'error', message: 'That amount is too large.' };
  return { kind: 'ok', value };
}

/** Base units as a plain decimal for an input field: no grouping, no trailing zeros, exact. */
export function toDecimalInput(value: bigint, decimals: number): string {
  if (value < 0n) throw new RangeError('negative amount');
  if (decimals === 0) return value.toString();
  const scale = 10n ** BigInt(decimals);
  const whole = (value / scale).toString();
  const fraction = (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}
