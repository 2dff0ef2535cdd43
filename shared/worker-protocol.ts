/**
 * Messages between the supervisor (main/worker) and the inference worker
 * (main/inference). They cross as structured clones (fork with `advanced`
 * serialization, or Electron's utilityProcess): tensors travel as typed
 * arrays, never JSON or base64.
 */

export const tensorTypes = ['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'bool'] as const;
export type TensorType = (typeof tensorTypes)[number];
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface WireTensor {
  type: TensorType;
  dims: number[];
  data: TensorData;
}

export type ExecutionProviderName = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

export interface WorkerConfig {
  /** Threads ONNX Runtime may use inside one run (the user's CPU limit). */
  intraOpThreads: number;
  /** `auto` tries the best available provider and falls back to CPU. */
  executionProvider: ExecutionProviderName | 'auto';
  /** Largest total input size a job may send, in bytes. */
  maxInputBytes: number;
  /**
   * The contribution limits' GPU choice, for the GPU providers. Absent, or a
   * null field: the provider's default (its first device, no memory limit).
   * Not every provider can honour it: the worker says which cannot, per
   * provider (ProviderReport.note; main/inference/providers.ts).
   */
  gpu?: WorkerGpu;
}

export interface WorkerGpu {
  /** Which GPU, counted from 0 as the driver lists them. */
  deviceIndex: number | null;
  vramCapMiB: number | null;
}

export type ToWorker =
  | { type: 'configure'; config: WorkerConfig }
  | { type: 'load'; id: number; sha256: string; bytes: Uint8Array }
  | { type: 'run'; id: number; task: 'tensor'; sha256: string; inputs: Record<string, WireTensor> }
  /** `image`: the compressed PNG or JPEG; decoding and all pre-/post-processing happen in the worker. */
  | { type: 'run'; id: number; task: 'ocr'; sha256: string; image: Uint8Array }
  | { type: 'run'; id: number; task: 'embedding'; sha256: string; texts: string[] }
  | { type: 'release'; id: number };

export interface ProviderReport {
  name: ExecutionProviderName;
  available: boolean;
  /** Why it is not available, in words (missing libraries, no adapter, …). */
  reason?: string;
  /** ONNX Runtime's own message, for troubleshooting. */
  detail?: string;
  /** Available, but part of the GPU choice is not honoured by it, in words ("the VRAM cap (6 GiB) is not enforced: …"). */
  note?: string;
}

export const workerErrorCodes = [
  'invalid_input',
  'model_invalid',
  'model_not_loaded',
  'hash_mismatch',
  'out_of_memory',
  'run_failed',
  'deadline',
  'worker_crashed',
  'worker_unavailable',
  'paused',
] as const;
export type WorkerErrorCode = (typeof workerErrorCodes)[number];

export type FromWorker =
  | { type: 'ready'; pid: number; ortVersion: string; nodeVersion: string; providers: ProviderReport[] }
  | { type: 'loaded'; id: number; sha256: string; inputs: TensorSpec[]; outputs: TensorSpec[]; provider: ExecutionProviderName; fallbackReason?: string }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor>; durationMs: number; provider: ExecutionProviderName }
  | { type: 'ocrResult'; id: number; lines: OcrLine[]; durationMs: number; provider: ExecutionProviderName }
  | { type: 'embeddingResult'; id: number; vectors: Float32Array; dims: [number, number]; tokens: number[]; durationMs: number; provider: ExecutionProviderName }
  | { type: 'released'; id: number; sessions: number }
  | { type: 'error'; id: number; code: WorkerErrorCode; message: string };

/** What a model declares for one input or output: dims are numbers, or names for symbolic ones. */
export interface TensorSpec {
  name: string;
  type: TensorType | 'unknown';
  dims: (number | string)[];
}

export interface OcrLine {
  text: string;
  /** Mean probability of the recognised characters, 0–1. */
  confidence: number;
  /** Corners in image pixels: top-left, top-right, bottom-right, bottom-left. */
  box: [number, number][];
  /** The text was upside down and was turned before recognition. */
  rotated: boolean;
}
