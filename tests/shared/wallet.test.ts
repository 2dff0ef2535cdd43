import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { methods } from '../../shared/api.ts';
import { recipientAddressSchema } from '../../shared/wallet.ts';

describe('recipient addresses', () => {
  it('accepts a valid EIP-55 checksum, all lower case and all upper case, and returns the checksummed form', () => {
    const checksummed = '0x52908400098527886E0F7030069857D2E4169EE7';
    expect(z.decode(recipientAddressSchema, checksummed)).toBe(checksummed);
    expect(z.decode(recipientAddressSchema, checksummed.toLowerCase())).toBe(checksummed);
    expect(z.decode(recipientAddressSchema, `0x${checksummed.slice(2).toUpperCase()}`)).toBe(checksummed);
    expect(z.decode(recipientAddressSchema, `  ${checksummed}  `)).toBe(checksummed);
  });

  it('accepts an all-upper-case address (no checksum to check) and returns it checksummed', () => {
    expect(z.decode(recipientAddressSchema, '0x52908400098527886E0F7030069857D2E4169EE7'.toUpperCase().replace('0X', '0x'))).toBe(
      '0x52908400098527886E0F7030069857D2E4169EE7',
    );
  });

  it('refuses a mixed-case address whose checksum does not match, saying a character is probably mistyped', () => {
    const result = recipientAddressSchema.safeParse('0x52908400098527886E0F7030069857D2E4169Ee7');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/checksum does not match/);
  });

  it.each(['0x1234', '52908400098527886E0F7030069857D2E4169EE7', '0x52908400098527886E0F7030069857D2E4169EEZ', '', 42])(
    'refuses the malformed %s',
    (value) => {
      expect(recipientAddressSchema.safeParse(value).success).toBe(false);
    },
  );

  it('is what wallet.withdraw and wallet.quoteWithdrawal check, with the amount as base units or "max"', () => {
    const input = methods['wallet.withdraw'].input;
    const base = { asset: 'token', to: '0x52908400098527886e0f7030069857d2e4169ee7', passphrase: 'x' };
    expect(input.safeParse({ ...base, amount: '1500000' }).success).toBe(true);
    expect(input.safeParse({ ...base, amount: 'max' }).success).toBe(true);
    for (const amount of ['1.5', '-1', '01', 1500000, '']) expect(input.safeParse({ ...base, amount }).success).toBe(false);
    expect(input.safeParse({ ...base, amount: '1', to: '0x52908400098527886E0F7030069857D2E4169Ee7' }).success).toBe(false);
    expect(methods['wallet.quoteWithdrawal'].input.safeParse({ asset: 'gold', to: base.to, amount: '1' }).success).toBe(false);
  });
});
