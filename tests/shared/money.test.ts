import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseUnits, baseUnitsToString, formatBaseUnits, MAX_BASE_UNITS, MoneyFormatError, parseBaseUnits } from '../../shared/money.ts';

describe('parseBaseUnits', () => {
  it('reads canonical decimal strings as bigint, beyond 2^63 and up to uint256', () => {
    expect(parseBaseUnits('0')).toBe(0n);
    expect(parseBaseUnits('9223372036854775808')).toBe(2n ** 63n);
    expect(parseBaseUnits(MAX_BASE_UNITS.toString())).toBe(MAX_BASE_UNITS);
  });

  it.each(['', '-1', '01', '1.5', '1e18', ' 1', '0x10', '١٢'])('refuses %j', (text) => {
    expect(() => parseBaseUnits(text)).toThrow(MoneyFormatError);
  });

  it('refuses more than uint256', () => {
    expect(() => parseBaseUnits((MAX_BASE_UNITS + 1n).toString())).toThrow(/uint256/);
  });

  it('round-trips through baseUnitsToString', () => {
    for (const value of [0n, 1n, 2n ** 64n + 7n, MAX_BASE_UNITS]) expect(parseBaseUnits(baseUnitsToString(value))).toBe(value);
    expect(() => baseUnitsToString(-1n)).toThrow(/negative/);
  });
});

describe('baseUnits codec (the wire form of money)', () => {
  it('decodes strings to bigint and encodes back', () => {
    expect(z.decode(baseUnits, '123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(z.encode(baseUnits, 2n ** 70n)).toBe('1180591620717411303424');
  });

  it('rejects numbers and non-canonical strings with a clear message', () => {
    expect(baseUnits.safeParse(5).success).toBe(false);
    const result = baseUnits.safeParse('007');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/whole number of base units/);
  });
});

describe('formatBaseUnits', () => {
  it('formats exactly, never through a float', () => {
    // 2^63 + 1 wei with 18 decimals: a float would round the last digits away.
    expect(formatBaseUnits(2n ** 63n + 1n, 18, { locale: 'en-US' })).toBe('9.223372036854775809');
    expect(formatBaseUnits(1_234_567_890n, 6, { locale: 'en-US' })).toBe('1,234.56789');
    expect(formatBaseUnits(1_500_000n, 6, { locale: 'en-US' })).toBe('1.50');
    expect(formatBaseUnits(0n, 6, { locale: 'en-US' })).toBe('0.00');
  });

  it('cuts (never rounds up) past maxFraction, and uses the locale separators', () => {
    expect(formatBaseUnits(1_999_999n, 6, { locale: 'en-US', maxFraction: 2 })).toBe('1.99');
    expect(formatBaseUnits(1_234_500_000n, 6, { locale: 'de-DE' })).toBe('1.234,50');
  });
});
