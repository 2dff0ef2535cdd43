import { describe, expect, it } from 'vitest';
import { defaultLimits, type Limits } from '../../../shared/limits.ts';
import { offerPolicy } from '../../../main/node/network.ts';

const MiB = 1024 ** 2;
const SHA = 'ab'.repeat(32);
const offer = (price: bigint, sizeBytes = 10 * MiB) => ({ price, model: { sha256: SHA, sizeBytes } });
const limits = (patch: Partial<Limits>): Limits => ({ ...defaultLimits, ...patch });

describe("the node's own reasons to decline an offer", () => {
  it('takes anything within the limits when no minimum price is set', () => {
    expect(offerPolicy(offer(1n), limits({ minPricePerHour: null }), new Map([[SHA, 1000]]))).toBeNull();
  });

  it('declines a model larger than the model disk quota or the RAM cap', () => {
    const disk = offerPolicy(offer(1n, 600 * MiB), limits({ modelDiskQuotaMiB: 512 }), new Map());
    expect(disk?.reason).toBe('over_budget');
    expect(disk?.message).toContain('disk quota');
    const ram = offerPolicy(offer(1n, 300 * MiB), limits({ ramCapMiB: 256 }), new Map());
    expect(ram?.reason).toBe('over_budget');
    expect(ram?.message).toContain('RAM cap');
  });

  it('prices an hour from the model’s recent average duration, exactly, and declines below the minimum', () => {
    // 2,000 base units per job at 500 ms a job = 14,400,000 per hour.
    const durations = new Map([[SHA, 500]]);
    expect(offerPolicy(offer(2000n), limits({ minPricePerHour: 14_400_000n }), durations)).toBeNull();
    expect(offerPolicy(offer(2000n), limits({ minPricePerHour: 14_400_001n }), durations)).toMatchObject({ reason: 'price_too_low' });
  });

  it('tries a model it has never run once, to learn how long it takes', () => {
    expect(offerPolicy(offer(1n), limits({ minPricePerHour: 10n ** 30n }), new Map())).toBeNull();
  });
});
