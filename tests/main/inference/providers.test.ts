import { describe, expect, it } from 'vitest';
import { explain, providerOrder, providerSetup } from '../../../main/inference/providers.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';

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

describe('the GPU choice as session options', () => {
  const chosen = { deviceIndex: 1, vramCapMiB: 6144 };

  it('passes the device to CUDA and DirectML, and says the VRAM cap is not enforced', () => {
    const cuda = providerSetup('cuda', chosen);
    expect(cuda.option).toEqual({ name: 'cuda', deviceId: 1 });
    expect(cuda.unhonoured).toBe('the VRAM cap (6 GiB) is not enforced: onnxruntime-node gives the CUDA provider no memory limit');
    expect(providerSetup('dml', { deviceIndex: 0, vramCapMiB: 2500 })).toEqual({
      option: { name: 'dml', deviceId: 0 },
      unhonoured: 'the VRAM cap (2500 MiB) is not enforced: onnxruntime-node gives the DirectML provider no memory limit',
    });
  });

  it('leaves the default device where none is chosen, and says nothing when all is honoured', () => {
    expect(providerSetup('cuda', undefined)).toEqual({ option: 'cuda' });
    expect(providerSetup('cuda', { deviceIndex: null, vramCapMiB: null })).toEqual({ option: 'cuda' });
    expect(providerSetup('dml', { deviceIndex: 2, vramCapMiB: null })).toEqual({ option: { name: 'dml', deviceId: 2 } });
  });

  it('gives WebGPU and CoreML no device (they take none) and says so', () => {
    const webgpu = providerSetup('webgpu', chosen);
    expect(webgpu.option).toBe('webgpu');
    expect(webgpu.unhonoured).toMatch(/^GPU 1 cannot be chosen: onnxruntime-node's WebGPU provider takes no adapter choice.*; the VRAM cap \(6 GiB\) is not enforced/);
    const coreml = providerSetup('coreml', { deviceIndex: 0, vramCapMiB: null });
    expect(coreml).toEqual({ option: 'coreml', unhonoured: 'GPU 0 cannot be chosen: CoreML picks the device itself' });
  });

  it('ignores the GPU choice on the CPU', () => {
    expect(providerSetup('cpu', chosen)).toEqual({ option: 'cpu' });
  });

  it('leaves out, and says, values the limits would have refused', () => {
    expect(providerSetup('cuda', { deviceIndex: -1, vramCapMiB: 0 })).toEqual({
      option: 'cuda',
      unhonoured: 'GPU index -1 is not valid (0–63): the default GPU is used; VRAM cap 0 MiB is not valid: no cap',
    });
    expect(providerSetup('cuda', { deviceIndex: 1.5, vramCapMiB: null }).option).toBe('cuda');
    expect(providerSetup('cuda', { deviceIndex: 64, vramCapMiB: null }).option).toBe('cuda');
  });

  // The binding itself, on this machine (no GPU): what it parses is what providerSetup relies on.
  describe('against onnxruntime-node', () => {
    const create = async (option: unknown): Promise<string> => {
      process.env.ORT_DISABLE_TELEMETRY = '1';
      const ort = await import('onnxruntime-node');
      ort.env.logLevel = 'fatal';
      try {
        const session = await ort.InferenceSession.create(scaleModel(), { executionProviders: [option as 'cpu'], logSeverityLevel: 4 });
        await session.release();
        return 'created';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };

    it('refuses a device for WebGPU, so none is passed', async () => {
      expect(await create({ name: 'webgpu', deviceId: 1 })).toMatch(/WebGPU EP has an unrecognized option: 'deviceId'/);
      expect(await create(providerSetup('webgpu', chosen).option)).not.toMatch(/Invalid argument|unrecognized option/);
    });

    it('takes CUDA with a device id (failing here only for want of CUDA, not for the option)', async () => {
      const outcome = await create(providerSetup('cuda', chosen).option);
      expect(outcome).not.toMatch(/Invalid argument|unrecognized option/);
    });
  });
});
