import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../shared/limits.ts';
import { budgetFor } from '../../../main/policy/budget.ts';
import { acceptsOffer } from '../../../main/policy/offer.ts';
import { limitsWith } from './simulate.ts';

describe('minimum price per hour', () => {
  it('accepts anything without a minimum', () => {
    expect(acceptsOffer(defaultLimits, 0n)).toEqual({ accept: true, code: 'no-minimum', text: 'Accepted: no minimum price set' });
  });

  it('accepts at or above the minimum and declines below, in exact base units', () => {
    const limits = { minPricePerHour: 10n ** 30n };
    expect(acceptsOffer(limits, 10n ** 30n).accept).toBe(true);
    const declined = acceptsOffer(limits, 10n ** 30n - 1n);
    expect(declined).toEqual({ accept: false, code: 'below-minimum', text: `Declined: ${10n ** 30n - 1n} per hour is below your minimum of ${10n ** 30n} (base units)` });
  });
});

describe('budget', () => {
  it.each([
    // [logical CPUs, maxThreads, maxPercent, threads]
    [8, null, 80, 7], // all cores but one
    [8, null, 25, 2], // no more threads than the share keeps busy
    [8, 4, 100, 4],
    [8, 32, 100, 8], // never more than the machine has
    [1, null, 80, 1],
    [4, null, 10, 1],
    [0, null, 80, 1], // a bogus CPU count still gives one thread
  ] as const)('%i CPUs, maxThreads %s, %i %% → %i threads', (cpus, maxThreads, maxPercent, threads) => {
    expect(budgetFor(limitsWith({ cpu: { maxThreads, maxPercent } }), cpus).threads).toBe(threads);
  });

  it('passes the GPU choice and the memory and disk caps through', () => {
    const limits = limitsWith({ gpu: { enabled: true, deviceIndex: 1 }, vramCapMiB: 6144, ramCapMiB: 8192, modelDiskQuotaMiB: 4096 });
    expect(budgetFor(limits, 16)).toEqual({ threads: 13, cpuPercent: 80, gpu: { enabled: true, deviceIndex: 1 }, vramCapMiB: 6144, ramCapMiB: 8192, modelDiskQuotaMiB: 4096 });
  });
});
