import { z } from 'zod';
import { baseUnits } from './money.ts';

export const taskKinds = ['tensor', 'ocr', 'embedding'] as const;
export const taskKindSchema = z.enum(taskKinds);
export type TaskKind = z.infer<typeof taskKindSchema>;

/** accepted → running → succeeded → paid, or → failed at any point before paid. */
export const jobStates = ['accepted', 'running', 'succeeded', 'failed', 'paid'] as const;
export const jobStateSchema = z.enum(jobStates);
export type JobState = z.infer<typeof jobStateSchema>;

export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

export const jobSchema = z.object({
  id: z.string().min(1).max(128),
  coordinator: z.string().min(1),
  task: taskKindSchema,
  modelId: z.string().min(1).max(256),
  modelSha256: sha256HexSchema,
  state: jobStateSchema,
  price: baseUnits,
  acceptedAt: z.number().int(),
  deadlineAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  executionProvider: z.string().nullable(),
  resultHash: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  voucherId: z.number().int().nullable(),
});
export type Job = z.output<typeof jobSchema>;

export const jobsListInputSchema = z
  .object({
    limit: z.number().int().min(1).max(200).default(50),
    /** Jobs accepted before this moment (ms since the epoch): the next page. */
    before: z.number().int().nonnegative().optional(),
  })
  .strict()
  .optional();

/** What the Overview shows: counts and money from the store, exact. */
export const jobsSummarySchema = z.object({
  /** Results the network accepted or has yet to answer, and paid ones. */
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Accepted or running now. */
  active: z.number().int().nonnegative(),
  /** Price of every completed job (succeeded + paid), base units. */
  earned: baseUnits,
  /** The part of `earned` covered by stored vouchers. */
  vouchered: baseUnits,
  lastCompletedAt: z.number().int().nullable(),
  /** The last hour: jobs completed and what they earned. */
  lastHour: z.object({ completed: z.number().int().nonnegative(), earned: baseUnits }),
});
export type JobsSummary = z.output<typeof jobsSummarySchema>;
