import { describe, expect, it } from 'vitest';
import { MAX_BASE_UNITS } from '../../shared/money.ts';
import { parseDecimalAmount, toDecimalInput } from '../../renderer/src/money-input.ts';

const ok = (value: bigint) => ({ kind: 'ok', value });

describe('parseDecimalAmount', () => {
  it.each([
    ['1', 6, 1_000_000n],
    ['1.5', 6, 1_500_000n],
    ['0.000001', 6, 1n],
    ['.5', 6, 500_000n],
    ['5.', 6, 5_000_000n],
    ['  2.25  ', 6, 2_250_000n],
    ['007', 0, 7n],
    ['0.1', 18, 100_000_000_000_000_000n],
    // Far past a double's precision, still exact.
    ['123456789012345678.123456789012345678', 18, 123456789012345678123456789012345678n],
    ['0.30000000000000004', 18, 300_000_000_000_000_040n],
  ])('%s with %d decimals → %s base units', (text, decimals, value) => {
    expect(parseDecimalAmount(text, decimals, 'X')).toEqual(ok(value));
  });

  it('treats an empty field as incomplete, not wrong', () => {
    expect(parseDecimalAmount('', 6, 'tUSD')).toEqual({ kind: 'empty' });
    expect(parseDecimalAmount('   ', 6, 'tUSD')).toEqual({ kind: 'empty' });
  });

  it('never rounds away digits the token cannot hold', () => {
    expect(parseDecimalAmount('1.1234567', 6, 'tUSD')).toEqual({ kind: 'error', message: 'tUSD has 6 decimal places; this amount has 7.' });
    expect(parseDecimalAmount('1.5', 0, 'PTS')).toEqual({ kind: 'error', message: 'PTS has no decimal places: enter a whole number.' });
  });

  it.each(['1,5', '1 000', "1'000", '1_000'])('refuses the ambiguous separator in %s', (text) => {
    const result = parseDecimalAmount(text, 6, 'tUSD');
    expect(result.kind === 'error' && result.message).toContain('without thousands separators');
  });

  it.each(['abc', '1e5', '0x10', '1.2.3', '.', '+1', 'Infinity', 'NaN'])('refuses %s', (text) => {
    expect(parseDecimalAmount(text, 6, 'tUSD').kind).toBe('error');
  });

  it('refuses negative amounts', () => {
    expect(parseDecimalAmount('-1', 6, 'tUSD')).toEqual({ kind: 'error', message: 'The amount cannot be negative.' });
  });

  it('stops at uint256', () => {
    expect(parseDecimalAmount(MAX_BASE_UNITS.toString(), 0, 'X')).toEqual(ok(MAX_BASE_UNITS));
    expect(parseDecimalAmount((MAX_BASE_UNITS + 1n).toString(), 0, 'X')).toEqual({ kind: 'error', message: 'That amount is too large.' });
    expect(parseDecimalAmount('9'.repeat(5000), 6, 'X')).toEqual({ kind: 'error', message: 'That amount is too large.' });
  });
});

describe('toDecimalInput', () => {
  it.each([
    [0n, 6, '0'],
    [1n, 6, '0.000001'],
    [1_500_000n, 6, '1.5'],
    [5_000_000n, 6, '5'],
    [899_968_133_974_326_000n, 18, '0.899968133974326'],
    [42n, 0, '42'],
  ])('%s with %d decimals → %s', (value, decimals, text) => {
    expect(toDecimalInput(value, decimals)).toBe(text);
  });

  it('round-trips through parseDecimalAmount', () => {
    for (const value of [0n, 1n, 10n ** 18n, 123_456_789n, MAX_BASE_UNITS]) {
      expect(parseDecimalAmount(toDecimalInput(value, 18), 18, 'X')).toEqual(ok(value));
    }
  });
});
