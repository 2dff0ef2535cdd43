/**
 * What `check` compares answers with, read back from a DemoJob's opaque
 * `expected`. The coordinator keeps open jobs in its ledger through V8's
 * serializer, so after a restart `expected` is a copy, not the object the
 * workload made: it is recognised by its shape, not its identity.
 */
import { z } from 'zod';
import type { EmbeddingExpected } from './embedding-jobs.ts';
import type { MlpExpected } from './mlp-jobs.ts';
import type { OcrExpected } from './ocr-jobs.ts';
import type { ScaleExpected } from './scale-jobs.ts';

export type Expected = ScaleExpected | MlpExpected | OcrExpected | EmbeddingExpected;

const expectedSchema: z.ZodType<Expected> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scale'), y: z.instanceof(Float32Array) }),
  z.object({ kind: z.literal('mlp'), batch: z.number().int().positive(), y: z.instanceof(Float64Array) }),
  z.object({ kind: z.literal('ocr'), file: z.string(), lines: z.array(z.string()).min(1) }),
  z.object({
    kind: z.literal('embedding'),
    rows: z.array(z.object({ text: z.string(), tokens: z.number().int().nonnegative(), vector: z.instanceof(Float32Array) })).min(1),
  }),
]);

/** The job's expected answer, or undefined if it is not one this workload makes. */
export function readExpected(value: unknown): Expected | undefined {
  const parsed = expectedSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
