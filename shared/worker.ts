import { z } from 'zod';

export const providerReportSchema = z.object({
  name: z.enum(['cpu', 'cuda', 'dml', 'coreml', 'webgpu']),
  available: z.boolean(),
  /** Why it is not available, in words. */
  reason: z.string().optional(),
  /** ONNX Runtime's own message. */
  detail: z.string().optional(),
  /** A limit this provider cannot honour (e.g. the VRAM cap), in words. */
  note: z.string().optional(),
});

/** The inference worker as the UI shows it. */
export const workerStatusSchema = z.object({
  state: z.enum(['idle', 'starting', 'ready', 'paused', 'backoff', 'failed', 'stopped']),
  pid: z.number().int().nullable(),
  /** Known once the worker has started (each start probes them). */
  providers: z.array(providerReportSchema),
  /** Restarts after crashes, all time (kept in SQLite). */
  restarts: z.number().int().nonnegative(),
  lastCrash: z.string().nullable(),
  inFlight: z.number().int().nonnegative(),
});
export type WorkerStatus = z.infer<typeof workerStatusSchema>;
