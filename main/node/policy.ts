import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { PolicyStatus } from '../../shared/policy.ts';
import { reasonKinds, type Decision } from '../policy/decision.ts';
import type { OsSignalsSnapshot, SignalSource } from '../policy/signals.ts';

/** A manual pause survives a restart: "pause for 1 h" means one hour, not until the app restarts. */
export const MANUAL_PAUSE_KEY = 'manualPause';
export const manualPauseSchema = z.object({ since: z.number().int(), until: z.number().int().nullable() });

/** Time contributed today (for the daily cap), kept across restarts. */
export const USAGE_KEY = 'policyUsage';
export const usageSchema = z.object({ day: z.string(), ms: z.number().nonnegative() });

/** How often the OS signals are read: a game gets the machine back within half a second, detection included (a Linux pass costs ~0.1–0.5 ms). */
export const SIGNALS_MS = 250;

/**
 * What a node knows before (or without) an OS signal source: the clock only.
 * Every sensed signal is 'unknown', which the engine shows as such — never a
 * silent "always run".
 */
export function clockOnlySignals(now: number): OsSignalsSnapshot {
  return {
    now,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    logicalCpus: availableParallelism(),
    interactiveSession: 'unknown',
    screenLocked: 'unknown',
    idleSeconds: 'unknown',
    onBattery: 'unknown',
    processes: 'unknown',
    fullscreenApp: 'unknown',
    gpuUsers: 'unknown',
    temperatures: 'unknown',
  };
}

export const clockOnlySource: SignalSource = {
  read: () => Promise.resolve(clockOnlySignals(Date.now())),
};

export function policyStatusOf(decision: Decision, decidedAt: number): PolicyStatus {
  return {
    action: decision.action,
    reasons: decision.reasons.map((reason) => ({ code: reason.code, kind: reasonKinds[reason.code], text: reason.text })),
    nextCheckAt: decision.nextCheckAt,
    decidedAt,
    timeZone: decision.timeZone,
    budget: decision.budget,
  };
}
