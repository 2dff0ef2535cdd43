import { z } from 'zod';

/**
 * The policy engine's decision as the UI sees it: run or pause, the reasons in
 * plain words (the headline first), when the clock alone could change it, and
 * the resource budget the worker gets.
 */
export const reasonKindSchema = z.enum(['run', 'pause', 'unknown', 'info']);

export const policyStatusSchema = z.object({
  action: z.enum(['run', 'pause']),
  reasons: z.array(z.object({ code: z.string(), kind: reasonKindSchema, text: z.string() })),
  /** When the decision could change by the clock alone (a window edge, a pause ending); null: only signals can. */
  nextCheckAt: z.number().int().nullable(),
  decidedAt: z.number().int(),
  timeZone: z.string(),
  budget: z.object({
    threads: z.number().int(),
    cpuPercent: z.number(),
    gpu: z.object({ enabled: z.boolean(), deviceIndex: z.number().int().nullable() }),
    vramCapMiB: z.number().nullable(),
    ramCapMiB: z.number().nullable(),
    modelDiskQuotaMiB: z.number(),
  }),
});
export type PolicyStatus = z.infer<typeof policyStatusSchema>;
