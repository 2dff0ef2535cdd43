import { describe, expect, it } from 'vitest';
import { explain, providerOrder } from '../../../main/inference/providers.ts';

describe('execution providers', () => {
  it('puts what was asked for first when available, and always ends with CPU', () => {
    const reports = [
      { name: 'cuda' as const, available: true },
      { name: 'webgpu' as const, available: true },
      { name: 'cpu' as const, available: true },
    ];
    expect(providerOrder('auto', reports)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder('webgpu', reports)).toEqual(['webgpu', 'cpu']);
    expect(providerOrder('cuda', [{ name: 'cuda', available: false, reason: 'x' }, { name: 'cpu', available: true }])).toEqual(['cpu']);
    expect(providerOrder('auto', [])).toEqual(['cpu']);
  });

  it('says why a provider is unavailable in words, keeping unknown messages short', () => {
    expect(explain('cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')).toMatch(/CUDA libraries are not installed/);
    expect(explain('webgpu', 'webgpu_context.cc:136 ... Failed to get a WebGPU adapter: No supported adapters')).toMatch(/no WebGPU adapter/);
    expect(explain('cuda', 'x'.repeat(400))).toHaveLength(158);
  });
});
