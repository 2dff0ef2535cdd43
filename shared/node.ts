import { z } from 'zod';

export const nodeStates = ['starting', 'running', 'paused', 'error'] as const;
export const nodeStateSchema = z.enum(nodeStates);
export type NodeState = z.infer<typeof nodeStateSchema>;

export const nodeStatusSchema = z.object({
  state: nodeStateSchema,
  /** Why the node is in this state, in plain words for people. */
  reason: z.string(),
  /** Since when (ms since the epoch) the node has been in this state. */
  since: z.number().int().nonnegative(),
  /** For a timed pause: when it ends (ms since the epoch); otherwise null. */
  pausedUntil: z.number().int().nonnegative().nullable(),
  version: z.string(),
  dataDir: z.string(),
  nodeName: z.string(),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

/** The longest timed pause: a week. Longer means "until resumed". */
export const MAX_PAUSE_MS = 7 * 24 * 60 * 60 * 1000;

export const pauseInputSchema = z
  .object({
    /** Pause for this long, then resume by itself. Omitted (and no `until`): until resumed. */
    durationMs: z
      .number()
      .int('must be a whole number of milliseconds')
      .min(60_000, 'must be at least one minute')
      .max(MAX_PAUSE_MS, 'must be at most 7 days; leave it out to pause until resumed')
      .optional(),
    /** Pause until the start of the next day (in the limits' time zone). */
    until: z.literal('tomorrow').optional(),
  })
  .strict()
  .refine((input) => input.durationMs === undefined || input.until === undefined, 'give durationMs or until, not both');
export type PauseInput = z.infer<typeof pauseInputSchema>;
