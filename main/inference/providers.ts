import type * as Ort from 'onnxruntime-node';
import type { ExecutionProviderName, ProviderReport } from '../../shared/worker-protocol.ts';
import { errorMessage } from '../../shared/errors.ts';

/** Best first: the order `auto` tries them in. */
const PREFERENCE: readonly ExecutionProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

/** The provider each platform build of onnxruntime-node can have at all. */
function candidates(platform: NodeJS.Platform): ExecutionProviderName[] {
  switch (platform) {
    case 'win32':
      return ['dml', 'webgpu', 'cpu'];
    case 'darwin':
      return ['coreml', 'webgpu', 'cpu'];
    default:
      return ['cuda', 'webgpu', 'cpu'];
  }
}

/**
 * Finds out which execution providers work on this machine by creating a
 * session on a tiny model with each, one at a time: ONNX Runtime throws for a
 * list like ['cuda', 'cpu'] when CUDA is missing instead of falling back, so
 * each gets its own try. The reason a provider is unavailable is kept.
 */
export async function detectProviders(ort: typeof Ort, probeModel: Uint8Array, platform = process.platform): Promise<ProviderReport[]> {
  const reports: ProviderReport[] = [];
  for (const name of PREFERENCE.filter((p) => candidates(platform).includes(p))) {
    try {
      const session = await ort.InferenceSession.create(probeModel, { executionProviders: [name], logSeverityLevel: 4 });
      await session.release();
      reports.push({ name, available: true });
    } catch (error) {
      const detail = firstLine(error);
      reports.push({ name, available: false, reason: explain(name, detail), detail });
    }
  }
  return reports;
}

/** A provider's failure in words a person can act on; the raw message stays in `detail`. */
export function explain(name: ExecutionProviderName, detail: string): string {
  if (name === 'cuda' && /Failed to load (shared )?library|libcudart|libcublas|libcudnn|providers_cuda/i.test(detail)) {
    return 'CUDA libraries are not installed (see the README: enabling CUDA on Linux)';
  }
  if (name === 'cuda' && /no CUDA-capable device|cudaErrorNoDevice|CUDA driver version/i.test(detail)) return 'no usable NVIDIA GPU or driver';
  if (name === 'webgpu' && /adapter/i.test(detail)) return 'no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D12 driver for it)';
  if (name === 'dml' && /DirectML|D3D12|adapter/i.test(detail)) return 'no DirectX 12 GPU for DirectML';
  return detail.length > 160 ? `${detail.slice(0, 157)}…` : detail;
}

/** The providers to try, in order, for a configured choice; CPU always last. */
export function providerOrder(choice: ExecutionProviderName | 'auto', reports: readonly ProviderReport[]): ExecutionProviderName[] {
  const available = reports.filter((r) => r.available).map((r) => r.name);
  const wanted = choice === 'auto' ? available : available.includes(choice) ? [choice] : [];
  return [...new Set([...wanted, 'cpu' as const])];
}

export function firstLine(error: unknown): string {
  const text = errorMessage(error);
  return (text.split('\n').find((line) => line.trim()) ?? text).trim().slice(0, 300);
}
