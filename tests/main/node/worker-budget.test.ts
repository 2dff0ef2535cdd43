import { describe, expect, it } from 'vitest';
import { workerConfig, workerMemoryCap } from '../../../main/node/worker.ts';
import type { Budget } from '../../../main/policy/decision.ts';

const GiB = 1024 ** 3;
const budget = (patch: Partial<Budget>): Budget => ({
  threads: 3,
  cpuPercent: 80,
  gpu: { enabled: true, deviceIndex: null },
  vramCapMiB: null,
  ramCapMiB: null,
  modelDiskQuotaMiB: 20_480,
  ...patch,
});

describe('the worker within the limits’ budget', () => {
  it('takes the budget’s threads, and the CPU only when the GPU is off', () => {
    expect(workerConfig(budget({ threads: 3 }), 8)).toMatchObject({ intraOpThreads: 3, executionProvider: 'auto' });
    expect(workerConfig(budget({ threads: 0, gpu: { enabled: false, deviceIndex: null } }), 8)).toMatchObject({ intraOpThreads: 1, executionProvider: 'cpu' });
    expect(workerConfig(null, 8)).toMatchObject({ intraOpThreads: 7, executionProvider: 'auto' });
  });

  it('takes the chosen GPU and the VRAM cap to the worker, and no GPU choice when the GPU is off', () => {
    expect(workerConfig(budget({ gpu: { enabled: true, deviceIndex: 1 }, vramCapMiB: 6144 }), 8).gpu).toEqual({ deviceIndex: 1, vramCapMiB: 6144 });
    expect(workerConfig(budget({}), 8).gpu).toEqual({ deviceIndex: null, vramCapMiB: null });
    expect(workerConfig(budget({ gpu: { enabled: false, deviceIndex: 1 }, vramCapMiB: 6144 }), 8)).not.toHaveProperty('gpu');
    expect(workerConfig(null, 8)).not.toHaveProperty('gpu');
  });

  it('caps its memory at the RAM cap, half the machine without one, and never under 2 GiB', () => {
    expect(workerMemoryCap(budget({ ramCapMiB: 6144 }), 32 * GiB)).toBe(6 * GiB);
    expect(workerMemoryCap(budget({ ramCapMiB: null }), 32 * GiB)).toBe(16 * GiB);
    expect(workerMemoryCap(budget({ ramCapMiB: 512 }), 32 * GiB)).toBe(2 * GiB);
    expect(workerMemoryCap(null, 2 * GiB)).toBe(2 * GiB);
  });
});
