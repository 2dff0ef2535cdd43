import type * as Ort from 'onnxruntime-node';
import type { ExecutionProviderName, ProviderReport, WorkerGpu } from '../../shared/worker-protocol.ts';
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
export async function detectProviders(ort: typeof Ort, probeModel: Uint8Array, platform = process.platform, gpu?: WorkerGpu): Promise<ProviderReport[]> {
  const reports: ProviderReport[] = [];
  for (const name of PREFERENCE.filter((p) => candidates(platform).includes(p))) {
    // Probed on the chosen GPU: a device index this machine lacks makes the provider unavailable, with ONNX Runtime's reason.
    const setup = providerSetup(name, gpu);
    try {
      const session = await ort.InferenceSession.create(probeModel, { executionProviders: [setup.option], logSeverityLevel: 4 });
      await session.release();
      reports.push({ name, available: true, ...(setup.unhonoured ? { note: setup.unhonoured } : {}) });
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

/** What one execution provider gets for the GPU choice, and what of it it cannot honour. */
export interface ProviderSetup {
  /** The entry for `executionProviders` in InferenceSession.create. */
  option: Ort.InferenceSession.ExecutionProviderConfig;
  /** The part of the GPU choice this provider leaves out, in words; absent when it honours all of it. */
  unhonoured?: string;
}

/** The most GPUs a machine is taken to have (shared/limits.ts allows 0–63). */
const MAX_DEVICE_INDEX = 63;

/**
 * The GPU choice as session options, with only what onnxruntime-node 1.30
 * really passes on (js/node/src/session_options_helper.cc, and the strings of
 * the shipped bindings): `deviceId` for CUDA, TensorRT and DirectML (a CUDA
 * device ordinal, a DXGI adapter index); `coreMlFlags` for CoreML; a fixed set
 * of layout/validation/buffer-cache keys for WebGPU, where any other key is
 * refused ("WebGPU EP has an unrecognized option"). No provider takes a memory
 * limit: CUDA's options are made with their defaults and only `device_id` set,
 * so `gpu_mem_limit` stays unlimited (an upstream pull request to add it,
 * microsoft/onnxruntime#23176, is not merged). What cannot be honoured is said
 * instead of being passed and silently ignored.
 */
export function providerSetup(name: ExecutionProviderName, gpu: WorkerGpu | undefined): ProviderSetup {
  if (name === 'cpu') return { option: 'cpu' };
  const problems: string[] = [];
  const deviceIndex = validIndex(gpu?.deviceIndex, problems);
  const vramCapMiB = validCap(gpu?.vramCapMiB, problems);
  let option: ProviderSetup['option'] = name;
  switch (name) {
    case 'cuda':
    case 'dml':
      if (deviceIndex !== null) option = { name, deviceId: deviceIndex };
      break;
    case 'coreml':
      if (deviceIndex !== null) problems.push(`GPU ${deviceIndex} cannot be chosen: CoreML picks the device itself`);
      break;
    case 'webgpu':
      if (deviceIndex !== null) problems.push(`GPU ${deviceIndex} cannot be chosen: onnxruntime-node's WebGPU provider takes no adapter choice and uses the default GPU`);
      break;
  }
  if (vramCapMiB !== null) {
    problems.push(`the VRAM cap (${formatMiB(vramCapMiB)}) is not enforced: onnxruntime-node gives the ${PROVIDER_LABEL[name]} provider no memory limit`);
  }
  return problems.length > 0 ? { option, unhonoured: problems.join('; ') } : { option };
}

const PROVIDER_LABEL: Readonly<Record<ExecutionProviderName, string>> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU' };

/** The config crossed a process boundary as a structured clone: a value the limits' schema would refuse is left out, and said. */
function validIndex(value: number | null | undefined, problems: string[]): number | null {
  if (value === null || value === undefined) return null;
  if (Number.isInteger(value) && value >= 0 && value <= MAX_DEVICE_INDEX) return value;
  problems.push(`GPU index ${String(value)} is not valid (0–${MAX_DEVICE_INDEX}): the default GPU is used`);
  return null;
}

function validCap(value: number | null | undefined, problems: string[]): number | null {
  if (value === null || value === undefined) return null;
  if (Number.isInteger(value) && value > 0) return value;
  problems.push(`VRAM cap ${String(value)} MiB is not valid: no cap`);
  return null;
}

function formatMiB(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}
